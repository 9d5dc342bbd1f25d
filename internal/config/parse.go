package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The value parsers behind the fields: each takes a trimmed, non-empty value and returns it
// parsed, or an error whose text is the message after "VARIABLE: ".

// parseConnString accepts what the pool will parse (pgxpool.ParseConfig, which redacts a
// password in its error), so a bad connection string stops the start before migrations run.
func parseConnString(raw string) (string, error) {
	if !strings.HasPrefix(raw, "postgres://") && !strings.HasPrefix(raw, "postgresql://") && !strings.Contains(raw, "=") {
		return "", errors.New("must be a postgres:// URL or a key=value connection string")
	}
	if _, err := pgxpool.ParseConfig(raw); err != nil {
		return "", errors.New(oneLine(err.Error())) // "cannot parse `…`: invalid port"
	}
	return raw, nil
}

// parseHTTPURL accepts an absolute http(s) URL.
func parseHTTPURL(raw string) (string, error) {
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("must be an http(s) URL")
	}
	return raw, nil
}

// parseHostPort accepts host:port (host may be empty: all interfaces).
func parseHostPort(raw string) (string, error) {
	if _, _, err := net.SplitHostPort(raw); err != nil {
		return "", fmt.Errorf("must be host:port such as 127.0.0.1:8080 or :8080 (got %q)", raw)
	}
	return raw, nil
}

// isLoopback reports whether addr is host:port with host localhost or a loopback IP.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// parseOrigins reads a comma-separated list of origins (scheme://host[:port]); blank entries
// are skipped.
func parseOrigins(raw string) ([]string, error) {
	var origins []string
	for o := range strings.SplitSeq(raw, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		origin, err := originOf(o)
		if err != nil || origin != strings.TrimRight(o, "/") {
			return nil, fmt.Errorf("%q is not an origin (scheme://host[:port])", o)
		}
		origins = append(origins, origin)
	}
	return origins, nil
}

// parseRate reads requests per second: 0 (off) to a million.
func parseRate(raw string) (float64, error) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || f < 0 || math.IsNaN(f) || f > 1e6 {
		return 0, errors.New("must be a number of requests per second, 0 to turn it off")
	}
	return f, nil
}

// parseCount reads a whole number from lo to hi; hiName is how the message names hi.
func parseCount(raw string, lo, hi int32, hiName string) (int32, error) {
	n, err := strconv.ParseInt(raw, 10, 32)
	if err != nil || n < int64(lo) || n > int64(hi) {
		return 0, fmt.Errorf("must be a whole number from %d to %s", lo, hiName)
	}
	return int32(n), nil
}

// parseDuration reads a positive Go duration.
func parseDuration(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		return 0, errors.New("must be a positive duration such as 5s")
	}
	return d, nil
}

// originOf returns scheme://host[:port] of an http(s) URL: what Better Auth puts in iss and aud.
func originOf(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("must be an http(s) URL such as https://app.example.com")
	}
	return u.Scheme + "://" + u.Host, nil
}

// parseLevel reads debug, info, warn or error.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.TrimSpace(s))); err != nil {
		return 0, errors.New("must be debug, info, warn or error")
	}
	return l, nil
}

// oneLine keeps a message on one line (main prints every configuration error as one).
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
