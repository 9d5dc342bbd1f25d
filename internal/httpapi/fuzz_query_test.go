package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
)

// fuzzLister is the user whose listings FuzzListQuery and FuzzCursor read, with a token.
type fuzzLister struct {
	env   *fuzzEnv
	token string
}

// newLister gives a user three tasks, so that listings have pages. The listing targets only
// read, so the user and its tasks serve every input.
func newLister(f *testing.F, env *fuzzEnv) *fuzzLister {
	f.Helper()
	l := &fuzzLister{env: env, token: env.longToken(f, "fuzzListerIdOf32CharsLikeBetterA")}
	for range 3 {
		env.createTask(f, l.token, fuzzTaskJSON)
	}
	return l
}

// list serves GET /api/tasks?rawQuery as the lister and checks what every listing answer
// must keep: 200 or 400; a 400 names the parameters it refuses (the generated binding,
// which names none, never has to refuse what the validator let through); a 200 answers
// no query that breaks the listing rules, continues only a listing the service issued the
// cursor for, and filters by tags as the contract normalises them.
func (l *fuzzLister) list(t *testing.T, rawQuery string) {
	t.Helper()
	w := l.get(t, rawQuery)
	switch w.Code {
	case http.StatusOK:
	case http.StatusBadRequest:
		var p api.Problem
		if json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Errors == nil || len(*p.Errors) == 0 {
			t.Fatalf("GET /api/tasks?%s: a 400 that names no parameter: %s", rawQuery, w.Body)
		}
		return
	default:
		t.Fatalf("GET /api/tasks?%s: %d, want 200 or 400: %s", rawQuery, w.Code, w.Body)
	}
	q, _ := url.ParseQuery(rawQuery) // as the service reads it: pairs it cannot parse are dropped
	if broken := listingRuleBroken(q); broken != "" {
		t.Fatalf("GET /api/tasks?%s: 200, but %s: %s", rawQuery, broken, w.Body)
	}
	if cursors := q["cursor"]; len(cursors) == 1 && cursors[0] != "" {
		switch order, ok := l.env.issuedOrder(cursors[0]); {
		case !ok:
			t.Fatalf("GET /api/tasks?%s: 200 with a cursor the service never issued: %s", rawQuery, w.Body)
		case order != listOrder(q):
			t.Fatalf("GET /api/tasks?%s: 200 with a cursor issued for order %s, used with %s", rawQuery, order, listOrder(q))
		}
	}
	if tags, ok := q["tag"]; ok {
		normal := make([]string, len(tags))
		for i, tag := range tags {
			normal[i] = normalTag(tag)
		}
		if !slices.Equal(normal, tags) {
			q["tag"] = normal
			same := l.get(t, q.Encode())
			if same.Code != http.StatusOK || !slices.Equal(taskIDs(t, same), taskIDs(t, w)) {
				t.Fatalf("GET /api/tasks?%s answers %s,\nbut with the tags normalised, ?%s answers %d %s", rawQuery, w.Body, q.Encode(), same.Code, same.Body)
			}
		}
	}
}

// get serves GET /api/tasks?rawQuery as the lister.
func (l *fuzzLister) get(t testing.TB, rawQuery string) *httptest.ResponseRecorder {
	t.Helper()
	r := fuzzRequest(http.MethodGet, "/api/tasks", rawQuery, nil)
	r.Header.Set("Authorization", "Bearer "+l.token)
	return l.env.serve(t, r)
}

func taskIDs(t *testing.T, w *httptest.ResponseRecorder) []uuid.UUID {
	t.Helper()
	var tasks []api.Task
	if err := json.Unmarshal(w.Body.Bytes(), &tasks); err != nil {
		t.Fatalf("a page that is not a list of tasks: %v: %s", err, w.Body)
	}
	ids := make([]uuid.UUID, len(tasks))
	for i, task := range tasks {
		ids[i] = task.Id
	}
	return ids
}

// listingSingles are the listing's parameters that take one value (tag takes several;
// unknown parameters are ignored).
var listingSingles = []string{"status", "sort", "order", "q", "priority", "due_before", "due_after", "overdue", "tz", "limit", "cursor"}

// listingEnums are the values the contract allows for the listing's enumerated parameters.
var listingEnums = map[string][]string{
	"status":   {"all", "pending", "completed"},
	"sort":     {"created", "updated", "title", "due_date", "priority", "position"},
	"order":    {"asc", "desc"},
	"priority": {"low", "medium", "high"},
}

// listingRuleBroken returns the rule of the contract a listing query breaks, of those a
// test can decide simply, or "" if it breaks none of them: these are the values that must
// never reach the store.
func listingRuleBroken(q url.Values) string {
	for _, name := range listingSingles {
		if n := len(q[name]); n > 1 {
			return fmt.Sprintf("%s is given %d times", name, n)
		}
	}
	if vs, ok := q["limit"]; ok {
		if n, err := strconv.Atoi(vs[0]); err == nil && (n < 1 || n > 200) {
			return fmt.Sprintf("limit %d is not 1..200", n)
		}
	}
	for name, allowed := range listingEnums {
		if vs, ok := q[name]; ok && !slices.Contains(allowed, vs[0]) {
			return fmt.Sprintf("%s %q is none of %q", name, vs[0], allowed)
		}
	}
	if vs, ok := q["q"]; ok {
		if s := vs[0]; !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) < 1 || utf8.RuneCountInString(s) > 200 {
			return fmt.Sprintf("q %q is not 1..200 characters of text", s)
		}
	}
	if tags := q["tag"]; len(tags) > 10 {
		return fmt.Sprintf("%d tags, more than 10", len(tags))
	}
	for _, tag := range q["tag"] {
		if n := utf8.RuneCountInString(normalTag(tag)); !utf8.ValidString(tag) || strings.ContainsRune(tag, 0) || n < 1 || n > 32 {
			return fmt.Sprintf("tag %q is not 1..32 characters of text once normalised", tag)
		}
	}
	for _, name := range []string{"due_before", "due_after"} {
		if vs, ok := q[name]; ok {
			if _, err := time.Parse(time.DateOnly, vs[0]); err != nil {
				return fmt.Sprintf("%s %q is not a date", name, vs[0])
			}
		}
	}
	return ""
}

// FuzzListQuery sends arbitrary raw query strings to GET /api/tasks: filters, sort, order,
// limit and cursor as any client could write them. Besides what every response keeps
// (fuzzEnv.serve), the answer is one a listing may give (fuzzLister.list).
func FuzzListQuery(f *testing.F) {
	l := newLister(f, newFuzzEnv(f))
	f.Add("")
	f.Add("status=pending&sort=title&order=asc&q=milk&priority=high&tag=Admin&tag=money&due_before=2026-12-31&due_after=2026-01-01&limit=1")
	f.Add("q=milk&q=eggs&limit=1&limit=2")
	f.Add("due_before=2030-01-01&due_before=2030-01-02&overdue=true&tz=UTC&tz=UTC")
	f.Fuzz(func(t *testing.T, raw string) {
		if !requestTargetOK(raw) {
			return
		}
		l.list(t, raw)
	})
}

// FuzzCursor mutates the filters that go with cursors, real ones included, in GET
// /api/tasks?…&cursor=…: the answer is 200 (a cursor this listing issued) or 400 (see
// fuzzLister.list). A cursor is signed with the key of the process's own database, so the
// seeds name this process's real cursors by placeholder, {C0}, {C1} and {C2}: the next
// page's cursor of the listings cursorListings.
func FuzzCursor(f *testing.F) {
	env := newFuzzEnv(f)
	l := newLister(f, env)
	var placeholders []string
	for i, q := range cursorListings {
		query, err := nextPage(l.get(f, q).Header().Get("Link"))
		if err != nil {
			f.Fatalf("GET /api/tasks?%s: %v", q, err)
		}
		name := fmt.Sprintf("{C%d}", i)
		placeholders = append(placeholders, name, query.Get("cursor"))
		query.Del("cursor")
		f.Add(query.Encode(), name)
		f.Add("", name) // the right cursor with other filters
	}
	issued := strings.NewReplacer(placeholders...)
	f.Add("", "")
	f.Fuzz(func(t *testing.T, filters, cursor string) {
		if !requestTargetOK(filters) {
			return
		}
		q := filters
		if q != "" {
			q += "&"
		}
		l.list(t, q+"cursor="+url.QueryEscape(issued.Replace(cursor)))
	})
}

// cursorListings are the listings whose next-page cursors FuzzCursor's seeds start from.
var cursorListings = []string{"limit=1", "limit=2&sort=title&order=asc", "limit=1&tag=admin&status=pending"}
