// Package config reads the service's settings from the environment once, at start, and
// validates them. Nothing else in the service reads environment variables: the Config is
// passed down explicitly.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of `todo-api serve`.
type Config struct {
	// DatabaseURL is the PostgreSQL connection string the service queries through. It may
	// point at a transaction pooler (PgBouncer, Neon's -pooler host).
	DatabaseURL string
	// DatabaseDirectURL, when set, is used for migrations instead of DatabaseURL (Neon's
	// direct endpoint). Migrations also work through a pooler; see internal/migrate.
	DatabaseDirectURL string
	// DBMaxConns caps the pool.
	DBMaxConns int32
	// DBStatementTimeout bounds every SQL statement on the server side.
	DBStatementTimeout time.Duration
	// DBAcquireTimeout bounds how long a request waits for a pool connection before 503.
	DBAcquireTimeout time.Duration
	// DBMaxConnsPerUser caps the pool connections one user's requests hold at once; a request
	// beyond it waits (DBAcquireTimeout at most), then gets 429. 0: the store's default
	// (store.DefaultMaxConnsPerUser: a quarter of the pool, at least 2).
	DBMaxConnsPerUser int32

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

// Error names the variable that stopped the start.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Defaults for the settings that have one.
const (
	DefaultListenAddr         = ":8080"
	DefaultRateLimitPerUser   = 20
	DefaultDBMaxConns         = 10
	DefaultDBStatementTimeout = 5 * time.Second
	DefaultDBAcquireTimeout   = 2 * time.Second
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

// Load reads the settings through getenv (os.Getenv in production, a map in tests) and
// validates them. The returned error is an *Error naming the first bad variable.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:        strings.TrimSpace(getenv("DATABASE_URL")),
		DatabaseDirectURL:  strings.TrimSpace(getenv("DATABASE_DIRECT_URL")),
		JWKSURL:            strings.TrimSpace(getenv("JWKS_URL")),
		JWTIssuer:          strings.TrimSpace(getenv("JWT_ISSUER")),
		JWTAudience:        strings.TrimSpace(getenv("JWT_AUDIENCE")),
		ListenAddr:         orDefault(getenv("LISTEN_ADDR"), DefaultListenAddr),
		RateLimitPerUser:   DefaultRateLimitPerUser,
		DBMaxConns:         DefaultDBMaxConns,
		DBStatementTimeout: DefaultDBStatementTimeout,
		DBAcquireTimeout:   DefaultDBAcquireTimeout,
		LogFormat:          strings.ToLower(orDefault(getenv("LOG_FORMAT"), "json")),
	}
	if getenv("GOGC") == "" {
		c.GCPercent = DefaultGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		c.MemoryLimit = DefaultMemoryLimit
	}
	if c.DatabaseURL == "" {
		return c, &Error{"DATABASE_URL", "is required (a PostgreSQL connection string)"}
	}
	for _, v := range []struct{ name, val string }{{"DATABASE_URL", c.DatabaseURL}, {"DATABASE_DIRECT_URL", c.DatabaseDirectURL}} {
		if v.val != "" && !strings.HasPrefix(v.val, "postgres://") && !strings.HasPrefix(v.val, "postgresql://") && !strings.Contains(v.val, "=") {
			return c, &Error{v.name, "must be a postgres:// URL or a key=value connection string"}
		}
	}

	if base := strings.TrimSpace(getenv("BETTER_AUTH_URL")); base != "" {
		origin, err := Origin(base)
		if err != nil {
			return c, &Error{"BETTER_AUTH_URL", err.Error()}
		}
		if c.JWKSURL == "" {
			c.JWKSURL = strings.TrimRight(base, "/") + "/api/auth/jwks"
		}
		if c.JWTIssuer == "" {
			c.JWTIssuer = origin
		}
		if c.JWTAudience == "" {
			c.JWTAudience = origin
		}
	}
	if c.JWKSURL == "" {
		return c, &Error{"JWKS_URL", "is required (or set BETTER_AUTH_URL)"}
	}
	if u, err := url.Parse(c.JWKSURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, &Error{"JWKS_URL", "must be an http(s) URL"}
	}

	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		return c, &Error{"LISTEN_ADDR", "must be host:port (e.g. :8080)"}
	}
	if raw := getenv("CORS_ALLOWED_ORIGINS"); strings.TrimSpace(raw) != "" {
		for _, o := range strings.Split(raw, ",") {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			origin, err := Origin(o)
			if err != nil || origin != strings.TrimRight(o, "/") {
				return c, &Error{"CORS_ALLOWED_ORIGINS", fmt.Sprintf("%q is not an origin (scheme://host[:port])", o)}
			}
			c.CORSAllowedOrigins = append(c.CORSAllowedOrigins, origin)
		}
	}
	if raw := strings.TrimSpace(getenv("RATE_LIMIT_PER_USER")); raw != "" {
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || f < 0 || f != f || f > 1e6 {
			return c, &Error{"RATE_LIMIT_PER_USER", "must be a number of requests per second, 0 to turn it off"}
		}
		c.RateLimitPerUser = f
	}
	if raw := strings.TrimSpace(getenv("DB_MAX_CONNS")); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil || n < 1 || n > 1000 {
			return c, &Error{"DB_MAX_CONNS", "must be a whole number from 1 to 1000"}
		}
		c.DBMaxConns = int32(n)
	}
	if raw := strings.TrimSpace(getenv("DB_MAX_CONNS_PER_USER")); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil || n < 1 || n > int64(c.DBMaxConns) {
			return c, &Error{"DB_MAX_CONNS_PER_USER", fmt.Sprintf("must be a whole number from 1 to DB_MAX_CONNS (%d)", c.DBMaxConns)}
		}
		c.DBMaxConnsPerUser = int32(n)
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"DB_STATEMENT_TIMEOUT", &c.DBStatementTimeout}, {"DB_ACQUIRE_TIMEOUT", &c.DBAcquireTimeout}} {
		if raw := strings.TrimSpace(getenv(d.name)); raw != "" {
			v, err := time.ParseDuration(raw)
			if err != nil || v <= 0 {
				return c, &Error{d.name, "must be a positive duration such as 5s"}
			}
			*d.dst = v
		}
	}
	if c.DebugAddr = strings.TrimSpace(getenv("DEBUG_ADDR")); c.DebugAddr != "" {
		host, _, err := net.SplitHostPort(c.DebugAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return c, &Error{"DEBUG_ADDR", "must be a loopback host:port such as 127.0.0.1:6060 (profiles are not for the network)"}
		}
	}
	lvl, err := ParseLevel(orDefault(getenv("LOG_LEVEL"), "info"))
	if err != nil {
		return c, &Error{"LOG_LEVEL", err.Error()}
	}
	c.LogLevel = lvl
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return c, &Error{"LOG_FORMAT", "must be json or text"}
	}
	return c, nil
}

// Origin returns scheme://host[:port] of an http(s) URL: what Better Auth puts in iss and aud.
func Origin(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("must be an http(s) URL such as https://app.example.com")
	}
	return u.Scheme + "://" + u.Host, nil
}

// ParseLevel reads debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.TrimSpace(s))); err != nil {
		return 0, errors.New("must be debug, info, warn or error")
	}
	return l, nil
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}
