package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/store"
)

// TestUnavailableProblemNamesTheDependency: a 503 says which dependency is down, so an
// operator reading a client's report looks at the right one.
func TestUnavailableProblemNamesTheDependency(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("list: %w", store.ErrUnavailable), "database"},
		{fmt.Errorf("verify: %w", auth.ErrKeysUnavailable), "keys that sign access tokens"},
	} {
		p := toProblem(tc.err)
		if p.status != http.StatusServiceUnavailable || p.headers["Retry-After"] == "" || !strings.Contains(p.detail, tc.want) {
			t.Errorf("%v: %d %q %v, want 503 with Retry-After, detail naming %q", tc.err, p.status, p.detail, p.headers, tc.want)
		}
	}
}

// TestHeaderBlockLimit: a header block of exactly MaxHeaderBytes is served; one byte more is a
// 431 problem, on any route (here /healthz, which needs no token, and an /api route, before
// authentication).
func TestHeaderBlockLimit(t *testing.T) {
	s, tok := serverWithStore(t, benchStore{task: benchTask()})
	for _, tc := range []struct {
		path string
		auth bool
		ok   int
	}{
		{"/healthz", false, http.StatusOK},
		{"/api/tasks/" + benchTask().ID.String(), true, http.StatusOK},
	} {
		for _, extra := range []int{0, 1, 4 << 10} {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			if tc.auth {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			// Pad to MaxHeaderBytes+extra as the limit counts: request line, Host, fields.
			n := len(req.Method) + len(req.RequestURI) + len(req.Proto) + 4 + len("Host") + len(req.Host) + 4
			for k, vs := range req.Header {
				for _, v := range vs {
					n += len(k) + len(v) + 4
				}
			}
			req.Header.Set("X-Pad", strings.Repeat("p", MaxHeaderBytes+extra-n-len("X-Pad")-4))
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			want := tc.ok
			if extra > 0 {
				want = http.StatusRequestHeaderFieldsTooLarge
			}
			if w.Code != want {
				t.Errorf("%s with a %d-byte header block: %d %s, want %d", tc.path, MaxHeaderBytes+extra, w.Code, w.Body, want)
				continue
			}
			if want == http.StatusRequestHeaderFieldsTooLarge &&
				(w.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(w.Body.String(), `"status":431`)) {
				t.Errorf("%s: 431 is not problem+json: %q %s", tc.path, w.Header().Get("Content-Type"), w.Body)
			}
		}
	}
}

// TestBindingErrorIsABadRequestProblem: should the generated parameter binding ever refuse
// what the validator let through, the answer is still the service's bad-request problem,
// and the binding's message, which quotes the raw value, stays out of it.
func TestBindingErrorIsABadRequestProblem(t *testing.T) {
	raw := "2016-12-31T23:59:60Z"
	p := toProblem(echo.NewHTTPError(http.StatusBadRequest, "Invalid format for parameter updated_after: error parsing '"+raw+"'"))
	if p.status != http.StatusBadRequest || p.typ != typeBadRequest || strings.Contains(p.detail, raw) {
		t.Errorf("%d %s %q, want a 400 %s problem that does not quote the value", p.status, p.typ, p.detail, typeBadRequest)
	}
}
