package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// field is one environment variable: its name and how it sets the Config. Each variable has
// exactly one field, shared by every command that reads it.
type field struct {
	name string
	// set parses raw (trimmed, never empty) into c; its error is the one-line message.
	set func(c *Config, raw string) error
	// unset, when not nil, runs when the variable is blank: it derives a value from a field
	// read earlier, or says the variable is required. Nil keeps the default.
	unset func(c *Config) error
}

// load reads fields in order into c (which holds the defaults) through getenv. The first
// bad variable stops it with an *Error naming it.
func load(getenv func(string) string, c Config, fields []field) (Config, error) {
	for _, f := range fields {
		var err error
		if raw := strings.TrimSpace(getenv(f.name)); raw != "" {
			err = f.set(&c, raw)
		} else if f.unset != nil {
			err = f.unset(&c)
		}
		if err != nil {
			return c, &Error{Var: f.name, Msg: err.Error()}
		}
	}
	return c, nil
}

// required is an unset rule: the variable must be set.
func required(why string) func(*Config) error {
	return func(*Config) error { return errors.New("is required (" + why + ")") }
}

var (
	databaseURL = field{
		name:  "DATABASE_URL",
		set:   func(c *Config, raw string) (err error) { c.DatabaseURL, err = parseConnString(raw); return err },
		unset: required("a PostgreSQL connection string"),
	}
	databaseDirectURL = field{
		name: "DATABASE_DIRECT_URL",
		set:  func(c *Config, raw string) (err error) { c.DatabaseDirectURL, err = parseConnString(raw); return err },
	}

	betterAuthURL = field{
		name: "BETTER_AUTH_URL",
		set: func(c *Config, raw string) error {
			if _, err := originOf(raw); err != nil {
				return err
			}
			c.BetterAuthURL = raw
			return nil
		},
	}
	jwksURL = field{
		name: "JWKS_URL",
		set:  func(c *Config, raw string) (err error) { c.JWKSURL, err = parseHTTPURL(raw); return err },
		unset: func(c *Config) error {
			if c.BetterAuthURL == "" {
				return errors.New("is required (or set BETTER_AUTH_URL)")
			}
			c.JWKSURL = strings.TrimRight(c.BetterAuthURL, "/") + "/api/auth/jwks"
			return nil
		},
	}
	jwtIssuer = field{
		name:  "JWT_ISSUER",
		set:   func(c *Config, raw string) error { c.JWTIssuer = raw; return nil },
		unset: func(c *Config) error { c.JWTIssuer = betterAuthOrigin(c); return nil },
	}
	jwtAudience = field{
		name:  "JWT_AUDIENCE",
		set:   func(c *Config, raw string) error { c.JWTAudience = raw; return nil },
		unset: func(c *Config) error { c.JWTAudience = betterAuthOrigin(c); return nil },
	}

	listenAddr = field{
		name: "LISTEN_ADDR",
		set:  func(c *Config, raw string) (err error) { c.ListenAddr, err = parseHostPort(raw); return err },
	}
	// devListenAddr is LISTEN_ADDR under `dev`, which trusts a key anyone with the data
	// directory can use, so it must not be reachable from the network.
	devListenAddr = field{
		name: listenAddr.name,
		set: func(c *Config, raw string) error {
			if err := listenAddr.set(c, raw); err != nil {
				return err
			}
			if !isLoopback(c.ListenAddr) {
				return fmt.Errorf("todo-api dev serves on loopback only: use 127.0.0.1:PORT or localhost:PORT, not %q", raw)
			}
			return nil
		},
	}
	corsAllowedOrigins = field{
		name: "CORS_ALLOWED_ORIGINS",
		set:  func(c *Config, raw string) (err error) { c.CORSAllowedOrigins, err = parseOrigins(raw); return err },
	}
	rateLimitPerUser = field{
		name: "RATE_LIMIT_PER_USER",
		set:  func(c *Config, raw string) (err error) { c.RateLimitPerUser, err = parseRate(raw); return err },
	}

	eventsMaxStreams = field{
		name: "EVENTS_MAX_STREAMS",
		set: func(c *Config, raw string) (err error) {
			c.EventsMaxStreams, err = parseCount(raw, 1, 1000000, "1000000")
			return err
		},
	}

	dbMaxConns = field{
		name: "DB_MAX_CONNS",
		set: func(c *Config, raw string) (err error) {
			c.DBMaxConns, err = parseCount(raw, 1, 1000, "1000")
			return err
		},
	}
	dbMaxConnsPerUser = field{
		name: "DB_MAX_CONNS_PER_USER",
		set: func(c *Config, raw string) (err error) {
			c.DBMaxConnsPerUser, err = parseCount(raw, 1, c.DBMaxConns, fmt.Sprintf("DB_MAX_CONNS (%d)", c.DBMaxConns))
			return err
		},
	}
	dbStatementTimeout = field{
		name: "DB_STATEMENT_TIMEOUT",
		set:  func(c *Config, raw string) (err error) { c.DBStatementTimeout, err = parseDuration(raw); return err },
	}
	dbAcquireTimeout = field{
		name: "DB_ACQUIRE_TIMEOUT",
		set:  func(c *Config, raw string) (err error) { c.DBAcquireTimeout, err = parseDuration(raw); return err },
	}
	dbConnectTimeout = field{
		name: "DB_CONNECT_TIMEOUT",
		set:  func(c *Config, raw string) (err error) { c.DBConnectTimeout, err = parseDuration(raw); return err },
	}
	dbHostTimeout = field{
		name: "DB_HOST_TIMEOUT",
		set: func(c *Config, raw string) (err error) {
			if raw == "0" {
				c.DBHostTimeout = 0
				return nil
			}
			c.DBHostTimeout, err = parseDuration(raw)
			if err == nil && c.DBHostTimeout < 100*time.Millisecond {
				err = errors.New("must be 0 (off) or at least 100ms")
			}
			return err
		},
	}

	debugAddr = field{
		name: "DEBUG_ADDR",
		set: func(c *Config, raw string) error {
			if !isLoopback(raw) {
				return errors.New("must be a loopback host:port such as 127.0.0.1:6060 (profiles are not for the network)")
			}
			c.DebugAddr = raw
			return nil
		},
	}
	// GOGC and GOMEMLIMIT are the Go runtime's own: a value there wins (the runtime has
	// applied it already), so serve sets its default only for a variable left unset.
	goGC = field{
		name:  "GOGC",
		set:   func(c *Config, _ string) error { c.GCPercent = 0; return nil },
		unset: func(c *Config) error { c.GCPercent = DefaultGCPercent; return nil },
	}
	goMemLimit = field{
		name:  "GOMEMLIMIT",
		set:   func(c *Config, _ string) error { c.MemoryLimit = 0; return nil },
		unset: func(c *Config) error { c.MemoryLimit = DefaultMemoryLimit; return nil },
	}

	logLevel = field{
		name: "LOG_LEVEL",
		set:  func(c *Config, raw string) (err error) { c.LogLevel, err = parseLevel(raw); return err },
	}
	logFormat = field{
		name: "LOG_FORMAT",
		set: func(c *Config, raw string) error {
			if f := strings.ToLower(raw); f == "json" || f == "text" {
				c.LogFormat = f
				return nil
			}
			return errors.New("must be json or text")
		},
	}
)

// betterAuthOrigin is the origin of BETTER_AUTH_URL ("" when unset): Better Auth's iss and aud.
func betterAuthOrigin(c *Config) string {
	if c.BetterAuthURL == "" {
		return ""
	}
	origin, _ := originOf(c.BetterAuthURL) // checked when BETTER_AUTH_URL was read
	return origin
}

// Variables lists, sorted, every environment variable a command of todo-api reads for its
// settings (serve, dev, migrate): the README's configuration table documents each.
func Variables() []string {
	var names []string
	for _, fields := range [][]field{serveFields, devFields, migrateFields} {
		for _, f := range fields {
			names = append(names, f.name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
