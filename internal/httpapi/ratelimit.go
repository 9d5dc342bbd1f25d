package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/todo-api/todo-api/internal/auth"
)

// userLimiter is a token bucket per user: perSecond sustained, bursts of twice that. Idle
// buckets are dropped so memory stays bounded by the number of recently active users.
type userLimiter struct {
	perSecond rate.Limit
	burst     int
	idle      time.Duration
	now       func() time.Time // what fills the buckets

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newUserLimiter(perSecond float64, now func() time.Time) *userLimiter {
	burst := int(2 * perSecond)
	if burst < 1 {
		burst = 1
	}
	return &userLimiter{perSecond: rate.Limit(perSecond), burst: burst, idle: 5 * time.Minute, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for user; when none is left it returns how long until one is.
// remaining is the whole tokens left after this request.
func (l *userLimiter) allow(user string, now time.Time) (ok bool, wait time.Duration, remaining int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > l.idle {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > l.idle {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b := l.buckets[user]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.perSecond, l.burst)}
		l.buckets[user] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d, 0
	}
	return true, 0, int(b.lim.TokensAt(now))
}

// headers describe the limit (IETF draft-ietf-httpapi-ratelimit-headers): the policy as a
// quota of burst requests per window (the time an empty bucket takes to fill), and what is
// left of it with the seconds until the bucket is full again.
func (l *userLimiter) headers(h http.Header, remaining int) {
	window := float64(l.burst) / float64(l.perSecond)
	h.Set("RateLimit-Policy", fmt.Sprintf(`"per-user";q=%d;w=%s`, l.burst, retryAfter(window)))
	refill := float64(l.burst-remaining) / float64(l.perSecond)
	h.Set("RateLimit", fmt.Sprintf(`"per-user";r=%d;t=%s`, remaining, retryAfterOrZero(refill)))
}

// retryAfterOrZero is retryAfter but 0 when nothing needs to refill.
func retryAfterOrZero(seconds float64) string {
	if seconds <= 0 {
		return "0"
	}
	return retryAfter(seconds)
}

// middleware answers 429 with Retry-After once the caller's bucket is empty. It runs after
// authentication, so the bucket is the verified user's.
func (l *userLimiter) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		user, ok := auth.UserID(c.Request().Context())
		if !ok {
			return next(c)
		}
		ok, wait, remaining := l.allow(user, l.now())
		l.headers(c.Response().Header(), remaining)
		if !ok {
			refusedUnread(c)
			return &problemError{
				status: http.StatusTooManyRequests, typ: typeRateLimited, title: "Too many requests",
				detail:  "This user's request rate limit is exhausted; retry after the time in Retry-After.",
				headers: map[string]string{"Retry-After": retryAfter(wait.Seconds())},
			}
		}
		return next(c)
	}
}

// retryAfter formats a wait for the Retry-After header: whole seconds, at least 1.
func retryAfter(seconds float64) string {
	n := int(seconds)
	if float64(n) < seconds {
		n++
	}
	if n < 1 {
		n = 1
	}
	return strconv.Itoa(n)
}
