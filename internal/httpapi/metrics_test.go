package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

// The method labels /metrics and the access log may carry: the request methods net/http
// knows, and OTHER for anything else.
var boundedMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "OTHER"}

// TestMetricsLabelsAreBounded (issue 12, item 2): requests with random methods and paths
// add no series to /metrics, and the access log does not repeat what they sent. Each
// round sends every kind of request once, with fresh random values; the series after the
// first round are all there will ever be.
func TestMetricsLabelsAreBounded(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	f := setup(t, apitest.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	task := f.createA(t, map[string]any{"title": "x"})
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	word := func(letters string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	methods := []func() string{
		func() string { return word("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4000) }, // the issue's
		func() string { return word("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 8+rng.IntN(40)) },
		func() string { return word("abcdefghijklmnopqrstuvwxyz!#$%&'*+-.^_`|~0123456789", 8+rng.IntN(40)) },
		func() string { return "get" }, // methods are case-sensitive: not GET
		func() string { return http.MethodGet },
		func() string { return http.MethodHead },
		func() string { return http.MethodPost },
		func() string { return http.MethodDelete },
	}
	segment := func() string { return word("abcdefghijklmnopqrstuvwxyz0123456789", 1+rng.IntN(60)) }
	paths := []func() string{
		func() string { return "/" + segment() },
		func() string { return "/" + segment() + "/" + segment() },
		func() string { return "/api/" + segment() },
		func() string { return "/api/tasks/" + segment() },
		func() string { return "/api/tasks/" + segment() + "/" + segment() },
		func() string { return "/api/tasks/" + task.Id.String() + "/" + segment() },
		func() string { return "/healthz" },
	}
	round := func() {
		for _, m := range methods {
			for _, p := range paths {
				f.Do(t, apitest.Req{Method: m(), Path: p(), Token: f.tokA})
			}
		}
	}

	scrapeRequestSeries(t, f) // so that the scrapes' own series exist from the start
	round()
	first := scrapeRequestSeries(t, f)
	for range 2 {
		round()
	}
	after := scrapeRequestSeries(t, f)
	if len(after) != len(first) {
		var added []requestSeries
		for _, s := range after {
			if !slices.Contains(first, s) {
				added = append(added, s)
			}
		}
		t.Errorf("request series grew from %d to %d with fresh random methods and paths; new: %.400v", len(first), len(after), added)
	}
	for _, s := range after {
		if !slices.Contains(boundedMethods, s.method) {
			t.Errorf("series with method label %.40q… (%d bytes), want one of %v", s.method, len(s.method), boundedMethods)
		}
		if s.route != "unmatched" && !slices.Contains(routeTemplates, s.route) {
			t.Errorf("series with route label %.60q, want a route template or \"unmatched\"", s.route)
		}
		if s.status != "" && !regexp.MustCompile(`^[1-5][0-9][0-9]$`).MatchString(s.status) {
			t.Errorf("series with status label %.40q", s.status)
		}
	}
	if len(after) > 100 {
		t.Errorf("%d request series: %v", len(after), after)
	}

	// The access log names the method as the metrics do and never copies a 4000-byte one.
	sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
	sc.Buffer(nil, 1<<20)
	var lines int
	for sc.Scan() {
		var line struct {
			Msg    string `json:"msg"`
			Method string `json:"method"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Bytes(), err)
		}
		if line.Msg != "request" {
			continue
		}
		lines++
		if !slices.Contains(boundedMethods, line.Method) || len(sc.Bytes()) > 1024 {
			t.Errorf("access log line of %d bytes with method %.40q…", len(sc.Bytes()), line.Method)
		}
	}
	if lines == 0 {
		t.Error("no access log lines")
	}
}

// TestMetricsLabelHEAD: HEAD requests are counted as HEAD, on the route they were answered by.
func TestMetricsLabelHEAD(t *testing.T) {
	t.Parallel()
	f := setup(t)
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodHead, Path: "/healthz"}), http.StatusOK)
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodHead, Path: "/api/tasks", Token: f.tokA}), http.StatusOK)
	series := scrapeRequestSeries(t, f)
	for _, want := range []requestSeries{
		{route: "/healthz", method: "HEAD", status: "200"},
		{route: "/api/tasks", method: "HEAD", status: "200"},
	} {
		if !slices.Contains(series, want) {
			t.Errorf("no series %+v in %v", want, series)
		}
	}
}

// routeTemplates are the service's routes as Echo spells them.
var routeTemplates = []string{
	"/api/tasks", "/api/tasks/bulk", "/api/tasks/changes", "/api/tasks/stats", "/api/tags",
	"/api/tasks/:id", "/api/tasks/:id/restore", "/api/tasks/:id/move", "/api/tasks/:id/complete",
	"/healthz", "/readyz", "/openapi.yaml", "/openapi.json", "/metrics", "/docs", "/docs/*",
}

// requestSeries is the labels of one series of http_requests_total or of
// http_request_duration_seconds (which has no status).
type requestSeries struct{ route, method, status string }

// scrapeRequestSeries reads /metrics and returns the label sets of its request series.
func scrapeRequestSeries(t *testing.T, f *fixture) []requestSeries {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/metrics"})
	wantStatus(t, r, http.StatusOK)
	line := regexp.MustCompile(`(?m)^(http_requests_total|http_request_duration_seconds_count)\{([^}]*)\} `)
	label := regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)
	var out []requestSeries
	for _, m := range line.FindAllStringSubmatch(string(r.Body), -1) {
		var s requestSeries
		for _, l := range label.FindAllStringSubmatch(m[2], -1) {
			switch l[1] {
			case "route":
				s.route = l[2]
			case "method":
				s.method = l[2]
			case "status":
				s.status = l[2]
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatalf("/metrics has no request series: %s", head(r.Body))
	}
	return out
}

// syncBuffer is a bytes.Buffer the server's goroutines may write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of what was written so far.
func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}
