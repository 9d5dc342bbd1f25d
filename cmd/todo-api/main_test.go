package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/config"
	"github.com/todo-api/todo-api/internal/devissuer"
	"github.com/todo-api/todo-api/internal/proctest"
)

// The real binary, built once per test run by binary() into binDir (removed by TestMain).
var (
	binDir    string
	buildOnce = sync.OnceValues(buildBinary)
)

const testVersion = "v0.0.0-test"

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "todo-api-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create binary directory:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	return m.Run()
}

// binary returns the path of the todo-api binary, built from this package (with the race
// detector when the tests have it) on first use.
func binary(t *testing.T) string {
	t.Helper()
	path, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func buildBinary() (string, error) {
	return proctest.BuildServe(binDir, "todo-api", proctest.Race, "-ldflags", "-X main.version="+testVersion)
}

// runInProcess calls run with a getenv map and no process environment; it returns the exit
// status main would use, stdout and stderr.
func runInProcess(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	err := run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr)
	code := exitCode(err, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := runInProcess(t, nil, "version")
	if code != 0 || out != "todo-api dev\n" {
		t.Fatalf("version: exit %d, %q", code, out)
	}
	// The release build stamps it in.
	got, err := exec.Command(binary(t), "version").Output()
	if err != nil || string(got) != "todo-api "+testVersion+"\n" {
		t.Fatalf("binary version: %q, %v", got, err)
	}
}

func TestConfigErrorsExitTwoNamingTheVariable(t *testing.T) {
	t.Parallel()
	const dataDirPlaceholder = "<temp dir>"
	valid := map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1:1/db", "JWKS_URL": "http://127.0.0.1:1/jwks"}
	with := func(k, v string) map[string]string {
		env := map[string]string{}
		for key, val := range valid {
			env[key] = val
		}
		env[k] = v
		return env
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantVar string
	}{
		{"ServeWithoutDatabaseURL", map[string]string{"JWKS_URL": "http://127.0.0.1:1/jwks"}, []string{"serve"}, "DATABASE_URL"},
		{"ServeWithoutJWKS", map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1:1/db"}, []string{"serve"}, "JWKS_URL"},
		{"ServeBadRateLimit", with("RATE_LIMIT_PER_USER", "fast"), []string{"serve"}, "RATE_LIMIT_PER_USER"},
		{"ServeBadListenAddr", with("LISTEN_ADDR", "8080"), []string{"serve"}, "LISTEN_ADDR"},
		{"ServeBadLogFormat", with("LOG_FORMAT", "xml"), []string{"serve"}, "LOG_FORMAT"},
		{"ServeUnparsableDatabaseURL", with("DATABASE_URL", "postgres://u@127.0.0.1:notaport/db"), []string{"serve"}, "DATABASE_URL"},
		{"MigrateWithoutDatabaseURL", nil, []string{"migrate", "status"}, "DATABASE_URL"},
		{"MigrateBadDirectURL", map[string]string{"DATABASE_DIRECT_URL": "direct.example.com"}, []string{"migrate", "status"}, "DATABASE_DIRECT_URL"},
		{"DevOnAllInterfaces", map[string]string{"LISTEN_ADDR": ":8080"}, []string{"dev", "--data-dir", dataDirPlaceholder}, "LISTEN_ADDR"},
		{"DevOnAPublicAddress", map[string]string{"LISTEN_ADDR": "192.0.2.1:8080"}, []string{"dev", "--data-dir", dataDirPlaceholder}, "LISTEN_ADDR"},
		{"DevBadRateLimit", map[string]string{"RATE_LIMIT_PER_USER": "-1"}, []string{"dev", "--data-dir", dataDirPlaceholder}, "RATE_LIMIT_PER_USER"},
		{"DevBadLogLevel", map[string]string{"LOG_LEVEL": "loud"}, []string{"dev", "--data-dir", dataDirPlaceholder}, "LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Should the check fail to stop it, dev must not start in the package directory.
			args := slices.Clone(tt.args)
			if i := slices.Index(args, dataDirPlaceholder); i >= 0 {
				args[i] = filepath.Join(t.TempDir(), "data")
			}
			code, _, stderr := runInProcess(t, tt.env, args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "todo-api: "+tt.wantVar+": ") {
				t.Fatalf("stderr %q: want one line naming %s", stderr, tt.wantVar)
			}
		})
	}
	t.Run("DevNeverTouchesTheDataDirOnABadSetting", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "data")
		runInProcess(t, map[string]string{"LISTEN_ADDR": "0.0.0.0:8080"}, "dev", "--data-dir", dir)
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("data dir created: %v", err)
		}
	})
}

// TestSameMistakeSameMessage: serve and dev read the settings they share through the same
// parsers, so the same bad value stops both with the same line.
func TestSameMistakeSameMessage(t *testing.T) {
	t.Parallel()
	serveEnv := map[string]string{"DATABASE_URL": "postgres://u@127.0.0.1:1/db", "JWKS_URL": "http://127.0.0.1:1/jwks"}
	tests := []struct{ name, value string }{
		{"LISTEN_ADDR", "8080"},
		{"RATE_LIMIT_PER_USER", "fast"},
		{"RATE_LIMIT_PER_USER", "-1"},
		{"CORS_ALLOWED_ORIGINS", "http://localhost:3000, https://app.example.com/path"},
		{"LOG_LEVEL", "loud"},
		{"LOG_FORMAT", "XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			env := maps.Clone(serveEnv)
			env[tt.name] = tt.value
			serveCode, _, serveErr := runInProcess(t, env, "serve")
			// Should the check fail to stop it, dev must not start in the package directory.
			devCode, _, devErr := runInProcess(t, map[string]string{tt.name: tt.value}, "dev", "--data-dir", filepath.Join(t.TempDir(), "data"))
			if serveCode != 2 || devCode != 2 {
				t.Fatalf("exit serve %d, dev %d, want 2 and 2; stderr:\n%s%s", serveCode, devCode, serveErr, devErr)
			}
			if serveErr != devErr || !strings.HasPrefix(serveErr, "todo-api: "+tt.name+": ") {
				t.Fatalf("serve says %q\ndev   says %q\nwant the same line naming %s", serveErr, devErr, tt.name)
			}
		})
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir() // should a check fail to stop dev, it must not start in the package directory
	for _, args := range [][]string{{}, {"nope"}, {"dev", "--data-dir", tmp, "extra"}, {"token"}, {"token", "--sub", "a", "--ttl", "-1h"}, {"dev", "--data-dir", tmp, "--bogus"}} {
		code, _, stderr := runInProcess(t, nil, args...)
		if code != 2 || !strings.Contains(stderr, "usage:") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestDevSetupProblemsExitTwo(t *testing.T) {
	t.Parallel()
	t.Run("PortInUse", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		code, stdout, stderr := runInProcess(t, map[string]string{"LISTEN_ADDR": l.Addr().String()}, "dev", "--data-dir", t.TempDir())
		if code != 2 || !strings.Contains(stderr, l.Addr().String()+" is already in use") || strings.Count(stderr, "\n") != 1 {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		if first, _, _ := strings.Cut(stdout, "\n"); !strings.Contains(first, "FOR DEVELOPMENT ONLY") {
			t.Fatalf("first line %q does not say it is for development", first)
		}
	})
	t.Run("NoPostgreSQLBinaries", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(binary(t), "dev", "--data-dir", t.TempDir())
		cmd.Env = []string{"PATH=/nonexistent", "PG_BINDIR=" + t.TempDir(), "LISTEN_ADDR=" + proctest.AnyAddr}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("run: %v, want exit 2; stderr %q", err, stderr.String())
		}
		if msg := stderr.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "apt-get install postgresql") || !strings.Contains(msg, "brew install postgresql@16") {
			t.Fatalf("stderr %q: want one line saying what to install", msg)
		}
	})
}

func TestToken(t *testing.T) {
	t.Parallel()
	t.Run("VerifiesWithTheDevIssuerKey", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		issuer, err := devissuer.LoadOrCreate(filepath.Join(dir, devKeyFile)) // what `dev` creates
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runInProcess(t, nil, "token", "--sub", "alice", "--ttl", "10m", "--data-dir", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		token, ok := strings.CutSuffix(stdout, "\n")
		if !ok || strings.ContainsAny(token, " \n") || strings.Count(token, ".") != 2 {
			t.Fatalf("stdout %q is not just a token", stdout)
		}
		sub, err := auth.NewStatic(issuer.PublicSet(), devIssuer, devIssuer).Verify(t.Context(), token)
		if err != nil || sub != "alice" {
			t.Fatalf("Verify = %q, %v", sub, err)
		}
	})
	t.Run("WithoutKeySaysToRunDev", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "typo")
		code, stdout, stderr := runInProcess(t, nil, "token", "--sub", "alice", "--data-dir", dir)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "run `todo-api dev` once") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("token created %s: %v", dir, err)
		}
	})
}

func TestPoolConfigExecMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		url  string
		want pgx.QueryExecMode
	}{
		{"DirectKeepsTheStatementCache", "postgres://u@db.example.com/app", pgx.QueryExecModeCacheStatement},
		{"NeonDirectEndpoint", "postgresql://u:p@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require", pgx.QueryExecModeCacheStatement},
		{"NeonPooledEndpoint", "postgresql://u:p@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require", pooledExecMode},
		{"PooledHostAmongFallbacks", "postgres://u@db1.example.com,ep-x-pooler.example.com/app", pooledExecMode},
		{"KeyValueForm", "host=ep-X-Pooler.eu-central-1.aws.neon.tech user=u dbname=app", pooledExecMode},
		{"ExplicitModeWinsOverPooledHost", "postgres://u@ep-x-pooler.example.com/app?default_query_exec_mode=simple_protocol", pgx.QueryExecModeSimpleProtocol},
		{"ExplicitModeOnDirectHost", "postgres://u@127.0.0.1:6432/app?default_query_exec_mode=exec", pgx.QueryExecModeExec},
		{"PoolerWithoutTheDotIsNotMatched", "postgres://u@my-pooler/app", pgx.QueryExecModeCacheStatement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pc, why, err := poolConfig(config.Config{DatabaseURL: tt.url, DBMaxConns: 4, DBConnectTimeout: 750 * time.Millisecond, DBHostTimeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if pc.ConnConfig.ConnectTimeout != 750*time.Millisecond || pc.PingTimeout != time.Second {
				t.Fatalf("connect timeout %s, ping timeout %s: want DB_CONNECT_TIMEOUT's 750ms and DB_HOST_TIMEOUT's 1s", pc.ConnConfig.ConnectTimeout, pc.PingTimeout)
			}
			if got := pc.ConnConfig.DefaultQueryExecMode; got != tt.want {
				t.Fatalf("exec mode %v (%s), want %v", got, why, tt.want)
			}
			if pc.MaxConns != 4 || pc.ConnConfig.RuntimeParams["application_name"] != "todo-api" {
				t.Fatalf("pool settings lost: max %d, params %v", pc.MaxConns, pc.ConnConfig.RuntimeParams)
			}
		})
	}
	if _, _, err := poolConfig(config.Config{DatabaseURL: "postgres://u@h:notaport/db"}); err == nil {
		t.Fatal("a bad URL parsed")
	} else if ce := new(config.Error); !errors.As(err, &ce) || ce.Var != "DATABASE_URL" {
		t.Fatalf("bad URL error %v does not name DATABASE_URL", err)
	}
}

// processAlive reports whether pid is a process that has not exited (a zombie has).
func processAlive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil && !isZombie(pid)
}

// waitGone waits until pid has exited.
func waitGone(t *testing.T, pid int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still running after %s", pid, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proc is a child process of a test: its own process group, stdout as lines, stderr kept
// for the failure report. It dies with the test (Pdeathsig) and is stopped at cleanup.
type proc struct {
	name  string
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}
	err   error // Wait's result, once done is closed

	mu     sync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// startProc starts argv with exactly env (plus PATH and HOME), in its own process group.
// deathSig reaches it if the test binary dies without cleaning up (SIGTERM lets `dev` stop
// its cluster). setup, when set, adjusts the command before it starts.
func startProc(t *testing.T, name string, env []string, deathSig syscall.Signal, argv []string, setup ...func(*exec.Cmd)) *proc {
	t.Helper()
	p := &proc{name: name, lines: make(chan string, 1000), done: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	if v := os.Getenv("PG_BINDIR"); v != "" {
		p.cmd.Env = append(p.cmd.Env, "PG_BINDIR="+v)
	}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: deathSig}
	p.cmd.Stderr = lockedWriter{&p.mu, &p.stderr}
	for _, f := range setup {
		f(p.cmd)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.stdout.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t, 30*time.Second)
		if t.Failed() {
			t.Logf("%s (pid %d) stdout:\n%s\nstderr:\n%s", p.name, p.cmd.Process.Pid, p.output(&p.stdout), p.output(&p.stderr))
		}
	})
	return p
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (p *proc) output(b *bytes.Buffer) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return b.String()
}

// Stderr returns what the process has written to stderr so far.
func (p *proc) Stderr() string { return p.output(&p.stderr) }

// waitLine returns the first stdout line starting with prefix, failing the test if the
// process exits or limit passes first.
func (p *proc) waitLine(t *testing.T, prefix string, limit time.Duration) string {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case line := <-p.lines:
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-p.done:
			// Lines printed just before the exit may still be queued.
			for {
				select {
				case line := <-p.lines:
					if strings.HasPrefix(line, prefix) {
						return line
					}
				default:
					t.Fatalf("%s exited (%v) before printing %q\nstderr:\n%s", p.name, p.err, prefix, p.Stderr())
				}
			}
		case <-timeout:
			t.Fatalf("%s printed no %q within %s\nstderr:\n%s", p.name, prefix, limit, p.Stderr())
		}
	}
}

// waitServing waits for todo-api's "serving" log line and returns the base URL it names:
// the tests start todo-api on proctest.AnyAddr, so the kernel picks its port. It fails the
// test if the process exits or limit passes first.
func (p *proc) waitServing(t *testing.T, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if addr, ok := proctest.ServingAddr(p.Stderr()); ok {
			return "http://" + addr
		}
		select {
		case <-p.done:
			if addr, ok := proctest.ServingAddr(p.Stderr()); ok { // logged just before the exit
				return "http://" + addr
			}
			t.Fatalf("%s exited (%v) before serving\nstderr:\n%s", p.name, p.err, p.Stderr())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not serving within %s\nstderr:\n%s", p.name, limit, p.Stderr())
		}
	}
}

// wait waits for the exit and returns the exit status.
func (p *proc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		t.Fatalf("%s still running after %s\nstderr:\n%s", p.name, limit, p.Stderr())
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("%s: %v", p.name, p.err)
	}
	return 0
}

// signal sends sig to the process itself.
func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s: %v", p.name, err)
	}
}

// stop ends the process group if it still runs: SIGTERM, then SIGKILL after grace.
func (p *proc) stop(t *testing.T, grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(grace):
	}
	t.Errorf("%s (pid %d) ignored SIGTERM for %s: killing its process group", p.name, pgid, grace)
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
}

// pidFromFile reads the first line of a pid file such as postmaster.pid (0 if none).
func pidFromFile(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}
