package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/gen/api"
)

// requestTargetOK reports whether raw can be the query of a request target net/http's
// server accepts: no control characters, no blanks, no fragment.
func requestTargetOK(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f || c == '#' {
			return false
		}
	}
	return true
}

// FuzzListQuery sends arbitrary raw query strings to GET /api/tasks: filters, sort, order,
// limit and cursor as any client could write them. Nothing reaches the store that breaks
// the listing rules (limit 1..200, a known sort, q of 1..200 characters, at most 10
// normalised tags, a known priority, a cursor position the store issued), and every
// refusal is a 4xx problem; a 400 names the parameters it refuses (the generated binding,
// which names none, never has to refuse what the validator let through).
func FuzzListQuery(f *testing.F) {
	env := newFuzzEnv(f)
	f.Add("")
	f.Add("status=pending&sort=title&order=asc&q=milk&priority=high&tag=Admin&tag=money&due_before=2026-12-31&due_after=2026-01-01&limit=1")
	f.Add("q=milk&q=eggs&limit=1&limit=2")
	f.Add("due_before=2030-01-01&due_before=2030-01-02&overdue=true&tz=UTC&tz=UTC")
	f.Fuzz(func(t *testing.T, raw string) {
		if !requestTargetOK(raw) {
			return
		}
		r := fuzzRequest(http.MethodGet, "/api/tasks", raw, nil)
		r.Header.Set("Authorization", "Bearer "+env.token)
		w := env.serve(t, r)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("GET /api/tasks?%s: %d, want 200 or 400: %s", raw, w.Code, w.Body)
		}
		var p api.Problem
		if w.Code == http.StatusBadRequest && (json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Errors == nil || len(*p.Errors) == 0) {
			t.Fatalf("GET /api/tasks?%s: a 400 that names no parameter: %s", raw, w.Body)
		}
	})
}

// FuzzCursor mutates cursors, real ones included, in GET /api/tasks?cursor=…: the answer
// is 200 (a cursor this listing issued) or 400, and the only positions that reach the
// store are ones it issued to this user.
func FuzzCursor(f *testing.F) {
	env := newFuzzEnv(f)
	// Real cursors of this listing, as its next-page links carry them.
	for _, q := range []string{"limit=1", "limit=2&sort=title&order=asc", "limit=1&tag=admin&status=pending"} {
		r := fuzzRequest(http.MethodGet, "/api/tasks", q, nil)
		r.Header.Set("Authorization", "Bearer "+env.token)
		w := httptestServe(f, env, r)
		link := w.Header().Get("Link")
		u, err := url.Parse(strings.TrimPrefix(strings.SplitN(link, ">", 2)[0], "<"))
		if err != nil || u.Query().Get("cursor") == "" {
			f.Fatalf("GET /api/tasks?%s: no next link: %q", q, link)
		}
		query := u.Query()
		cur := query.Get("cursor")
		query.Del("cursor")
		f.Add(query.Encode(), cur)
		f.Add("", cur) // the right cursor with other filters
	}
	f.Add("", "")
	f.Fuzz(func(t *testing.T, filters, cursor string) {
		if !requestTargetOK(filters) {
			return
		}
		q := filters
		if q != "" {
			q += "&"
		}
		q += "cursor=" + url.QueryEscape(cursor)
		r := fuzzRequest(http.MethodGet, "/api/tasks", q, nil)
		r.Header.Set("Authorization", "Bearer "+env.token)
		w := env.serve(t, r)
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("GET /api/tasks?%s: %d, want 200 or 400: %s", q, w.Code, w.Body)
		}
	})
}
