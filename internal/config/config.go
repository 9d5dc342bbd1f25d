// Package config reads the service's settings from the environment once, at start, and
// validates them. Nothing else in the service reads its settings from the environment (but
// PG_BINDIR, where internal/pgcluster finds PostgreSQL's binaries for dev and the tests): the
// Config is passed down explicitly.
//
// Every variable is one field (field.go): its name and the parser that sets it, shared by
// the commands that read it — Load for `todo-api serve`, LoadDev for `todo-api dev`,
// LoadMigrate for `todo-api migrate` — so the same mistake gets the same one-line message
// under each.
package config

import (
	"log/slog"
	"time"
)

// Config is every setting of `todo-api serve` (and the subset `dev` and `migrate` read).
type Config struct {
	// DatabaseURL is the PostgreSQL connection string the service queries through. It may
	// point at a transaction pooler (PgBouncer, Neon's -pooler host).
	DatabaseURL string
	// DatabaseDirectURL, when set, is used instead of DatabaseURL for migrations and for the
	// live events' LISTEN connection (Neon's direct endpoint): a transaction pooler cannot
	// hold a LISTEN. Migrations also work through a pooler; see internal/migrate.
	DatabaseDirectURL string
	// DBMaxConns caps the pool.
	DBMaxConns int32
	// DBStatementTimeout bounds every SQL statement on the server side.
	DBStatementTimeout time.Duration
	// DBAcquireTimeout bounds how long a request waits for a pool connection before 503.
	DBAcquireTimeout time.Duration
	// DBConnectTimeout bounds one connection attempt to one host of DatabaseURL (TCP, TLS,
	// authentication); then pgx tries the next host.
	DBConnectTimeout time.Duration
	// DBHostTimeout is how long a database host may leave the service's probe unanswered
	// before its connections are closed and it is skipped (internal/dbwatch); 0 turns the
	// probes off.
	DBHostTimeout time.Duration
	// DBMaxConnsPerUser caps the pool connections one user's requests hold at once; a request
	// beyond it waits (DBAcquireTimeout at most), then gets 429. 0: the store's default
	// (store.DefaultMaxConnsPerUser: a quarter of the pool, at least 2).
	DBMaxConnsPerUser int32

	// BetterAuthURL is Better Auth's base URL; JWKSURL, JWTIssuer and JWTAudience default
	// from it.
	BetterAuthURL string
	// JWKSURL is where the issuer publishes its signing keys.
	JWKSURL string
	// JWTIssuer is the required iss claim ("" = not checked).
	JWTIssuer string
	// JWTAudience is the audience a token's aud must contain ("" = not checked).
	JWTAudience string

	// ListenAddr is host:port for the HTTP server.
	ListenAddr string
	// CORSAllowedOrigins lists the browser origins allowed to call the API; empty = no CORS.
	CORSAllowedOrigins []string
	// EventsMaxStreams caps the live event streams (GET /api/events) this process holds;
	// beyond it a new stream gets 503 with Retry-After.
	EventsMaxStreams int32
	// RateLimitPerUser is the sustained requests per second per user (bursts of twice
	// that); 0 turns the limit off.
	RateLimitPerUser float64

	// DebugAddr, when set, serves net/http/pprof on this loopback host:port (profiling).
	DebugAddr string

	// GCPercent and MemoryLimit, when not zero, are the garbage collector's target
	// percentage and soft memory limit (bytes) that serve sets at start: its defaults, for a
	// GOGC or GOMEMLIMIT left unset. The Go runtime reads those two variables itself, so a
	// value there wins and leaves the field zero.
	GCPercent   int
	MemoryLimit int64

	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// LogFormat is "json" or "text".
	LogFormat string
}

// Error names the variable that stopped the start; main prints it as one line and exits 2.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Defaults for the settings that have one.
const (
	DefaultListenAddr         = ":8080"
	DefaultDevListenAddr      = "127.0.0.1:8080"
	DefaultRateLimitPerUser   = 20
	DefaultEventsMaxStreams   = 10000
	DefaultDBMaxConns         = 10
	DefaultDBStatementTimeout = 5 * time.Second
	DefaultDBAcquireTimeout   = 2 * time.Second
	DefaultDBConnectTimeout   = 3 * time.Second
	DefaultDBHostTimeout      = time.Second
	DefaultLogLevel           = slog.LevelInfo
	DefaultLogFormat          = "json"
	DefaultDevLogFormat       = "text"
	// The collector's defaults: the service's live heap is a few MiB, so the runtime's
	// GOGC=100 collected many times a second under load (GC and allocation took 15–30% of
	// the server's CPU in make bench). 400 collects about a quarter as often (make bench:
	// 10–25% less server CPU per request, RSS 42 → 61 MiB at 64 connections); the soft
	// limit, the service's memory budget, keeps that larger heap within it: near the limit
	// the collector runs more often instead (it never fails an allocation). A host with
	// more memory to give raises GOMEMLIMIT.
	DefaultGCPercent   = 400
	DefaultMemoryLimit = 64 << 20
)

// serveFields are the variables `serve` reads, in the order they are checked (a field may
// depend on one before it: JWKS_URL on BETTER_AUTH_URL, DB_MAX_CONNS_PER_USER on
// DB_MAX_CONNS).
var serveFields = []field{
	databaseURL, databaseDirectURL,
	betterAuthURL, jwksURL, jwtIssuer, jwtAudience,
	listenAddr, corsAllowedOrigins, rateLimitPerUser, eventsMaxStreams,
	dbMaxConns, dbMaxConnsPerUser, dbStatementTimeout, dbAcquireTimeout, dbConnectTimeout, dbHostTimeout,
	debugAddr, goGC, goMemLimit,
	logLevel, logFormat,
}

// Load reads the settings of `todo-api serve` through getenv (os.Getenv in production, a
// map in tests) and validates them. The returned error is an *Error naming the first bad
// variable.
func Load(getenv func(string) string) (Config, error) {
	return load(getenv, defaults(), serveFields)
}

// defaults is the Config before any variable is read.
func defaults() Config {
	return Config{
		ListenAddr:         DefaultListenAddr,
		RateLimitPerUser:   DefaultRateLimitPerUser,
		EventsMaxStreams:   DefaultEventsMaxStreams,
		DBMaxConns:         DefaultDBMaxConns,
		DBStatementTimeout: DefaultDBStatementTimeout,
		DBAcquireTimeout:   DefaultDBAcquireTimeout,
		DBConnectTimeout:   DefaultDBConnectTimeout,
		DBHostTimeout:      DefaultDBHostTimeout,
		LogLevel:           DefaultLogLevel,
		LogFormat:          DefaultLogFormat,
	}
}

// MigrationURL is the connection string migrations run over: DirectURL.
func (c Config) MigrationURL() string { return c.DirectURL() }

// DirectURL is the connection string for what needs a session of its own — migrations'
// advisory lock, the live events' LISTEN: DatabaseDirectURL when set, else DatabaseURL.
func (c Config) DirectURL() string {
	if c.DatabaseDirectURL != "" {
		return c.DatabaseDirectURL
	}
	return c.DatabaseURL
}
