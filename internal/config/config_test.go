package config

import (
	"errors"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The commands whose settings this package reads, each with the environment a case starts
// from (the variables it requires, valid).
const (
	serve   = "serve"
	dev     = "dev"
	migrate = "migrate"
)

var baseEnv = map[string]map[string]string{
	serve:   {"DATABASE_URL": "postgres://u@localhost/db", "JWKS_URL": "https://issuer.test/jwks"},
	dev:     {},
	migrate: {"DATABASE_URL": "postgres://u@localhost/db"},
}

// loaders are the package's entry points by command.
var loaders = map[string]func(getenv func(string) string) (Config, error){
	serve:   Load,
	dev:     func(getenv func(string) string) (Config, error) { return LoadDev(getenv, "") },
	migrate: LoadMigrate,
}

// varCase is one value of one variable under one or more commands; a case listing several
// commands holds them to the same outcome, the same message for the same mistake.
type varCase struct {
	cmds []string
	v    string            // the variable under test
	val  string            // its value; "" leaves it unset (the default)
	also map[string]string // other variables; "" unsets one of the command's base
	// Either want (what get reads from the Config) or err (the exact one-line message).
	get  func(Config) any
	want any
	err  string
}

// kind is what a case shows about its variable: its default, a valid or an invalid value.
func (c varCase) kind() string {
	switch {
	case c.val == "":
		return "default"
	case c.err != "":
		return "invalid"
	}
	return "valid"
}

var (
	both         = []string{serve, dev}
	urls         = []string{serve, migrate}
	only         = func(cmd string) []string { return []string{cmd} }
	origin       = func(c Config) any { return [3]string{c.JWKSURL, c.JWTIssuer, c.JWTAudience} }
	migrationURL = func(c Config) any { return c.MigrationURL() }
)

var varCases = []varCase{
	{cmds: only(serve), v: "DATABASE_URL", err: "DATABASE_URL: is required (a PostgreSQL connection string)"},
	{cmds: urls, v: "DATABASE_URL", val: " postgres://u@db.example.com/app ", get: func(c Config) any { return c.DatabaseURL }, want: "postgres://u@db.example.com/app"},
	{cmds: urls, v: "DATABASE_URL", val: "host=db.example.com dbname=app", get: func(c Config) any { return c.DatabaseURL }, want: "host=db.example.com dbname=app"},
	{cmds: urls, v: "DATABASE_URL", val: "mysql://x", err: "DATABASE_URL: must be a postgres:// URL or a key=value connection string"},
	{cmds: urls, v: "DATABASE_URL", val: "postgres://u:secret@h:notaport/db", err: "DATABASE_URL: cannot parse `postgres://u:xxxxx@h:notaport/db`: invalid port"},
	{cmds: only(migrate), v: "DATABASE_URL", also: map[string]string{"DATABASE_DIRECT_URL": "postgres://u@direct/db"}, get: migrationURL, want: "postgres://u@direct/db"},

	{cmds: urls, v: "DATABASE_DIRECT_URL", get: migrationURL, want: "postgres://u@localhost/db"},
	{cmds: urls, v: "DATABASE_DIRECT_URL", val: "postgres://u@direct/db", get: migrationURL, want: "postgres://u@direct/db"},
	{cmds: urls, v: "DATABASE_DIRECT_URL", val: "direct.example.com", err: "DATABASE_DIRECT_URL: must be a postgres:// URL or a key=value connection string"},

	{cmds: only(serve), v: "BETTER_AUTH_URL", get: origin, want: [3]string{"https://issuer.test/jwks", "", ""}},
	{cmds: only(serve), v: "BETTER_AUTH_URL", val: "https://app.example.com/some/path/", also: map[string]string{"JWKS_URL": ""},
		get: origin, want: [3]string{"https://app.example.com/some/path/api/auth/jwks", "https://app.example.com", "https://app.example.com"}},
	{cmds: only(serve), v: "BETTER_AUTH_URL", val: "http://localhost:3000", also: map[string]string{"JWT_AUDIENCE": "api"},
		get: origin, want: [3]string{"https://issuer.test/jwks", "http://localhost:3000", "api"}},
	{cmds: only(serve), v: "BETTER_AUTH_URL", val: "app.example.com", err: "BETTER_AUTH_URL: must be an http(s) URL such as https://app.example.com"},

	{cmds: only(serve), v: "JWKS_URL", err: "JWKS_URL: is required (or set BETTER_AUTH_URL)"},
	{cmds: only(serve), v: "JWKS_URL", val: "http://127.0.0.1:3000/jwks", also: map[string]string{"BETTER_AUTH_URL": "https://app.example.com"},
		get: origin, want: [3]string{"http://127.0.0.1:3000/jwks", "https://app.example.com", "https://app.example.com"}},
	{cmds: only(serve), v: "JWKS_URL", val: "file:///etc/passwd", err: "JWKS_URL: must be an http(s) URL"},

	{cmds: only(serve), v: "JWT_ISSUER", get: func(c Config) any { return c.JWTIssuer }, want: ""},
	{cmds: only(serve), v: "JWT_ISSUER", val: "https://issuer.test", get: func(c Config) any { return c.JWTIssuer }, want: "https://issuer.test"},
	{cmds: only(serve), v: "JWT_AUDIENCE", get: func(c Config) any { return c.JWTAudience }, want: ""},
	{cmds: only(serve), v: "JWT_AUDIENCE", val: "todo-api", get: func(c Config) any { return c.JWTAudience }, want: "todo-api"},

	{cmds: only(serve), v: "LISTEN_ADDR", get: func(c Config) any { return c.ListenAddr }, want: ":8080"},
	{cmds: only(dev), v: "LISTEN_ADDR", get: func(c Config) any { return c.ListenAddr }, want: "127.0.0.1:8080"},
	{cmds: both, v: "LISTEN_ADDR", val: "localhost:9000", get: func(c Config) any { return c.ListenAddr }, want: "localhost:9000"},
	{cmds: only(serve), v: "LISTEN_ADDR", val: "0.0.0.0:9000", get: func(c Config) any { return c.ListenAddr }, want: "0.0.0.0:9000"},
	{cmds: both, v: "LISTEN_ADDR", val: "8080", err: `LISTEN_ADDR: must be host:port such as 127.0.0.1:8080 or :8080 (got "8080")`},
	{cmds: only(dev), v: "LISTEN_ADDR", val: ":8080", err: `LISTEN_ADDR: todo-api dev serves on loopback only: use 127.0.0.1:PORT or localhost:PORT, not ":8080"`},
	{cmds: only(dev), v: "LISTEN_ADDR", val: "192.0.2.1:8080", err: `LISTEN_ADDR: todo-api dev serves on loopback only: use 127.0.0.1:PORT or localhost:PORT, not "192.0.2.1:8080"`},

	{cmds: both, v: "CORS_ALLOWED_ORIGINS", get: func(c Config) any { return c.CORSAllowedOrigins }, want: []string(nil)},
	{cmds: both, v: "CORS_ALLOWED_ORIGINS", val: "http://localhost:3000, ,https://app.example.com/", get: func(c Config) any { return c.CORSAllowedOrigins }, want: []string{"http://localhost:3000", "https://app.example.com"}},
	{cmds: both, v: "CORS_ALLOWED_ORIGINS", val: "http://localhost:3000,https://app.example.com/path", err: `CORS_ALLOWED_ORIGINS: "https://app.example.com/path" is not an origin (scheme://host[:port])`},
	{cmds: both, v: "CORS_ALLOWED_ORIGINS", val: "app.example.com", err: `CORS_ALLOWED_ORIGINS: "app.example.com" is not an origin (scheme://host[:port])`},

	{cmds: both, v: "RATE_LIMIT_PER_USER", get: func(c Config) any { return c.RateLimitPerUser }, want: 20.0},
	{cmds: both, v: "RATE_LIMIT_PER_USER", val: "0", get: func(c Config) any { return c.RateLimitPerUser }, want: 0.0},
	{cmds: both, v: "RATE_LIMIT_PER_USER", val: "2.5", get: func(c Config) any { return c.RateLimitPerUser }, want: 2.5},
	{cmds: both, v: "RATE_LIMIT_PER_USER", val: "-1", err: "RATE_LIMIT_PER_USER: must be a number of requests per second, 0 to turn it off"},
	{cmds: both, v: "RATE_LIMIT_PER_USER", val: "NaN", err: "RATE_LIMIT_PER_USER: must be a number of requests per second, 0 to turn it off"},
	{cmds: both, v: "RATE_LIMIT_PER_USER", val: "1e7", err: "RATE_LIMIT_PER_USER: must be a number of requests per second, 0 to turn it off"},

	{cmds: only(serve), v: "EVENTS_MAX_STREAMS", get: func(c Config) any { return c.EventsMaxStreams }, want: int32(10000)},
	{cmds: only(serve), v: "EVENTS_MAX_STREAMS", val: "50", get: func(c Config) any { return c.EventsMaxStreams }, want: int32(50)},
	{cmds: only(serve), v: "EVENTS_MAX_STREAMS", val: "0", err: "EVENTS_MAX_STREAMS: must be a whole number from 1 to 1000000"},

	{cmds: only(serve), v: "DB_MAX_CONNS", get: func(c Config) any { return c.DBMaxConns }, want: int32(10)},
	{cmds: only(serve), v: "DB_MAX_CONNS", val: "4", get: func(c Config) any { return c.DBMaxConns }, want: int32(4)},
	{cmds: only(serve), v: "DB_MAX_CONNS", val: "0", err: "DB_MAX_CONNS: must be a whole number from 1 to 1000"},
	{cmds: only(serve), v: "DB_MAX_CONNS", val: "1001", err: "DB_MAX_CONNS: must be a whole number from 1 to 1000"},

	{cmds: only(serve), v: "DB_MAX_CONNS_PER_USER", get: func(c Config) any { return c.DBMaxConnsPerUser }, want: int32(0)},
	{cmds: only(serve), v: "DB_MAX_CONNS_PER_USER", val: "20", also: map[string]string{"DB_MAX_CONNS": "20"}, get: func(c Config) any { return c.DBMaxConnsPerUser }, want: int32(20)},
	{cmds: only(serve), v: "DB_MAX_CONNS_PER_USER", val: "9", also: map[string]string{"DB_MAX_CONNS": "8"}, err: "DB_MAX_CONNS_PER_USER: must be a whole number from 1 to DB_MAX_CONNS (8)"},
	{cmds: only(serve), v: "DB_MAX_CONNS_PER_USER", val: "0", err: "DB_MAX_CONNS_PER_USER: must be a whole number from 1 to DB_MAX_CONNS (10)"},

	{cmds: only(serve), v: "DB_STATEMENT_TIMEOUT", get: func(c Config) any { return c.DBStatementTimeout }, want: 5 * time.Second},
	{cmds: only(serve), v: "DB_STATEMENT_TIMEOUT", val: "250ms", get: func(c Config) any { return c.DBStatementTimeout }, want: 250 * time.Millisecond},
	{cmds: only(serve), v: "DB_STATEMENT_TIMEOUT", val: "5", err: "DB_STATEMENT_TIMEOUT: must be a positive duration such as 5s"},
	{cmds: only(serve), v: "DB_ACQUIRE_TIMEOUT", get: func(c Config) any { return c.DBAcquireTimeout }, want: 2 * time.Second},
	{cmds: only(serve), v: "DB_ACQUIRE_TIMEOUT", val: "1m", get: func(c Config) any { return c.DBAcquireTimeout }, want: time.Minute},
	{cmds: only(serve), v: "DB_ACQUIRE_TIMEOUT", val: "-1s", err: "DB_ACQUIRE_TIMEOUT: must be a positive duration such as 5s"},
	{cmds: only(serve), v: "DB_CONNECT_TIMEOUT", get: func(c Config) any { return c.DBConnectTimeout }, want: 3 * time.Second},
	{cmds: only(serve), v: "DB_CONNECT_TIMEOUT", val: "500ms", get: func(c Config) any { return c.DBConnectTimeout }, want: 500 * time.Millisecond},
	{cmds: only(serve), v: "DB_CONNECT_TIMEOUT", val: "0", err: "DB_CONNECT_TIMEOUT: must be a positive duration such as 5s"},
	{cmds: only(serve), v: "DB_HOST_TIMEOUT", get: func(c Config) any { return c.DBHostTimeout }, want: time.Second},
	{cmds: only(serve), v: "DB_HOST_TIMEOUT", val: "0", get: func(c Config) any { return c.DBHostTimeout }, want: time.Duration(0)},
	{cmds: only(serve), v: "DB_HOST_TIMEOUT", val: "2s", get: func(c Config) any { return c.DBHostTimeout }, want: 2 * time.Second},
	{cmds: only(serve), v: "DB_HOST_TIMEOUT", val: "10ms", err: "DB_HOST_TIMEOUT: must be 0 (off) or at least 100ms"},
	{cmds: only(serve), v: "DB_HOST_TIMEOUT", val: "soon", err: "DB_HOST_TIMEOUT: must be a positive duration such as 5s"},

	{cmds: only(serve), v: "DEBUG_ADDR", get: func(c Config) any { return c.DebugAddr }, want: ""},
	{cmds: only(serve), v: "DEBUG_ADDR", val: "[::1]:6060", get: func(c Config) any { return c.DebugAddr }, want: "[::1]:6060"},
	{cmds: only(serve), v: "DEBUG_ADDR", val: "0.0.0.0:6060", err: "DEBUG_ADDR: must be a loopback host:port such as 127.0.0.1:6060 (profiles are not for the network)"},

	{cmds: only(serve), v: "GOGC", get: func(c Config) any { return c.GCPercent }, want: DefaultGCPercent},
	{cmds: only(serve), v: "GOGC", val: "off", get: func(c Config) any { return c.GCPercent }, want: 0},
	{cmds: only(serve), v: "GOMEMLIMIT", get: func(c Config) any { return c.MemoryLimit }, want: int64(DefaultMemoryLimit)},
	{cmds: only(serve), v: "GOMEMLIMIT", val: "1GiB", get: func(c Config) any { return c.MemoryLimit }, want: int64(0)},

	{cmds: both, v: "LOG_LEVEL", get: func(c Config) any { return c.LogLevel }, want: slog.LevelInfo},
	{cmds: both, v: "LOG_LEVEL", val: "WARN", get: func(c Config) any { return c.LogLevel }, want: slog.LevelWarn},
	{cmds: both, v: "LOG_LEVEL", val: "loud", err: "LOG_LEVEL: must be debug, info, warn or error"},

	{cmds: only(serve), v: "LOG_FORMAT", get: func(c Config) any { return c.LogFormat }, want: "json"},
	{cmds: only(dev), v: "LOG_FORMAT", get: func(c Config) any { return c.LogFormat }, want: "text"},
	{cmds: both, v: "LOG_FORMAT", val: "JSON", get: func(c Config) any { return c.LogFormat }, want: "json"},
	{cmds: both, v: "LOG_FORMAT", val: "xml", err: "LOG_FORMAT: must be json or text"},
}

// TestVariables runs every case under each of its commands.
func TestVariables(t *testing.T) {
	t.Parallel()
	for _, tc := range varCases {
		for _, cmd := range tc.cmds {
			t.Run(cmd+"/"+tc.v+"="+tc.val, func(t *testing.T) {
				t.Parallel()
				env := maps.Clone(baseEnv[cmd])
				delete(env, tc.v)
				if tc.val != "" {
					env[tc.v] = tc.val
				}
				for k, v := range tc.also {
					env[k] = v
				}
				c, err := loaders[cmd](func(k string) string { return env[k] })
				if tc.err != "" {
					var ce *Error
					if !errors.As(err, &ce) || err.Error() != tc.err || ce.Var != tc.v {
						t.Fatalf("error %v, want *Error %q", err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("got %#v, want %#v", got, tc.want)
				}
			})
		}
	}
}

// accepting are the variables no value of which is wrong (checked by whom they are for: the
// token's claims, the Go runtime).
var accepting = []string{"JWT_ISSUER", "JWT_AUDIENCE", "GOGC", "GOMEMLIMIT"}

// TestEveryVariableHasCases: each variable each command reads has its default, a valid and
// (unless any value is accepted) an invalid value in varCases — a new variable fails here
// until it has them.
func TestEveryVariableHasCases(t *testing.T) {
	t.Parallel()
	have := map[string]bool{}
	for _, tc := range varCases {
		for _, cmd := range tc.cmds {
			have[cmd+" "+tc.v+" "+tc.kind()] = true
		}
	}
	for cmd, load := range loaders {
		for _, v := range readBy(load, baseEnv[cmd]) {
			kinds := []string{"default", "valid", "invalid"}
			if slices.Contains(accepting, v) {
				kinds = kinds[:2]
			}
			for _, k := range kinds {
				if !have[cmd+" "+v+" "+k] {
					t.Errorf("%s reads %s: varCases has no %s case for it", cmd, v, k)
				}
			}
		}
	}
}

// TestListenFlagWinsOverTheEnvironment: `dev --listen` beats LISTEN_ADDR and is held to the
// same rules.
func TestListenFlagWinsOverTheEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LISTEN_ADDR": "0.0.0.0:1"}
	c, err := LoadDev(func(k string) string { return env[k] }, " 127.0.0.1:9 ")
	if err != nil || c.ListenAddr != "127.0.0.1:9" {
		t.Fatalf("LoadDev = %q, %v; want the flag's 127.0.0.1:9", c.ListenAddr, err)
	}
	_, err = LoadDev(func(string) string { return "" }, ":9")
	if want := `LISTEN_ADDR: todo-api dev serves on loopback only: use 127.0.0.1:PORT or localhost:PORT, not ":9"`; err == nil || err.Error() != want {
		t.Fatalf("LoadDev(--listen :9) = %v, want %q", err, want)
	}
}

// TestFirstBadVariableIsNamed: with several mistakes, the one read first is reported.
func TestFirstBadVariableIsNamed(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LOG_FORMAT": "xml", "RATE_LIMIT_PER_USER": "fast"}
	_, err := Load(func(k string) string { return env[k] })
	if err == nil || !strings.HasPrefix(err.Error(), "DATABASE_URL: ") {
		t.Fatalf("Load = %v, want DATABASE_URL first", err)
	}
}

// readBy returns the variables load asks getenv for, in order, given env.
func readBy(load func(func(string) string) (Config, error), env map[string]string) []string {
	var names []string
	_, _ = load(func(k string) string { names = append(names, k); return env[k] })
	return names
}

// TestVariablesListsWhatTheCommandsRead: Variables, which the README's table is checked
// against, is exactly what the loaders ask the environment for.
func TestVariablesListsWhatTheCommandsRead(t *testing.T) {
	t.Parallel()
	var read []string
	for cmd, load := range loaders {
		read = append(read, readBy(load, baseEnv[cmd])...)
	}
	slices.Sort(read)
	if read = slices.Compact(read); !slices.Equal(read, Variables()) {
		t.Fatalf("the commands read %v\nVariables() = %v", read, Variables())
	}
}
