// Command todo-bench measures todo-api against the limits of the machine it runs on: it
// starts a throwaway PostgreSQL, a JWKS and the real `todo-api serve` (release build), seeds
// users and tasks through the API, drives it with wrk, and in the same run measures with
// pgbench what the database alone does for the equivalent statements. Only ratios measured
// together mean anything on a shared machine; the table prints them. `make bench` runs it.
package main

import (
	"context"
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
	"strings"
	"syscall"
	"time"

	"github.com/todo-api/todo-api/internal/devissuer"
	"github.com/todo-api/todo-api/internal/pgcluster"
)

// settings of one run.
type settings struct {
	users, tasksPerUser int
	listUsers           int
	duration            time.Duration
	conns               []int
	outDir              string
	profile             bool
	superuser           bool
	bounds              bool
	openLoopConns       int
	rounds              int    // alternating rounds of service and bounds, reported as medians
	scenarios           string // comma-separated scenarios to measure; empty: all
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "todo-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == httpBoundCommand {
		return serveCaptured(args[1:], out)
	}
	fs := flag.NewFlagSet("todo-bench", flag.ContinueOnError)
	var s settings
	var conns string
	fs.IntVar(&s.users, "users", 100, "users to seed")
	fs.IntVar(&s.tasksPerUser, "tasks", 50, "tasks per user to seed")
	fs.IntVar(&s.listUsers, "list-users", 10, "users to seed for the lists-* scenarios, each with 10 lists × 50 tasks, every tenth with 2 subtasks, and one list shared with a member of its own (lists-shared; 0: none)")
	fs.DurationVar(&s.duration, "duration", 10*time.Second, "length of each measurement")
	fs.StringVar(&conns, "conns", "16,64", "connection counts")
	fs.StringVar(&s.outDir, "out", ".bench", "folder for results (JSON) and profiles")
	fs.BoolVar(&s.profile, "profile", false, "save CPU and allocation profiles of the server under list, single and mix")
	fs.IntVar(&s.openLoopConns, "openloop-conns", 64, "connections (one worker each) of the open-loop run")
	fs.IntVar(&s.rounds, "rounds", 1, "rounds per scenario, alternating the order of the service and its bounds (ABBA); every figure is the median of the rounds")
	fs.StringVar(&s.scenarios, "scenarios", "", "comma-separated scenarios to measure (default all: list, list-gzip, single, create, mix, lists-one, lists-shared, lists-all, lists-single, lists-create)")
	fs.BoolVar(&s.bounds, "bounds", true, "measure the pgbench bounds (false: the API alone, for quicker A/B runs)")
	fs.BoolVar(&s.superuser, "superuser", false, "run serve as the cluster's superuser, which row-level security does not bind (serve then sends no app.user_id): to measure what row-level security costs")
	events := eventFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, c := range strings.Split(conns, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(c), &n); err != nil || n < 1 {
			return fmt.Errorf("bad -conns %q", conns)
		}
		s.conns = append(s.conns, n)
	}
	for _, tool := range []string{"wrk"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is needed (apt-get install %s)", tool, tool)
		}
	}
	if err := os.MkdirAll(s.outDir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "todo-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // postgres must traverse it when we are root
		return err
	}

	logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }

	logf("building todo-api (release flags)")
	bin := filepath.Join(tmp, "todo-api")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/todo-api")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}

	logf("starting PostgreSQL")
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir: filepath.Join(tmp, "pg", "data"), Database: "bench", Ephemeral: true,
		Settings: map[string]string{"max_connections": "200", "shared_buffers": "128MB"},
	})
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer cluster.Destroy(context.Background())
	superURL := cluster.URL("bench")
	serveURL := superURL
	if !s.superuser {
		if serveURL, err = makeAppRole(ctx, superURL); err != nil {
			return fmt.Errorf("role %s: %w", appRole, err)
		}
	}

	iss, err := devissuer.LoadOrCreate(filepath.Join(tmp, "issuer.jwk"))
	if err != nil {
		return err
	}
	jwksURL, closeJWKS, err := serveJWKS(iss)
	if err != nil {
		return err
	}
	defer closeJWKS()

	port, err := freePort()
	if err != nil {
		return err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	srv := exec.CommandContext(ctx, bin, "serve")
	srv.Env = append(os.Environ(),
		"DATABASE_URL="+serveURL,
		"JWKS_URL="+jwksURL, "JWT_ISSUER=todo-bench", "JWT_AUDIENCE=todo-bench",
		fmt.Sprintf("LISTEN_ADDR=127.0.0.1:%d", port),
		"RATE_LIMIT_PER_USER=0", "LOG_LEVEL=warn",
	)
	debugAddr := ""
	if s.profile {
		dp, err := freePort()
		if err != nil {
			return err
		}
		debugAddr = fmt.Sprintf("127.0.0.1:%d", dp)
		srv.Env = append(srv.Env, "DEBUG_ADDR="+debugAddr)
	}
	srvLog, err := os.Create(filepath.Join(s.outDir, "server.log"))
	if err != nil {
		return err
	}
	defer srvLog.Close()
	srv.Stdout, srv.Stderr = srvLog, srvLog
	if err := srv.Start(); err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	if err := waitReady(ctx, base+"/readyz", 30*time.Second); err != nil {
		return err
	}
	if !s.superuser {
		if err := checkRowSecurity(ctx, superURL); err != nil {
			return err
		}
		logf("serving as %s (ordinary role, owns the database; row-level security binds it)", appRole)
	}

	logf("seeding %d users x %d tasks through the API", s.users, s.tasksPerUser)
	users, err := seed(ctx, base, iss, s.users, s.tasksPerUser)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	logf("seeding %d lists users x %d lists x %d tasks (and subtasks) through the API", s.listUsers, seedLists, seedListTasks)
	listUsers, err := seedListUsers(ctx, base, iss, s.listUsers)
	if err != nil {
		return fmt.Errorf("seed lists: %w", err)
	}
	var sharedUsers []*benchUser
	if len(listUsers) > 0 {
		logf("sharing one list of each lists user with a member of its own (bench-shared-NNN)")
		if sharedUsers, err = seedSharedMembers(ctx, base, iss, listUsers); err != nil {
			return fmt.Errorf("seed shared lists: %w", err)
		}
	}
	role := appRole
	if s.superuser {
		role = "postgres"
	}
	b := &bench{s: s, role: role, base: base, users: users, listUsers: listUsers, sharedUsers: sharedUsers, cluster: cluster, server: srv.Process.Pid, tmp: tmp, logf: logf, debugAddr: debugAddr}
	if err := b.prepareBounds(ctx); err != nil {
		return fmt.Errorf("prepare pgbench: %w", err)
	}
	res, err := b.runAll(ctx)
	if err != nil {
		return err
	}
	res.print(out)
	if err := b.runEvents(ctx, events, iss, bin, srv.Env, out); err != nil {
		return err
	}
	f := filepath.Join(s.outDir, "results-"+time.Now().UTC().Format("20060102T150405Z")+".json")
	data, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(out, "results:", f)
	return nil
}

// serveJWKS publishes the issuer's public keys over HTTP on loopback.
func serveJWKS(iss *devissuer.Issuer) (string, func(), error) {
	body, err := json.Marshal(iss.PublicSet())
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/jwks", func() { _ = hs.Close() }, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("server did not become ready (see .bench/server.log)")
}
