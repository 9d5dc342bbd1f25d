package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/config"
	"github.com/todo-api/todo-api/internal/devissuer"
	"github.com/todo-api/todo-api/internal/migrate"
	"github.com/todo-api/todo-api/internal/pgcluster"
)

// Development defaults: where `dev` keeps its state, what it serves on, whom it trusts.
const (
	defaultDataDir    = ".data"
	devDatabase       = "todo"
	devIssuer         = "todo-api-dev" // iss and aud of development tokens
	devKeyFile        = "dev-issuer.jwk"
	devLockFile       = "dev.lock"
	devJWKSPath       = "/dev/jwks.json"
	demoUser          = "demo-user"
	demoTokenTTL      = 24 * time.Hour
	clusterStartLimit = 3 * time.Minute // a first initdb on a slow disk takes a while
	clusterStopLimit  = 60 * time.Second
)

// setupError is a problem a person fixes on their machine (exit status 2, see errSetup): its
// message is the whole story, the cause stays available to errors.Is/As.
type setupError struct {
	msg   string
	cause error
}

func (e *setupError) Error() string   { return e.msg }
func (e *setupError) Unwrap() []error { return []error{errSetup, e.cause} }

func setupErrorf(cause error, format string, args ...any) error {
	return &setupError{msg: fmt.Sprintf(format, args...), cause: cause}
}

// runDev is `todo-api dev`: a local PostgreSQL cluster from the machine's binaries, the
// schema migrated, a development issuer whose tokens the server trusts, and the service on
// a loopback address. It stops the cluster it started when ctx ends (SIGINT, SIGTERM) or on
// SIGHUP (the terminal closed).
func runDev(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("dev", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	dataDir := flags.String("data-dir", defaultDataDir, "directory for the PostgreSQL cluster and the development key")
	listen := flags.String("listen", "", "loopback host:port to serve on (default $LISTEN_ADDR or "+config.DefaultDevListenAddr+")")
	if err := flags.Parse(args); err != nil {
		return &usageError{"dev: " + err.Error()}
	}
	if flags.NArg() > 0 {
		return &usageError{fmt.Sprintf("dev: unexpected argument %q", flags.Arg(0))}
	}
	fmt.Fprintln(stdout, "todo-api dev: FOR DEVELOPMENT ONLY: its own PostgreSQL, a development token issuer, loopback only. In production run `todo-api serve`.")

	cfg, err := config.LoadDev(getenv, *listen)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP)
	defer stop()

	// One `dev` per data directory: the lock dies with the process, so a crash leaves none.
	if err := os.MkdirAll(*dataDir, 0o755); err != nil { // 0755: as root, PostgreSQL runs as postgres
		return fmt.Errorf("create data directory: %w", err)
	}
	unlock, err := lockDataDir(*dataDir)
	if err != nil {
		return err
	}
	defer unlock()

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return setupErrorf(err, "%s is already in use (another todo-api?): stop what uses it, or pick another port with LISTEN_ADDR=127.0.0.1:8081", cfg.ListenAddr)
		}
		return setupErrorf(err, "cannot listen on %s: %v", cfg.ListenAddr, err)
	}
	defer ln.Close() // serveWith closes it too; a second Close is harmless

	cluster, err := startDevCluster(ctx, filepath.Join(*dataDir, "postgres"), logger)
	if err != nil {
		if ctx.Err() != nil {
			logger.Info("interrupted while starting PostgreSQL")
			return nil
		}
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), clusterStopLimit)
		defer cancel()
		if err := cluster.Stop(sctx); err != nil {
			logger.Error("stop PostgreSQL", "err", err)
			return
		}
		logger.Info("PostgreSQL stopped", "data", cluster.DataDir())
	}()

	dsn := cluster.URL(devDatabase)
	if err := migrate.Up(ctx, dsn, logger); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("migrate: %w", err)
	}

	issuer, err := devissuer.LoadOrCreate(filepath.Join(*dataDir, devKeyFile))
	if err != nil {
		return err
	}
	token, err := issuer.Mint(demoUser, demoTokenTTL, devIssuer, devIssuer)
	if err != nil {
		return err
	}
	jwks, err := json.Marshal(issuer.PublicSet())
	if err != nil {
		return fmt.Errorf("encode dev jwks: %w", err)
	}
	base := "http://" + ln.Addr().String()
	cfg.DatabaseURL = dsn
	cfg.JWKSURL = base + devJWKSPath
	cfg.JWTIssuer, cfg.JWTAudience = devIssuer, devIssuer
	cfg.ListenAddr = ln.Addr().String()
	// The verifier holds the key set in memory: fetching our own JWKS over HTTP before the
	// listener serves would deadlock the start (library-notes §2).
	verifier := auth.NewStatic(issuer.PublicSet(), devIssuer, devIssuer)
	return serveWith(ctx, cfg, verifier, ln, logger, serveExtras{
		wrap: func(next http.Handler) http.Handler { return jwksHandler(jwks, next) },
		serving: func() {
			printReady(stdout, base, token, *dataDir, dsn)
		},
	})
}

// lockDataDir takes an exclusive lock on dataDir/dev.lock, so that a second `dev` on the same
// directory says so instead of fighting over the cluster. The kernel drops the lock when the
// process dies, so a crash leaves nothing stale behind.
func lockDataDir(dataDir string) (unlock func(), err error) {
	path := filepath.Join(dataDir, devLockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := io.ReadAll(io.LimitReader(f, 32))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "another todo-api dev"
			if pid := strings.TrimSpace(string(b)); pid != "" {
				who += " (pid " + pid + ")"
			}
			return nil, setupErrorf(pgcluster.ErrAlreadyRunning, "%s is already running on %s: use that one, stop it first, or choose another --data-dir", who, dataDir)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		_ = f.Truncate(0)
		f.Close() // releases the lock
	}, nil
}

// startDevCluster starts (creating on first use) the cluster in dataDir with database "todo".
// Holding the directory lock, a live server on the directory can only be one that an earlier
// `dev` left behind when it was killed (SIGKILL does not let it stop the cluster): that one is
// shut down (fast) and the cluster started afresh, so that this process owns what it stops.
func startDevCluster(ctx context.Context, dataDir string, logger *slog.Logger) (*pgcluster.Cluster, error) {
	binDir, err := pgcluster.FindBinDir()
	if err != nil {
		return nil, setupErrorf(err, "%v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		logger.Info("creating the PostgreSQL cluster (first run, takes a few seconds)", "data", dataDir, "bin", binDir)
	}
	ctx, cancel := context.WithTimeout(ctx, clusterStartLimit)
	defer cancel()
	opts := pgcluster.Options{
		DataDir:  dataDir,
		BinDir:   binDir,
		Database: devDatabase,
		Logf:     func(format string, args ...any) { logger.Info(fmt.Sprintf(format, args...)) },
	}
	c, err := pgcluster.Start(ctx, opts)
	var running *pgcluster.AlreadyRunningError
	if errors.As(err, &running) {
		logger.Warn("stopping the PostgreSQL server an earlier todo-api dev left running", "pid", running.PID, "data", dataDir)
		if err := stopOrphan(ctx, running.PID); err != nil {
			return nil, fmt.Errorf("PostgreSQL (pid %d) left running on %s by an earlier todo-api dev: %w", running.PID, dataDir, err)
		}
		c, err = pgcluster.Start(ctx, opts)
	}
	if errors.Is(err, pgcluster.ErrPortInUse) {
		return nil, setupErrorf(err, "start PostgreSQL: %v", err)
	}
	if err != nil {
		return nil, err
	}
	logger.Info("PostgreSQL ready", "addr", fmt.Sprintf("127.0.0.1:%d", c.Port()), "database", devDatabase, "data", c.DataDir(), "log", c.LogFile())
	return c, nil
}

// stopOrphan asks the postmaster pid for a fast shutdown (SIGINT) and waits for it to exit.
// pgcluster has checked that pid is a server on our data directory.
func stopOrphan(ctx context.Context, pid int) error {
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("signal: %w", err)
	}
	for syscall.Kill(pid, 0) == nil && !isZombie(pid) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("still running: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// isZombie reports whether pid has exited but not been reaped (by init, for an orphan).
func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && strings.HasPrefix(string(b[i+1:]), " Z")
}

// jwksHandler serves the development issuer's public keys at /dev/jwks.json (for tools that
// want to verify dev tokens themselves) and everything else with next.
func jwksHandler(jwks []byte, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != devJWKSPath || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(jwks)
	})
}

// printReady tells the person at the terminal where everything is. The token has a line of
// its own, "TOKEN=…", ready to paste into a shell (scripts and tests look for it).
func printReady(w io.Writer, base, token, dataDir, dsn string) {
	fmt.Fprintf(w, `
Serving on %[1]s   (data in %[3]s; Ctrl-C stops the server and its PostgreSQL)

  Swagger UI  %[1]s/docs/   (Authorize, paste the token below)
  JWKS        %[1]s%[4]s
  Database    %[2]s

Bearer token for user %[5]q, valid %[6]s (more: todo-api token --sub alice):
TOKEN=%[7]s

Try it:
  curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"title":"Buy milk"}' %[1]s/api/tasks
  curl -H "Authorization: Bearer $TOKEN" %[1]s/api/tasks
`, base, dsn, dataDir, devJWKSPath, demoUser, strings.TrimSuffix(demoTokenTTL.String(), "0m0s"), token)
}

// runToken is `todo-api token`: it mints a development token from the key `dev` created and
// prints only the token. It never creates the key: a typo in --data-dir would otherwise mint
// tokens that no running server trusts.
func runToken(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("token", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	sub := flags.String("sub", "", "the user id (JWT sub)")
	ttl := flags.Duration("ttl", time.Hour, "how long the token is valid")
	dataDir := flags.String("data-dir", defaultDataDir, "the data directory of `todo-api dev`")
	if err := flags.Parse(args); err != nil {
		return &usageError{"token: " + err.Error()}
	}
	if flags.NArg() > 0 {
		return &usageError{fmt.Sprintf("token: unexpected argument %q", flags.Arg(0))}
	}
	if *sub == "" {
		return &usageError{"token: --sub is required"}
	}
	if *ttl <= 0 {
		return &usageError{"token: --ttl must be positive, e.g. 1h"}
	}
	path := filepath.Join(*dataDir, devKeyFile)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return setupErrorf(err, "no development key at %s: run `todo-api dev` once (it creates the key), or point --data-dir at its directory", path)
		}
		return fmt.Errorf("dev key: %w", err)
	}
	issuer, err := devissuer.LoadOrCreate(path)
	if err != nil {
		return err
	}
	token, err := issuer.Mint(*sub, *ttl, devIssuer, devIssuer)
	if err != nil {
		return &usageError{"token: " + err.Error()}
	}
	_, err = fmt.Fprintln(stdout, token)
	return err
}
