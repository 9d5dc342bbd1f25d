package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

func TestOpsEndpoints(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t.Run("HealthzIs200WithoutAuth", func(t *testing.T) {
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/healthz"}), http.StatusOK)
	})
	t.Run("ReadyzIs200WithoutAuth", func(t *testing.T) {
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/readyz"}), http.StatusOK)
	})
	t.Run("OpenAPIYAML", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/openapi.yaml"})
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.Header.Get("Content-Type"), "yaml") || !strings.HasPrefix(string(r.Body), "openapi: 3") || !strings.Contains(string(r.Body), "operationId: listTasks") {
			t.Errorf("Content-Type %q, body starts %q", r.Header.Get("Content-Type"), head(r.Body))
		}
	})
	t.Run("OpenAPIJSON", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/openapi.json"})
		wantStatus(t, r, http.StatusOK)
		var doc struct {
			OpenAPI string                    `json:"openapi"`
			Paths   map[string]map[string]any `json:"paths"`
		}
		r.JSON(t, &doc)
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Errorf("openapi %q", doc.OpenAPI)
		}
		for _, p := range []string{"/api/tasks", "/api/tasks/{id}", "/api/tasks/{id}/complete", "/api/tags", "/api/tasks/stats"} {
			if doc.Paths[p] == nil {
				t.Errorf("/openapi.json lacks %s", p)
			}
		}
	})
	t.Run("DocsRedirectsThenServesOfflineSwaggerUI", func(t *testing.T) {
		noFollow := *f.Client
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := noFollow.Get(f.URL + "/docs")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode < 300 || res.StatusCode > 399 || res.Header.Get("Location") != "/docs/" {
			t.Fatalf("/docs: %d Location %q, want a redirect to /docs/", res.StatusCode, res.Header.Get("Location"))
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/docs/"})
		wantStatus(t, r, http.StatusOK)
		html := string(r.Body)
		if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(strings.ToLower(html), "swagger") {
			t.Fatalf("/docs/ is not Swagger UI: %q %q", r.Header.Get("Content-Type"), head(r.Body))
		}
		if !strings.Contains(html, "/openapi.json") {
			t.Errorf("/docs/ does not point at the served contract /openapi.json")
		}
		// Nothing loaded from elsewhere: every src/href is relative or same-origin.
		for _, m := range regexp.MustCompile(`(?i)(?:src|href)\s*=\s*["']([^"']+)["']`).FindAllStringSubmatch(html, -1) {
			u := m[1]
			if strings.HasPrefix(u, "//") || (strings.Contains(u, "://") && !strings.HasPrefix(u, f.URL)) {
				t.Errorf("/docs/ loads %q from another origin", u)
			}
		}
		for _, cdn := range []string{"unpkg.com", "jsdelivr", "cdnjs", "googleapis", "cloudflare"} {
			if strings.Contains(html, cdn) {
				t.Errorf("/docs/ mentions CDN %s", cdn)
			}
		}
		// The assets it names are served here.
		for _, m := range regexp.MustCompile(`(?i)(?:src|href)\s*=\s*["']([^"'#?]+\.(?:js|css))`).FindAllStringSubmatch(html, -1) {
			p := m[1]
			if !strings.HasPrefix(p, "/") {
				p = "/docs/" + strings.TrimPrefix(p, "./")
			}
			a := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p})
			if a.Status != http.StatusOK || len(a.Body) == 0 {
				t.Errorf("asset %s: %d (%d bytes)", p, a.Status, len(a.Body))
			}
		}
	})
	t.Run("MetricsCountRequestsAndPool", func(t *testing.T) {
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokA}), http.StatusOK)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks"}), http.StatusUnauthorized)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/metrics"})
		wantStatus(t, r, http.StatusOK)
		m := string(r.Body)
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`(?m)^http_requests_total\{[^}]*route="/api/tasks"[^}]*status="200"[^}]*\} [1-9]`),
			regexp.MustCompile(`(?m)^http_requests_total\{[^}]*status="401"[^}]*\} [1-9]`),
			regexp.MustCompile(`(?m)^http_request_duration_seconds_bucket\{`),
			regexp.MustCompile(`(?m)^db_pool_\w+ `),
			regexp.MustCompile(`(?m)^db_pool_max_connections `),
		} {
			if !want.MatchString(m) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		// Route labels are templates, never raw ids.
		if regexp.MustCompile(`route="/api/tasks/[0-9a-f]{8}-`).MatchString(m) {
			t.Error("/metrics has a raw task id as route label")
		}
	})
	t.Run("OpsNeedNoAuthEvenWithBadToken", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz", "/openapi.yaml", "/openapi.json", "/metrics", "/docs/"} {
			wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: "garbage"}), http.StatusOK)
		}
	})
}

func head(b []byte) string {
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const allowed = "http://localhost:3000"
	f := setup(t, apitest.Options{CORSAllowedOrigins: []string{allowed}})
	preflight := func(t *testing.T, origin, method, headers string) *apitest.Response {
		t.Helper()
		return f.Do(t, apitest.Req{Method: http.MethodOptions, Path: "/api/tasks", Header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers,
		}})
	}
	t.Run("PreflightFromAllowedOriginNeedsNoAuth", func(t *testing.T) {
		r := preflight(t, allowed, "POST", "authorization, content-type, idempotency-key")
		if r.Status != http.StatusNoContent && r.Status != http.StatusOK {
			t.Fatalf("preflight: %d %s", r.Status, r.Body)
		}
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != allowed {
			t.Errorf("Access-Control-Allow-Origin %q, want %q", got, allowed)
		}
		if m := r.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") || !strings.Contains(m, "PATCH") {
			t.Errorf("Access-Control-Allow-Methods %q", m)
		}
		h := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers"))
		for _, want := range []string{"authorization", "content-type", "if-match", "if-none-match", "idempotency-key", "last-event-id"} {
			if !strings.Contains(h, want) {
				t.Errorf("Access-Control-Allow-Headers %q lacks %s", h, want)
			}
		}
	})
	t.Run("PreflightOnTaskRoute", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodOptions, Path: "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", Header: map[string]string{
			"Origin": allowed, "Access-Control-Request-Method": "PATCH", "Access-Control-Request-Headers": "authorization, if-match, content-type",
		}})
		if r.Status >= 300 || r.Header.Get("Access-Control-Allow-Origin") != allowed {
			t.Errorf("preflight: %d ACAO %q", r.Status, r.Header.Get("Access-Control-Allow-Origin"))
		}
	})
	t.Run("ActualRequestExposesHeaders", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "x"}, Header: map[string]string{"Origin": allowed}})
		wantStatus(t, r, http.StatusCreated)
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != allowed {
			t.Errorf("Access-Control-Allow-Origin %q", got)
		}
		exp := strings.ToLower(r.Header.Get("Access-Control-Expose-Headers"))
		for _, want := range []string{"etag", "location", "link"} {
			if !strings.Contains(exp, want) {
				t.Errorf("Access-Control-Expose-Headers %q lacks %s", exp, want)
			}
		}
	})
	t.Run("ErrorsCarryCORSHeadersToo", func(t *testing.T) {
		// A browser can only read a 401 it is allowed to see.
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Header: map[string]string{"Origin": allowed}})
		wantStatus(t, r, http.StatusUnauthorized)
		if r.Header.Get("Access-Control-Allow-Origin") != allowed {
			t.Errorf("401 without Access-Control-Allow-Origin")
		}
	})
	for name, origin := range map[string]string{
		"OtherOrigin":        "http://evil.example",
		"OtherPort":          "http://localhost:3001",
		"OtherScheme":        "https://localhost:3000",
		"PrefixOfAllowed":    "http://localhost:30000",
		"NullOrigin":         "null",
		"AllowedAsSubdomain": "http://localhost:3000.evil.example",
	} {
		t.Run(name+"IsNotAllowed", func(t *testing.T) {
			r := preflight(t, origin, "POST", "authorization")
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("preflight from %s: Access-Control-Allow-Origin %q", origin, got)
			}
			r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokA, Header: map[string]string{"Origin": origin}})
			wantStatus(t, r, http.StatusOK)
			if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("GET from %s: Access-Control-Allow-Origin %q", origin, got)
			}
		})
	}
}

func TestCORSOffWhenNotConfigured(t *testing.T) {
	t.Parallel()
	f := setup(t)
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokA, Header: map[string]string{"Origin": "http://localhost:3000"}})
	wantStatus(t, r, http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS header without CORS_ALLOWED_ORIGINS")
	}
}
