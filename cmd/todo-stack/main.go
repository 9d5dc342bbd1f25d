// Command todo-stack runs the whole product on this machine: a PostgreSQL cluster (from the
// machine's own binaries, see internal/pgcluster) with one database for the API and one for
// Better Auth, the web app in web/ (`next start`, a production build) and the API
// (`todo-api serve`) trusting the web app's Better Auth. `make run-web` builds and runs it,
// and so does the end-to-end suite (web/e2e/harness.mjs), with -ephemeral and free ports.
//
// Order: PostgreSQL, then the web app (it migrates Better Auth's tables when it starts), then
// the API once the web app's JWKS answers. Should another process take a server's port
// between the moment it was found free and the server's bind, both servers start again on
// other ports. Ctrl-C or SIGTERM stops them in reverse order, each by its PID; with
// -ephemeral the cluster and its directory are deleted, also when this process is killed (the
// cluster's watchdog) — and the two servers get SIGTERM from the kernel then.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/todo-api/todo-api/internal/pgcluster"
)

func main() {
	// Children get SIGTERM when the thread that started them ends (Pdeathsig): keep them all
	// on the main thread, which ends only with the process.
	runtime.LockOSThread()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "todo-stack:", err)
		os.Exit(1)
	}
}

type options struct {
	webDir, apiBin, dataDir, logDir, host string
	webPort, apiPort                      int
	ephemeral, jsonOut, watchStdin        bool
}

func run() error {
	var o options
	flag.StringVar(&o.webDir, "web", "web", "the web app: a Next.js project with a production build (.next)")
	flag.StringVar(&o.apiBin, "api-bin", "bin/todo-api", "the todo-api binary")
	flag.StringVar(&o.dataDir, "data", ".data/web", "where the PostgreSQL cluster and Better Auth's secret are kept across runs")
	flag.BoolVar(&o.ephemeral, "ephemeral", false, "use a throwaway cluster in a temporary directory instead of -data (tests)")
	flag.StringVar(&o.host, "host", "localhost", "host name in the URLs (the web origin, the token issuer); the servers listen on 127.0.0.1")
	flag.IntVar(&o.webPort, "web-port", 3000, "the web app's port; a free one when 0 or taken")
	flag.IntVar(&o.apiPort, "api-port", 8081, "the API's port; a free one when 0 or taken")
	flag.StringVar(&o.logDir, "log-dir", "", "append the servers' output to api.log and web.log here instead of the terminal")
	flag.BoolVar(&o.jsonOut, "json", false, `print one JSON line {"web","api"} on stdout when ready`)
	flag.BoolVar(&o.watchStdin, "watch-stdin", false, "stop when stdin closes (the parent process died)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.watchStdin {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	}

	for _, p := range []*string{&o.webDir, &o.apiBin, &o.logDir} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return err
			}
			*p = abs
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("node is not on PATH (Node.js >= 20.19 runs the web app)")
	}
	nextBin := filepath.Join(o.webDir, "node_modules", "next", "dist", "bin", "next")
	if _, err := os.Stat(filepath.Join(o.webDir, ".next", "BUILD_ID")); err != nil {
		return fmt.Errorf("no production build in %s/.next: run `npm --prefix %[1]s ci && npm --prefix %[1]s run build` (make run-web does)", o.webDir)
	}
	if _, err := os.Stat(o.apiBin); err != nil {
		return fmt.Errorf("no API binary at %s: run `make build`", o.apiBin)
	}

	cluster, secret, cleanup, err := startDatabase(ctx, o)
	if err != nil {
		return err
	}
	defer cleanup()
	for _, db := range []string{"todo", "auth"} {
		if err := cluster.EnsureDatabase(ctx, db); err != nil {
			return err
		}
	}

	// Another process may take a port between pickPort and the server's bind: then both
	// servers start again on other ports (each one's URL is in the other's settings).
	var srv *servers
	for attempt := 1; ; attempt++ {
		srv, err = startServers(ctx, o, cluster, secret, node, nextBin)
		if err == nil {
			break
		}
		if !errors.Is(err, errAddrInUse) || attempt == maxStarts {
			return err
		}
		fmt.Fprintf(os.Stderr, "todo-stack: %v; starting both servers again on other ports\n", err)
	}
	defer srv.stop()
	web, api, webURL, apiURL, exited := srv.web, srv.api, srv.webURL, srv.apiURL, srv.exited

	if o.jsonOut {
		line, _ := json.Marshal(map[string]any{"web": webURL, "api": apiURL, "webPid": web.cmd.Process.Pid, "apiPid": api.cmd.Process.Pid})
		fmt.Println(string(line))
	}
	fmt.Fprintf(os.Stderr, "\n  Todo is running: open %s\n  API %s (docs %s/docs/) · PostgreSQL %s\n  Ctrl-C stops everything.\n\n",
		webURL, apiURL, apiURL, cluster.URL("todo"))

	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "todo-stack: stopping")
		return nil
	case name := <-exited:
		return fmt.Errorf("the %s server exited; stopping the rest", name)
	}
}

// maxStarts bounds the attempts to start the servers: each retry follows a port taken by
// another process, so this many in a row means something else is wrong.
const maxStarts = 5

// errAddrInUse reports a server that exited because another process had taken its port.
var errAddrInUse = errors.New("address already in use")

// servers are the web app and the API, started and answering.
type servers struct {
	web, api       *proc
	webURL, apiURL string
	exited         chan string // receives the name of a server that ends
}

// stop stops the API, then the web app.
func (s *servers) stop() {
	s.api.stop(10 * time.Second)
	s.web.stop(10 * time.Second)
}

// startServers starts the web app and then, once its JWKS answers, the API, on ports
// picked now; it waits until both answer. On failure it stops what it started; the error
// wraps errAddrInUse when a server exited because its port was taken.
func startServers(ctx context.Context, o options, cluster *pgcluster.Cluster, secret, node, nextBin string) (_ *servers, err error) {
	webPort, err := pickPort(o.webPort)
	if err != nil {
		return nil, err
	}
	apiPort, err := pickPort(o.apiPort)
	if err != nil {
		return nil, err
	}
	webURL := fmt.Sprintf("http://%s:%d", o.host, webPort)
	apiURL := fmt.Sprintf("http://%s:%d", o.host, apiPort)
	exited := make(chan string, 2)
	var started []*proc
	defer func() {
		if err == nil {
			return
		}
		for i := len(started) - 1; i >= 0; i-- {
			p := started[i]
			p.stop(10 * time.Second)
			if p.addrInUse() {
				err = fmt.Errorf("%w: another process took the %s server's port (%v)", errAddrInUse, p.name, err)
			}
		}
	}()

	web, err := start(o, "web", exited, node, []string{nextBin, "start", "-H", "127.0.0.1", "-p", strconv.Itoa(webPort)},
		o.webDir, map[string]string{
			"NODE_ENV":                "production",
			"NEXT_TELEMETRY_DISABLED": "1",
			"BETTER_AUTH_URL":         webURL,
			"BETTER_AUTH_SECRET":      secret,
			"AUTH_DATABASE_URL":       cluster.URL("auth"),
			"TODO_API_URL":            apiURL,
		})
	if err != nil {
		return nil, err
	}
	started = append(started, web)
	// The JWKS answers once Better Auth's tables exist; the first request makes the first key.
	if err := waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/api/auth/jwks", webPort), exited, 90*time.Second); err != nil {
		return nil, fmt.Errorf("web app: %w", err)
	}

	api, err := start(o, "api", exited, o.apiBin, []string{"serve"}, "", map[string]string{
		"DATABASE_URL":    cluster.URL("todo"),
		"BETTER_AUTH_URL": webURL,
		// What BETTER_AUTH_URL implies, spelled out so that no JWKS_URL or JWT_* in the
		// caller's environment can change it: Better Auth's key set, and iss = aud = its
		// origin (web/src/lib/auth.ts sets the same).
		"JWKS_URL":             webURL + "/api/auth/jwks",
		"JWT_ISSUER":           webURL,
		"JWT_AUDIENCE":         webURL,
		"CORS_ALLOWED_ORIGINS": webURL,
		"LISTEN_ADDR":          fmt.Sprintf("127.0.0.1:%d", apiPort),
		"LOG_FORMAT":           "text",
	})
	if err != nil {
		return nil, err
	}
	started = append(started, api)
	if err := waitHTTP(ctx, fmt.Sprintf("http://127.0.0.1:%d/readyz", apiPort), exited, 60*time.Second); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return &servers{web: web, api: api, webURL: webURL, apiURL: apiURL, exited: exited}, nil
}

// startDatabase starts the cluster: throwaway with -ephemeral, else kept in -data (reused when
// a previous run left it running). It returns Better Auth's secret, kept beside a kept cluster
// (the signing keys in the database are encrypted with it).
func startDatabase(ctx context.Context, o options) (*pgcluster.Cluster, string, func(), error) {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	if o.ephemeral {
		tmp, err := os.MkdirTemp("", "todo-stack-")
		if err != nil {
			return nil, "", nil, err
		}
		// As root the server runs as postgres, which must get through the 0700 directory.
		if err := os.Chmod(tmp, 0o755); err != nil {
			return nil, "", nil, err
		}
		c, err := pgcluster.Start(sctx, pgcluster.Options{
			DataDir:   filepath.Join(tmp, "data"),
			Ephemeral: true,
			Settings:  map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"},
		})
		if err != nil {
			_ = os.RemoveAll(tmp)
			return nil, "", nil, err
		}
		destroy := func() {
			dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.Destroy(dctx); err != nil {
				logf("todo-stack: remove the throwaway cluster: %v", err)
			}
			_ = os.RemoveAll(tmp)
		}
		return c, randomSecret(), destroy, nil
	}

	dataDir, err := filepath.Abs(o.dataDir)
	if err != nil {
		return nil, "", nil, err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, "", nil, err
	}
	secret, err := keptSecret(filepath.Join(dataDir, "auth-secret"))
	if err != nil {
		return nil, "", nil, err
	}
	c, err := pgcluster.Start(sctx, pgcluster.Options{DataDir: filepath.Join(dataDir, "postgres"), Logf: logf})
	if errors.Is(err, pgcluster.ErrAlreadyRunning) {
		return nil, "", nil, fmt.Errorf("%w\nis another `make run-web` running? If not, a killed one left it behind: stop it with\n  pg_ctl -D %s stop   (as root: runuser -u postgres -- pg_ctl …)", err, filepath.Join(dataDir, "postgres"))
	}
	if err != nil {
		return nil, "", nil, err
	}
	stopCluster := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Stop(sctx); err != nil {
			logf("todo-stack: stop PostgreSQL: %v", err)
		}
	}
	return c, secret, stopCluster, nil
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// keptSecret reads the secret in path, creating it on first use.
func keptSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return string(b), nil
	}
	s := randomSecret()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		return "", fmt.Errorf("write Better Auth's secret: %w", err)
	}
	return s, nil
}

// pickPort returns want when it is free on 127.0.0.1, else a free port.
func pickPort(want int) (int, error) {
	if want != 0 {
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", want)); err == nil {
			l.Close()
			return want, nil
		}
		fmt.Fprintf(os.Stderr, "todo-stack: port %d is taken, picking another\n", want)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// proc is one server this program started.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
	tail *tail // the end of its output
}

// addrInUse reports whether the server's output says that its address was in use (Go's
// and Node's messages both say "address already in use").
func (p *proc) addrInUse() bool {
	return strings.Contains(strings.ToLower(p.tail.String()), "address already in use")
}

// tail keeps the last 16 KiB written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - 16<<10; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// start runs a server in its own process group (a Ctrl-C reaches this program only, which
// then stops the servers in order) with the environment plus env. Its output goes to
// -log-dir/name.log, or to stderr with a prefix. exited receives the name if it ends.
func start(o options, name string, exited chan<- string, bin string, args []string, dir string, env map[string]string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	var out io.Writer
	var closeOut func()
	if o.logDir != "" {
		if err := os.MkdirAll(o.logDir, 0o755); err != nil {
			return nil, err
		}
		// Appended to: a server started again (its port was taken) keeps the first one's log.
		f, err := os.OpenFile(filepath.Join(o.logDir, name+".log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, err
		}
		out, closeOut = f, func() { f.Close() }
	} else {
		pr, pw := io.Pipe()
		go func() {
			sc := bufio.NewScanner(pr)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				fmt.Fprintf(os.Stderr, "[%s] %s\n", name, sc.Text())
			}
			_, _ = io.Copy(io.Discard, pr)
		}()
		out, closeOut = pw, func() { pw.Close() }
	}
	t := &tail{}
	cmd.Stdout = io.MultiWriter(out, t)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		closeOut()
		return nil, fmt.Errorf("start the %s server: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{}), tail: t}
	go func() {
		_ = cmd.Wait()
		closeOut()
		close(p.done)
		exited <- name
	}()
	return p, nil
}

// stop sends SIGTERM to the server's process group, and SIGKILL after grace.
func (p *proc) stop(grace time.Duration) {
	p.once.Do(func() {
		pgid := -p.cmd.Process.Pid
		_ = syscall.Kill(pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			fmt.Fprintf(os.Stderr, "todo-stack: the %s server did not stop within %s; killing it\n", p.name, grace)
			_ = syscall.Kill(pgid, syscall.SIGKILL)
			<-p.done
		}
	})
}

// waitHTTP polls url until it answers 200, a server exits, ctx ends or timeout passes.
func waitHTTP(ctx context.Context, url string, exited <-chan string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within %s: %v", url, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case name := <-exited:
			return fmt.Errorf("the %s server exited while starting", name)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
