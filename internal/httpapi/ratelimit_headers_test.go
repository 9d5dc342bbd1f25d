package httpapi_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestRateLimitHeaders: with the limit on, every authenticated response tells the caller
// its quota and what is left of it; with it off, no such headers are sent.
func TestRateLimitHeaders(t *testing.T) {
	t.Parallel()
	policy := regexp.MustCompile(`^"per-user";q=4;w=2$`)
	left := regexp.MustCompile(`^"per-user";r=(\d+);t=(\d+)$`)

	e := apitest.New(t, apitest.Options{RateLimitPerUser: 2})
	tok := e.Token(t, "limited-user")
	var remaining []string
	for i := 0; i < 5; i++ {
		r := e.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tok})
		if got := r.Header.Get("RateLimit-Policy"); !policy.MatchString(got) {
			t.Fatalf("request %d: RateLimit-Policy %q", i, got)
		}
		m := left.FindStringSubmatch(r.Header.Get("RateLimit"))
		if m == nil {
			t.Fatalf("request %d: RateLimit %q", i, r.Header.Get("RateLimit"))
		}
		remaining = append(remaining, m[1])
		if i == 4 && r.Status != http.StatusTooManyRequests {
			t.Fatalf("request 5 of a burst of 4: status %d", r.Status)
		}
	}
	if remaining[0] != "3" || remaining[3] != "0" || remaining[4] != "0" {
		t.Errorf("remaining over the burst = %v, want 3 … 0, 0", remaining)
	}

	off := apitest.New(t)
	r := off.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: off.Token(t, "u")})
	if r.Header.Get("RateLimit") != "" || r.Header.Get("RateLimit-Policy") != "" {
		t.Errorf("limit off, but headers sent: %v", r.Header)
	}
}
