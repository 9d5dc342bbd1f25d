package httpapi_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestRateLimitCountsRefusedRequests (issue 12, item 4): the per-user limit runs after
// authentication and before validation, so requests the validator refuses carry the
// RateLimit headers and spend the caller's quota like any other — a burst of invalid
// requests ends in 429, also for the next invalid one, which is then never validated.
func TestRateLimitCountsRefusedRequests(t *testing.T) {
	t.Parallel()
	// One request per second, bursts of 2.
	f := setup(t, apitest.Options{RateLimitPerUser: 1})
	policy := regexp.MustCompile(`^"per-user";q=2;w=2$`)
	left := regexp.MustCompile(`^"per-user";r=(\d+);t=\d+$`)
	for _, tc := range []struct {
		name string
		req  apitest.Req
		want int
	}{
		{"InvalidBodyIs422", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "", "nope": 1}}, http.StatusUnprocessableEntity},
		{"MalformedBodyIs400", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: `{"title":`}, http.StatusBadRequest},
		{"BadParameterIs400", apitest.Req{Method: http.MethodGet, Path: "/api/tasks?limit=0"}, http.StatusBadRequest},
		{"BadPathParameterIs400", apitest.Req{Method: http.MethodGet, Path: "/api/tasks/not-a-uuid"}, http.StatusBadRequest},
		{"WrongMediaTypeIs415", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: "title=x", ContentType: "text/plain"}, http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Token = f.Token(t, userFor(t, "a"))
			for i, want := range []struct {
				status    int
				remaining string
			}{{tc.want, "1"}, {tc.want, "0"}, {http.StatusTooManyRequests, "0"}} {
				r := f.Do(t, tc.req)
				p := wantProblem(t, r, want.status)
				if want.status == http.StatusTooManyRequests && p.Errors != nil {
					t.Errorf("request %d: 429 names fields, so the request was validated: %s", i+1, r.Body)
				}
				if got := r.Header.Get("RateLimit-Policy"); !policy.MatchString(got) {
					t.Errorf("request %d (%d): RateLimit-Policy %q", i+1, r.Status, got)
				}
				if m := left.FindStringSubmatch(r.Header.Get("RateLimit")); m == nil || m[1] != want.remaining {
					t.Errorf("request %d (%d): RateLimit %q, want r=%s", i+1, r.Status, r.Header.Get("RateLimit"), want.remaining)
				}
			}
			// The quota is the user's, whatever the request: a valid one is limited too.
			valid := apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tc.req.Token}
			r := f.Do(t, valid)
			wantProblem(t, r, http.StatusTooManyRequests)
			if r.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		})
	}
}
