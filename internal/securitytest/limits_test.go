package securitytest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/apitest"
)

// The abuse limits (issue 6, item 5): body size, per-user rate, query parameter lengths and
// page sizes, Idempotency-Key length, against the real stack. Slow headers and the header
// block size belong to the real http.Server of cmd/todo-api: see serve_test.go.

// rawExchange writes head and then body (in pieces, from another goroutine, stopping at
// the first write error) on a new connection to env, and returns the response as soon as
// its status line and headers arrive, with how much of the body had been written by then.
func rawExchange(t *testing.T, env *apitest.Env, head string, body func(w func([]byte) error)) (*http.Response, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", env.Server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	start := time.Now()
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	go func() {
		body(func(p []byte) error {
			_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			_, err := conn.Write(p)
			return err
		})
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response within 10 s (the server is reading the whole body?): %v", err)
	}
	return res, time.Since(start)
}

func TestLimitsBodyOver64KiBIs413WithoutReadingIt(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	tok := env.Token(t, userID(t, "a"))
	const announced = 10 << 20 // 10 MiB announced…
	const sent = 100 << 10     // …100 KiB sent, then the client waits

	chunk := []byte(`{"title":"` + strings.Repeat("x", 1000))
	// 10 MiB announced; and 200 KiB, under the 256 KiB net/http drains from a request whose
	// handler left its body unread before it answers.
	for _, announced := range []int{announced, 200 << 10} {
		t.Run(fmt.Sprintf("ContentLength%dKiB", announced>>10), func(t *testing.T) {
			t.Parallel()
			head := fmt.Sprintf("POST /api/tasks HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", tok, announced)
			res, took := rawExchange(t, env, head, func(w func([]byte) error) {
				for n := 0; n < sent; n += len(chunk) {
					if w(chunk) != nil {
						return
					}
				}
				// Then nothing: the rest is never sent.
			})
			defer res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("Content-Type %q, want problem+json", ct)
			}
			t.Logf("413 after %s with at most %d of %d announced bytes sent", took.Round(time.Millisecond), sent, announced)
		})
	}
	t.Run("ChunkedWithoutLength", func(t *testing.T) {
		t.Parallel()
		head := fmt.Sprintf("POST /api/tasks HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", tok)
		res, took := rawExchange(t, env, head, func(w func([]byte) error) {
			for n := 0; n < sent; n += len(chunk) {
				if w([]byte(fmt.Sprintf("%x\r\n%s\r\n", len(chunk), chunk))) != nil {
					return
				}
			}
			// No last chunk: the body never ends.
		})
		defer res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("Content-Type %q, want problem+json", ct)
		}
		t.Logf("413 after %s for an unending chunked body", took.Round(time.Millisecond))
	})
	t.Run("JustUnderTheLimitIsRead", func(t *testing.T) {
		t.Parallel()
		// 64 KiB exactly, all of it: not a 413 (it is a 422: the title is too long).
		pad := MaxBody - len(`{"title":"`) - len(`"}`)
		r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: `{"title":"` + strings.Repeat("x", pad) + `"}`})
		if r.Status == http.StatusRequestEntityTooLarge || r.Status >= 500 {
			t.Fatalf("a 64 KiB body: %d %s", r.Status, r.Body)
		}
		r = env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: `{"title":"` + strings.Repeat("x", pad+1) + `"}`})
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("a body of 64 KiB + 1: %d %s", r.Status, r.Body)
		}
	})
}

// TestLimitsRefusedBeforeTheBodyAnswersPromptly: a request refused before anything reads
// its body — no such route, a wrong method, no valid token, no quota left — is answered at
// once also when its chunked body never ends (net/http would otherwise read up to 256 KiB of
// it first, and wait for them), and the connection closes.
func TestLimitsRefusedBeforeTheBodyAnswersPromptly(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.Options{RateLimitPerUser: 1}) // bursts of 2
	limited := env.Token(t, userID(t, "limited"))
	chunk := []byte(`{"title":"` + strings.Repeat("x", 1000))
	for _, tc := range []struct {
		name, method, path, auth string
		want                     int
	}{
		{"NoToken", http.MethodPost, "/api/tasks", "", http.StatusUnauthorized},
		{"InvalidToken", http.MethodPost, "/api/tasks", "Authorization: Bearer not-a-jwt\r\n", http.StatusUnauthorized},
		{"NoQuotaLeft", http.MethodPost, "/api/tasks", "Authorization: Bearer " + limited + "\r\n", http.StatusTooManyRequests},
		{"UnknownRoute", http.MethodPost, "/api/nope", "", http.StatusNotFound},
		{"WrongMethod", http.MethodPost, "/api/tags", "", http.StatusMethodNotAllowed},
		{"UnknownPath", http.MethodPost, "/nope", "", http.StatusNotFound},
		{"WrongMethodOnOperationalEndpoint", http.MethodPost, "/healthz", "", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == http.StatusTooManyRequests {
				// Spend the burst (the bucket refills at one request per second).
				spent := false
				for range 5 {
					if env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: limited}).Status == http.StatusTooManyRequests {
						spent = true
						break
					}
				}
				if !spent {
					t.Fatal("never limited")
				}
			}
			head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: test\r\n%sContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", tc.method, tc.path, tc.auth)
			res, took := rawExchange(t, env, head, func(w func([]byte) error) {
				for n := 0; n < 100<<10; n += len(chunk) {
					if w([]byte(fmt.Sprintf("%x\r\n%s\r\n", len(chunk), chunk))) != nil {
						return
					}
				}
				// No last chunk: the body never ends.
			})
			defer res.Body.Close()
			if res.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.want)
			}
			if !res.Close {
				t.Error("the connection stays open, with the rest of the body unread")
			}
			t.Logf("%d after %s for an unending chunked body", res.StatusCode, took.Round(time.Millisecond))
		})
	}
}

// MaxBody is the contract's body limit.
const MaxBody = 64 << 10

func TestLimitsRateLimitPerUserIs429WithRetryAfter(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.Options{RateLimitPerUser: 2}) // bursts of 4
	tokA, tokB := env.Token(t, userID(t, "a")), env.Token(t, userID(t, "b"))

	var limited *apitest.Response
	ok := 0
	for range 10 {
		r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tokA})
		switch r.Status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited = r
		default:
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	}
	if limited == nil {
		t.Fatalf("10 requests at once with a limit of 2/s (bursts of 4): none was refused")
	}
	if ok < 4 || ok > 6 {
		t.Errorf("%d of 10 requests passed, want the burst of 4 (or a token more)", ok)
	}
	p := limited.Problem(t)
	if p.Type != "urn:todo-api:problem:rate-limited" {
		t.Errorf("429 problem type %q", p.Type)
	}
	wait, err := strconv.Atoi(limited.Header.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 2 {
		t.Fatalf("Retry-After %q, want whole seconds (1 at 2 requests/s)", limited.Header.Get("Retry-After"))
	}

	// The bucket is per user: B is not slowed by A.
	if r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tokB}); r.Status != http.StatusOK {
		t.Errorf("B while A is limited: %d %s", r.Status, r.Body)
	}
	// Authentication comes first: a bad token is 401, not 429, and spends nobody's bucket.
	if r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: "not-a-jwt"}); r.Status != http.StatusUnauthorized {
		t.Errorf("a bad token while A is limited: %d %s", r.Status, r.Body)
	}
	// Retry-After is honest.
	time.Sleep(time.Duration(wait) * time.Second)
	if r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tokA}); r.Status != http.StatusOK {
		t.Errorf("A after waiting Retry-After: %d %s", r.Status, r.Body)
	}
}

func TestLimitsQueryParametersAndPageSizes(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	user := userID(t, "a")
	tok := env.Token(t, user)
	// 205 tasks, inserted directly: more than the largest page.
	asUser(t, env, user, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tasks (user_id, id, title, position) SELECT $1, gen_random_uuid(), 'task ' || g, 'a0' || lpad(g::text, 4, '0') FROM generate_series(1, 205) g`, user)
		return err
	})
	tags := func(n int) string {
		q := url.Values{}
		for i := range n {
			q.Add("tag", fmt.Sprintf("t%d", i))
		}
		return q.Encode()
	}
	cases := []struct {
		name  string
		query string
		want  int // status
		items int // page size when 200; -1 = not checked
	}{
		{name: "QOf200Chars", query: "q=" + strings.Repeat("q", 200), want: 200, items: -1},
		{name: "QOf201Chars", query: "q=" + strings.Repeat("q", 201), want: 400},
		{name: "QOf200MultiByteChars", query: "q=" + url.QueryEscape(strings.Repeat("é", 200)), want: 200, items: -1},
		{name: "QOf201MultiByteChars", query: "q=" + url.QueryEscape(strings.Repeat("é", 201)), want: 400},
		{name: "QEmpty", query: "q=", want: 400},
		{name: "Limit0", query: "limit=0", want: 400},
		{name: "LimitNegative", query: "limit=-1", want: 400},
		{name: "Limit201", query: "limit=201", want: 400},
		{name: "LimitHuge", query: "limit=99999999999999999999", want: 400},
		{name: "LimitNotANumber", query: "limit=ten", want: 400},
		{name: "Limit1", query: "limit=1", want: 200, items: 1},
		{name: "Limit200", query: "limit=200", want: 200, items: 200},
		{name: "LimitDefault", query: "", want: 200, items: 50},
		{name: "10Tags", query: tags(10), want: 200, items: -1},
		{name: "11Tags", query: tags(11), want: 400},
		{name: "TagOf32Chars", query: "tag=" + strings.Repeat("t", 32), want: 200, items: -1},
		{name: "TagOf33Chars", query: "tag=" + strings.Repeat("t", 33), want: 400},
		{name: "BlankTag", query: "tag=%20%20", want: 400},
		{name: "Cursor2KB", query: "cursor=" + strings.Repeat("c", 2048), want: 400},
		{name: "Cursor1025Chars", query: "cursor=" + strings.Repeat("c", 1025), want: 400},
		{name: "Cursor1024CharsGarbage", query: "cursor=" + strings.Repeat("c", 1024), want: 400},
		{name: "UnknownSort", query: "sort=id", want: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?" + tc.query, Token: tok})
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
			}
			if tc.want != http.StatusOK {
				r.Problem(t)
				return
			}
			var page []map[string]any
			r.JSON(t, &page)
			if tc.items >= 0 && len(page) != tc.items {
				t.Errorf("%d tasks in the page, want %d", len(page), tc.items)
			}
		})
	}
}

func TestLimitsIdempotencyKeyLength(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	tok := env.Token(t, userID(t, "a"))
	cases := []struct {
		name string
		key  string
		ok   bool
	}{
		{name: "255Chars", key: strings.Repeat("k", 255), ok: true},
		{name: "255MultiByteChars", key: strings.Repeat("é", 255), ok: true},
		{name: "256Chars", key: strings.Repeat("k", 256)},
		{name: "300Chars", key: strings.Repeat("k", 300)},
		{name: "8KiB", key: strings.Repeat("k", 8<<10)},
		{name: "InvalidUTF8", key: "k\xff\xfe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok,
				Body: map[string]any{"title": "idempotent " + tc.name}, Header: map[string]string{"Idempotency-Key": tc.key}})
			switch {
			case tc.ok && r.Status != http.StatusCreated:
				t.Fatalf("status %d, want 201: %s", r.Status, r.Body)
			case !tc.ok && r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity:
				t.Fatalf("status %d, want 400 or 422: %s", r.Status, r.Body)
			case !tc.ok:
				r.Problem(t)
			}
		})
	}
}
