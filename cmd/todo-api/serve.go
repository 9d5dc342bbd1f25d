package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/config"
	"github.com/todo-api/todo-api/internal/dbwatch"
	"github.com/todo-api/todo-api/internal/events"
	"github.com/todo-api/todo-api/internal/httpapi"
	"github.com/todo-api/todo-api/internal/migrate"
	"github.com/todo-api/todo-api/internal/store"
)

// shutdownGrace bounds how long in-flight requests may take after SIGTERM.
const shutdownGrace = 15 * time.Second

// runServe is `todo-api serve`: the configuration from the environment, migrations unless
// --no-migrate, then the service until ctx ends.
func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations at start")
	if err := fs.Parse(args); err != nil {
		return &usageError{"serve: " + err.Error()}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	tuneGC(cfg, logger)

	if !*noMigrate {
		if err := migrate.Up(ctx, cfg.MigrationURL(), logger); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	verifier, err := auth.New(ctx, auth.Config{
		JWKSURL: cfg.JWKSURL, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, Logger: logger,
	})
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	defer verifier.Close()

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	return serveWith(ctx, cfg, verifier, ln, logger, serveExtras{})
}

// tuneGC applies serve's collector defaults where GOGC or GOMEMLIMIT left them to it.
func tuneGC(cfg config.Config, logger *slog.Logger) {
	if cfg.GCPercent != 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	if cfg.MemoryLimit != 0 {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	if cfg.GCPercent != 0 || cfg.MemoryLimit != 0 {
		logger.Debug("garbage collector", "gogc", cfg.GCPercent, "memory_limit", cfg.MemoryLimit)
	}
}

// serveExtras adapt serveWith to `dev`; `serve` uses none.
type serveExtras struct {
	// wrap, when set, wraps the service's handler (dev adds its JWKS endpoint).
	wrap func(http.Handler) http.Handler
	// serving, when set, is called once the server accepts requests.
	serving func()
}

// serveWith opens the pool, builds the HTTP layer and serves on ln until ctx ends, then
// shuts down gracefully. `serve` and `dev` share it.
func serveWith(ctx context.Context, cfg config.Config, authn httpapi.Authenticator, ln net.Listener, logger *slog.Logger, x serveExtras) error {
	pool, closePool, err := openPool(ctx, cfg, logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer closePool()

	st := store.New(pool, store.Options{
		AcquireTimeout:   cfg.DBAcquireTimeout,
		StatementTimeout: cfg.DBStatementTimeout,
		MaxConnsPerUser:  int(cfg.DBMaxConnsPerUser),
	})
	switch active, err := st.DetectRowSecurity(ctx); {
	case err != nil:
		logger.Warn("row-level security: could not tell whether it binds this role; sending app.user_id with every statement", "err", err)
	case !active:
		logger.Warn("row-level security does not bind this database role (superuser or BYPASSRLS): only the queries' own user_id predicates isolate users; statements go without app.user_id")
	default:
		logger.Info("row-level security binds this database role")
	}
	hub := events.NewHub(events.Options{Source: st, Logger: logger, MaxStreams: int(cfg.EventsMaxStreams)})
	if cc, err := pgx.ParseConfig(cfg.DatabaseURL); err == nil && cfg.DatabaseDirectURL == "" && poolerHost(cc) != "" {
		logger.Warn("live events: DATABASE_URL is a transaction pooler and DATABASE_DIRECT_URL is unset: the LISTEN through it hears nothing (docs/live-updates.md)")
	}
	h, err := httpapi.New(httpapi.Options{
		Store:              st,
		Events:             hub,
		Auth:               authn,
		Logger:             logger,
		Collectors:         []prometheus.Collector{store.NewPoolCollector(pool)},
		Ready:              func(ctx context.Context) error { return schemaCurrent(ctx, pool) },
		RateLimitPerUser:   cfg.RateLimitPerUser,
		CORSAllowedOrigins: cfg.CORSAllowedOrigins,
		Version:            version,
		MaxHeaderBytes:     httpapi.MaxHeaderBytes,
	})
	if err != nil {
		ln.Close()
		return err
	}
	var handler http.Handler = h
	if x.wrap != nil {
		handler = x.wrap(handler)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    httpapi.ServerMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if cfg.DebugAddr != "" {
		stop, err := serveDebug(cfg.DebugAddr, logger)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	// The live events run until the server has shut down; SIGTERM first ends every stream
	// (RegisterOnShutdown), so that Shutdown does not wait its grace for them.
	srv.RegisterOnShutdown(hub.Shutdown)
	lctx, stopLive := context.WithCancel(context.WithoutCancel(ctx))
	var live sync.WaitGroup
	live.Add(2)
	go func() { defer live.Done(); hub.Run(lctx) }()
	go func() {
		defer live.Done()
		(&events.Listener{ConnString: cfg.DirectURL(), Hub: hub, Logger: logger}).Run(lctx)
	}()
	defer func() { stopLive(); live.Wait() }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String(), "version", version)
	if x.serving != nil {
		x.serving()
	}

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// openPool configures pgx for the service: a bounded pool, bounded connection attempts,
// health checks so a restarted database is noticed, and — unless DB_HOST_TIMEOUT is 0 — a
// dbwatch.Watcher as its dialer, which cuts the connections to a host that stops answering
// and resets the pool. closePool stops the watcher and closes the pool.
func openPool(ctx context.Context, cfg config.Config, logger *slog.Logger) (pool *pgxpool.Pool, closePool func(), err error) {
	pc, why, err := poolConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	logger.Info("database", "host", pc.ConnConfig.Host, "fallbacks", len(pc.ConnConfig.Fallbacks),
		"query_exec_mode", pc.ConnConfig.DefaultQueryExecMode.String(), "because", why)
	var watcher *dbwatch.Watcher
	if cfg.DBHostTimeout > 0 {
		watcher = dbwatch.New(dbwatch.Options{
			Timeout: cfg.DBHostTimeout,
			Dialer:  dbDialer(),
			OnDown:  func(string) { pool.Reset() },
			Logger:  logger,
		})
		pc.ConnConfig.DialFunc = watcher.Dial
	}
	pool, err = pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, nil, fmt.Errorf("open database pool: %w", err)
	}
	if watcher == nil {
		return pool, pool.Close, nil
	}
	wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { defer close(done); watcher.Run(wctx) }()
	return pool, func() { stop(); <-done; pool.Close() }, nil
}

// dbDialer dials the database with TCP keepalives that notice a dead peer of an idle
// connection within about 10 s (pgx's own default waits 5 minutes before the first probe).
// A host that hangs with connections busy is dbwatch's to notice.
func dbDialer() *net.Dialer {
	return &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 5 * time.Second, Interval: time.Second, Count: 5}}
}

// pooledExecMode is the query exec mode for a transaction pooler (PgBouncer in
// pool_mode=transaction, Neon's -pooler endpoints). pgx's default, cache_statement, prepares
// named statements on one server connection and runs them later, when the pooler may have
// handed the client another one ("prepared statement … does not exist"). cache_describe
// sends every query as an unnamed statement in one round trip, like exec, but takes the
// parameter types from the server (asked once per connection and query, then cached) rather
// than guessing them from Go types as exec does: with exec, a []byte bound to a jsonb column
// (the idempotency store's saved response) is sent as bytea text and refused (22P02), which
// is why exec is not the choice here. Proven by TestPgBouncer against PgBouncer 1.18.
const pooledExecMode = pgx.QueryExecModeCacheDescribe

// poolConfig parses DATABASE_URL and picks pgx's query exec mode, saying why:
//
//   - default_query_exec_mode in the URL wins (pgx reads it);
//   - a host whose name contains "-pooler." (Neon's pooled endpoints) gets pooledExecMode;
//   - anything else keeps pgx's default, cache_statement: the fast path for direct
//     connections.
//
// Any other transaction pooler needs default_query_exec_mode=cache_describe in the URL.
func poolConfig(cfg config.Config) (*pgxpool.Config, string, error) {
	pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, "", &config.Error{Var: "DATABASE_URL", Msg: "cannot be parsed as a PostgreSQL connection string"}
	}
	why := "pgx default for a direct connection"
	switch host := poolerHost(pc.ConnConfig); {
	case strings.Contains(cfg.DatabaseURL, "default_query_exec_mode"):
		why = "set in DATABASE_URL"
	case host != "":
		pc.ConnConfig.DefaultQueryExecMode = pooledExecMode
		why = "host " + host + " is a transaction pooler (-pooler.)"
	}
	pc.MaxConns = cfg.DBMaxConns
	pc.MaxConnLifetime = 30 * time.Minute
	pc.MaxConnIdleTime = 5 * time.Minute
	pc.HealthCheckPeriod = 15 * time.Second
	// A connection idle for more than a second is pinged when acquired (pgxpool's default);
	// the ping waits no longer than a probe would.
	pc.PingTimeout = cfg.DBHostTimeout
	// DB_CONNECT_TIMEOUT replaces connect_timeout in the URL: per host, so a host that does
	// not answer costs at most this much before the next one is tried.
	pc.ConnConfig.ConnectTimeout = cfg.DBConnectTimeout
	pc.ConnConfig.DialFunc = dbDialer().DialContext
	if pc.ConnConfig.RuntimeParams["application_name"] == "" {
		pc.ConnConfig.RuntimeParams["application_name"] = "todo-api"
	}
	pc.AfterConnect = store.RegisterTypes
	// The listing statements, whose generic plans are poor, are planned with their values
	// by the store itself (internal/store's setUserCustomPlanSQL); every other statement
	// keeps its cached generic plan.
	return pc, why, nil
}

// poolerHost returns the first of the connection's hosts (fallbacks included) that names a
// pooled endpoint the Neon way ("ep-…-pooler.region.aws.neon.tech"), or "".
func poolerHost(cc *pgx.ConnConfig) string {
	hosts := []string{cc.Host}
	for _, fb := range cc.Fallbacks {
		hosts = append(hosts, fb.Host)
	}
	for _, h := range hosts {
		if strings.Contains(strings.ToLower(h), "-pooler.") {
			return h
		}
	}
	return ""
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// schemaCurrent is the readiness check of the schema: every embedded migration is applied.
func schemaCurrent(ctx context.Context, pool *pgxpool.Pool) error {
	pending, err := migrate.Pending(ctx, pool)
	if err != nil {
		return fmt.Errorf("check migrations: %w", err)
	}
	if pending {
		return errors.New("migrations pending")
	}
	return nil
}

// serveDebug serves net/http/pprof on addr (config allows loopback only) until stop.
func serveDebug(addr string, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on DEBUG_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	logger.Info("profiling endpoint", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}
