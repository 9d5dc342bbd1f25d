package config

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoad(t *testing.T) {
	t.Parallel()
	base := map[string]string{"DATABASE_URL": "postgres://u@localhost/db", "JWKS_URL": "https://issuer.test/jwks"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name   string
		env    map[string]string
		badVar string
		check  func(t *testing.T, c Config)
	}{
		{"Defaults", base, "", func(t *testing.T, c Config) {
			if c.ListenAddr != ":8080" || c.RateLimitPerUser != 20 || c.LogLevel != slog.LevelInfo || c.LogFormat != "json" {
				t.Errorf("defaults: %+v", c)
			}
			if c.JWTIssuer != "" || c.JWTAudience != "" || c.CORSAllowedOrigins != nil {
				t.Errorf("unset values got filled: %+v", c)
			}
			if c.GCPercent != DefaultGCPercent || c.MemoryLimit != DefaultMemoryLimit {
				t.Errorf("GC defaults: %d %d", c.GCPercent, c.MemoryLimit)
			}
		}},
		{"GCFromTheEnvironmentWins", with("GOGC", "off", "GOMEMLIMIT", "1GiB"), "", func(t *testing.T, c Config) {
			if c.GCPercent != 0 || c.MemoryLimit != 0 {
				t.Errorf("serve would override the runtime's GOGC/GOMEMLIMIT: %d %d", c.GCPercent, c.MemoryLimit)
			}
		}},
		{"BetterAuthURLFillsThree", map[string]string{"DATABASE_URL": "postgres://x/y", "BETTER_AUTH_URL": "https://app.example.com/some/path/"}, "", func(t *testing.T, c Config) {
			if c.JWKSURL != "https://app.example.com/some/path/api/auth/jwks" {
				t.Errorf("JWKSURL = %q", c.JWKSURL)
			}
			if c.JWTIssuer != "https://app.example.com" || c.JWTAudience != "https://app.example.com" {
				t.Errorf("iss/aud = %q %q", c.JWTIssuer, c.JWTAudience)
			}
		}},
		{"ExplicitBeatsBetterAuth", with("BETTER_AUTH_URL", "http://localhost:3000", "JWT_AUDIENCE", "api"), "", func(t *testing.T, c Config) {
			if c.JWKSURL != "https://issuer.test/jwks" || c.JWTIssuer != "http://localhost:3000" || c.JWTAudience != "api" {
				t.Errorf("got %+v", c)
			}
		}},
		{"CORSOrigins", with("CORS_ALLOWED_ORIGINS", "http://localhost:3000, https://app.example.com"), "", func(t *testing.T, c Config) {
			if len(c.CORSAllowedOrigins) != 2 || c.CORSAllowedOrigins[1] != "https://app.example.com" {
				t.Errorf("origins = %v", c.CORSAllowedOrigins)
			}
		}},
		{"RateLimitOff", with("RATE_LIMIT_PER_USER", "0"), "", func(t *testing.T, c Config) {
			if c.RateLimitPerUser != 0 {
				t.Errorf("rate = %v", c.RateLimitPerUser)
			}
		}},
		{"Durations", with("DB_STATEMENT_TIMEOUT", "250ms", "DB_MAX_CONNS", "4"), "", func(t *testing.T, c Config) {
			if c.DBStatementTimeout != 250*time.Millisecond || c.DBMaxConns != 4 {
				t.Errorf("got %v %v", c.DBStatementTimeout, c.DBMaxConns)
			}
		}},
		{"PerUserShareDefault", with(), "", func(t *testing.T, c Config) {
			if c.DBMaxConnsPerUser != 0 {
				t.Errorf("DBMaxConnsPerUser = %d, want 0 (the store's default)", c.DBMaxConnsPerUser)
			}
		}},
		{"PerUserShareSet", with("DB_MAX_CONNS", "20", "DB_MAX_CONNS_PER_USER", "20"), "", func(t *testing.T, c Config) {
			if c.DBMaxConnsPerUser != 20 {
				t.Errorf("DBMaxConnsPerUser = %d", c.DBMaxConnsPerUser)
			}
		}},
		{"PerUserShareOverThePool", with("DB_MAX_CONNS", "8", "DB_MAX_CONNS_PER_USER", "9"), "DB_MAX_CONNS_PER_USER", nil},
		{"PerUserShareZero", with("DB_MAX_CONNS_PER_USER", "0"), "DB_MAX_CONNS_PER_USER", nil},
		{"MissingDatabase", map[string]string{"JWKS_URL": "https://x/jwks"}, "DATABASE_URL", nil},
		{"MissingJWKS", map[string]string{"DATABASE_URL": "postgres://x/y"}, "JWKS_URL", nil},
		{"BadJWKS", with("JWKS_URL", "file:///etc/passwd"), "JWKS_URL", nil},
		{"BadBetterAuth", with("BETTER_AUTH_URL", "app.example.com"), "BETTER_AUTH_URL", nil},
		{"BadListen", with("LISTEN_ADDR", "8080"), "LISTEN_ADDR", nil},
		{"BadOrigin", with("CORS_ALLOWED_ORIGINS", "https://app.example.com/path"), "CORS_ALLOWED_ORIGINS", nil},
		{"NegativeRate", with("RATE_LIMIT_PER_USER", "-1"), "RATE_LIMIT_PER_USER", nil},
		{"BadLevel", with("LOG_LEVEL", "loud"), "LOG_LEVEL", nil},
		{"BadFormat", with("LOG_FORMAT", "xml"), "LOG_FORMAT", nil},
		{"BadTimeout", with("DB_ACQUIRE_TIMEOUT", "-1s"), "DB_ACQUIRE_TIMEOUT", nil},
		{"BadMaxConns", with("DB_MAX_CONNS", "0"), "DB_MAX_CONNS", nil},
		{"DebugAddrNotLoopback", with("DEBUG_ADDR", "0.0.0.0:6060"), "DEBUG_ADDR", nil},
		{"DebugAddrLoopback", with("DEBUG_ADDR", "127.0.0.1:6060"), "", func(t *testing.T, c Config) {
			if c.DebugAddr != "127.0.0.1:6060" {
				t.Errorf("DebugAddr = %q", c.DebugAddr)
			}
		}},
		{"BadDatabaseURL", with("DATABASE_URL", "mysql://x"), "DATABASE_URL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tt.env))
			if tt.badVar != "" {
				var ce *Error
				if !errors.As(err, &ce) || ce.Var != tt.badVar {
					t.Fatalf("Load error = %v, want one naming %s", err, tt.badVar)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}
