package failovertest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/proctest"
)

var (
	binDir string
	// build builds todo-api once, without the race detector: the tests measure time.
	build = sync.OnceValues(func() (string, error) { return proctest.BuildServe(binDir, "todo-api", false) })
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "failovertest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create binary directory:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// serveEnv is -failover.env: extra settings for serve, NAME=value[,NAME=value…].
var serveEnv = flag.String("failover.env", "", "extra settings for todo-api serve: NAME=value[,NAME=value…]")

// startServe starts `todo-api serve` on databaseURL, trusting iss, with the service's
// defaults for every database setting (plus -failover.env), on a port of its choosing;
// it returns the base URL once /readyz answers 200. The process is killed at cleanup.
func startServe(t *testing.T, databaseURL string, iss *authtest.Issuer) string {
	t.Helper()
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	logs := &proctest.LockedBuffer{}
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + databaseURL,
		"JWKS_URL=" + iss.JWKSURL(), "JWT_ISSUER=" + iss.IssuerName(), "JWT_AUDIENCE=" + iss.Audience(),
		"LISTEN_ADDR=" + proctest.AnyAddr, "RATE_LIMIT_PER_USER=0", "LOG_FORMAT=json",
	}
	if *serveEnv != "" {
		cmd.Env = append(cmd.Env, strings.Split(*serveEnv, ",")...)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start todo-api: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		if t.Failed() {
			t.Logf("todo-api log (warnings and errors, the last 30):\n%s", warnings(logs.String(), 30))
		}
	})
	const limit = 2 * time.Minute // only stops a broken start from hanging the test
	deadline := time.Now().Add(limit)
	for {
		if addr, ok := proctest.ServingAddr(logs.String()); ok {
			return "http://" + addr
		}
		select {
		case <-done:
			t.Fatalf("todo-api exited:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("todo-api not serving after %s:\n%s", limit, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// warnings returns the last n log lines at level WARN or ERROR.
func warnings(log string, n int) string {
	var lines []string
	for line := range strings.Lines(log) {
		if strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "")
}
