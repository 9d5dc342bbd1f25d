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

// serveProc is `todo-api serve` as a child process, which a test may kill and start again.
type serveProc struct {
	bin  func() (string, error) // builds (once) or finds the binary
	env  []string
	logs *proctest.LockedBuffer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	addr string
}

// startServe starts `todo-api serve` on databaseURL, trusting iss, with the service's
// defaults for every database setting, then extra (NAME=value) and -failover.env, on a port
// of its choosing. It returns once the process serves; it is killed at cleanup.
func startServe(t *testing.T, databaseURL string, iss *authtest.Issuer, extra ...string) *serveProc {
	t.Helper()
	return startServeOf(t, build, databaseURL, iss, extra...)
}

// startServeOf is startServe with the binary bin returns: another version's (rolling deploy).
func startServeOf(t *testing.T, bin func() (string, error), databaseURL string, iss *authtest.Issuer, extra ...string) *serveProc {
	t.Helper()
	s := &serveProc{bin: bin, logs: &proctest.LockedBuffer{}}
	s.env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + databaseURL,
		"JWKS_URL=" + iss.JWKSURL(), "JWT_ISSUER=" + iss.IssuerName(), "JWT_AUDIENCE=" + iss.Audience(),
		"LISTEN_ADDR=" + proctest.AnyAddr, "RATE_LIMIT_PER_USER=0", "LOG_FORMAT=json",
	}
	s.env = append(s.env, extra...)
	if *serveEnv != "" {
		s.env = append(s.env, strings.Split(*serveEnv, ",")...)
	}
	t.Cleanup(func() {
		s.signal(syscall.SIGKILL)
		<-s.exited()
		if t.Failed() {
			t.Logf("todo-api log (warnings and errors, the last 30):\n%s", warnings(s.logs.String(), 30))
		}
	})
	s.start(t)
	return s
}

// start starts the process and waits until it serves.
func (s *serveProc) start(t *testing.T) {
	t.Helper()
	bin, err := s.bin()
	if err != nil {
		t.Fatal(err)
	}
	logStart := len(s.logs.String())
	cmd := exec.Command(bin, "serve")
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start todo-api: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	const limit = 2 * time.Minute // only stops a broken start from hanging the test
	deadline := time.Now().Add(limit)
	for {
		if addr, ok := proctest.ServingAddr(s.logs.String()[logStart:]); ok {
			s.mu.Lock()
			s.addr = addr
			s.mu.Unlock()
			return
		}
		select {
		case <-done:
			t.Fatalf("todo-api exited:\n%s", s.logs.String()[logStart:])
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("todo-api not serving after %s:\n%s", limit, s.logs.String()[logStart:])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// URL is the base URL of the running (or last) process.
func (s *serveProc) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "http://" + s.addr
}

// Addr is the host:port of the running (or last) process.
func (s *serveProc) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// signal sends sig to the running process (if any).
func (s *serveProc) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(sig)
	}
}

// exited is closed when the running (or last) process has exited.
func (s *serveProc) exited() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
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
