package httpapi_test

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestRateLimitCountsRefusedRequests (issue 12, item 4): the per-user limit runs after
// authentication and before validation, so requests the validator refuses carry the
// RateLimit headers and spend the caller's quota like any other — a burst of invalid
// requests ends in 429, also for the next invalid one, which is then never validated.
func TestRateLimitCountsRefusedRequests(t *testing.T) {
	t.Parallel()
	// One request per second, bursts of 2.
	f := setup(t, apitest.Options{RateLimitPerUser: 1, Now: stoppedClock()})
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

// TestRateLimitHeaders: with the limit on, every authenticated response tells the caller
// its quota and what is left of it; with it off, no such headers are sent.
func TestRateLimitHeaders(t *testing.T) {
	t.Parallel()
	policy := regexp.MustCompile(`^"per-user";q=4;w=2$`)
	left := regexp.MustCompile(`^"per-user";r=(\d+);t=(\d+)$`)

	e := apitest.New(t, apitest.Options{RateLimitPerUser: 2, Now: stoppedClock()})
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

// RATE_LIMIT_PER_USER=1 allows bursts of 2 per user; the third request in a burst is 429.
func TestRateLimitPerUser(t *testing.T) {
	t.Parallel()
	f := setup(t, apitest.Options{RateLimitPerUser: 1, Now: stoppedClock()})
	var statuses []int
	var limited *apitest.Response
	for range 4 {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokA})
		statuses = append(statuses, r.Status)
		if r.Status == http.StatusTooManyRequests && limited == nil {
			limited = r
		}
	}
	if !slices.Equal(statuses, []int{200, 200, 429, 429}) {
		t.Fatalf("statuses of a burst of 4: %v, want [200 200 429 429]", statuses)
	}
	wantProblem(t, limited, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q, want 1 or 2 seconds", limited.Header.Get("Retry-After"))
	}

	// exhaust empties tok's bucket (on the stopped clock it never refills), so that the
	// request right after it must be limited.
	exhaust := func(t *testing.T, tok string) {
		t.Helper()
		for range 5 {
			if f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: tok}).Status == http.StatusTooManyRequests {
				return
			}
		}
		t.Fatal("never limited")
	}
	t.Run("OtherUserUnaffected", func(t *testing.T) {
		exhaust(t, f.tokA)
		for range 2 {
			wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: f.tokB}), http.StatusOK)
		}
	})
	t.Run("AppliesToWrites", func(t *testing.T) {
		exhaust(t, f.tokA)
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "x"}})
		wantProblem(t, r, http.StatusTooManyRequests)
		var n int
		if err := f.Pool.QueryRow(t.Context(), "SELECT count(*) FROM tasks").Scan(&n); err != nil || n != 0 {
			t.Errorf("a rate-limited POST created %d tasks (%v)", n, err)
		}
	})
	t.Run("NewTokenSameUserStillLimited", func(t *testing.T) {
		exhaust(t, f.tokA)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.Token(t, userA)})
		wantProblem(t, r, http.StatusTooManyRequests)
	})
	t.Run("OperationalEndpointsUnaffected", func(t *testing.T) {
		for range 5 {
			wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/healthz"}), http.StatusOK)
		}
	})
	t.Run("UnauthenticatedIs401Not429", func(t *testing.T) {
		for range 5 {
			wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks"}), http.StatusUnauthorized)
		}
	})
}

// TestRateLimitRefillsWithTheClock: the buckets fill with the service's clock, not with the
// time the requests happen to take: an empty bucket stays empty until the clock moves, and
// one second gives one more request at RATE_LIMIT_PER_USER=1.
func TestRateLimitRefillsWithTheClock(t *testing.T) {
	t.Parallel()
	var now atomic.Pointer[time.Time]
	start := time.Now()
	now.Store(&start)
	f := setup(t, apitest.Options{RateLimitPerUser: 1, Now: func() time.Time { return *now.Load() }})
	status := func() int {
		return f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: f.tokA}).Status
	}
	var got []int
	for range 3 {
		got = append(got, status())
	}
	later := start.Add(time.Second)
	now.Store(&later)
	for range 2 {
		got = append(got, status())
	}
	if want := []int{200, 200, 429, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("statuses: %v, want %v (a burst of 2, then one more a second later)", got, want)
	}
}
