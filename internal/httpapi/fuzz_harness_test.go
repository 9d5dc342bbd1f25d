package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/http/httpguts"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
)

// The fuzz targets (fuzz_*_test.go) drive the service that apitest.New builds for every HTTP
// test — httpapi.New over the real store on a PostgreSQL database of its own (dbtest),
// tokens verified against a test issuer's JWKS (authtest) — in process: each request goes
// to the server's handler as net/http's server would hand it over, without a socket. Each
// process of `go test -fuzz` (the coordinator and every worker) has its own database. An
// input that writes acts for users made for it alone (fuzzEnv.freshUser), so no input
// depends on another, nothing piles up towards a quota, and a failing input fails again
// when run alone.
//
// Whatever the input, every response keeps these properties (fuzzEnv.serve):
//   - no panic, no 5xx, and no warning or error in the service's log;
//   - a status, headers and body the contract declares for the operation
//     (apitest.CheckResponse);
//   - an error is problem+json with the response's status;
//   - a 422 names the fields it refuses: a value the HTTP layer let through unchecked, which
//     PostgreSQL then refused, is a 422 that names none;
//   - every task it carries keeps the task rules (taskRules): what the store kept.
//
// `go test` runs the seed corpora (testdata/fuzz/<FuzzName>/ and the f.Add calls);
// `make fuzz` fuzzes each target for FUZZTIME, `make test-fuzz` for 8000 executions each.

// fuzzEnv is the service under fuzz in this process.
type fuzzEnv struct {
	*apitest.Env
	handler http.Handler
	log     *syncBuffer // what the service logged at warning level and above
	users   atomic.Int64

	mu     sync.Mutex
	issued map[string]string // cursors the service issued in Link headers → their listing's order
}

// maxIssued bounds the cursors a long fuzz run remembers; past it, new ones are not kept.
// The ones that matter are issued first: those of a target's setup, which its seeds name.
const maxIssued = 100_000

func newFuzzEnv(f *testing.F) *fuzzEnv {
	f.Helper()
	log := &syncBuffer{}
	env := apitest.New(f, apitest.Options{
		Logger: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	return &fuzzEnv{Env: env, handler: env.Server.Config.Handler, log: log, issued: map[string]string{}}
}

// longToken returns a token for sub that outlives any fuzz run (the default is 15 minutes).
func (e *fuzzEnv) longToken(t testing.TB, sub string) string {
	t.Helper()
	return e.Token(t, sub, authtest.WithExpiry(time.Now().Add(7*24*time.Hour)))
}

// freshUser returns a user id that no input before has acted for in this process, shaped
// like Better Auth's, and a token for it.
func (e *fuzzEnv) freshUser(t testing.TB) (sub, token string) {
	t.Helper()
	sub = fmt.Sprintf("fuzzUser%024d", e.users.Add(1))
	return sub, e.Token(t, sub)
}

// fuzzRequest builds a request as net/http's server would hand it to the handler.
func fuzzRequest(method, path, rawQuery string, body []byte) *http.Request {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if rawQuery != "" {
		r.URL.RawQuery = rawQuery
		r.RequestURI = path + "?" + rawQuery
	}
	return r
}

// headerValue reports whether v can arrive as a header value (net/http's server refuses
// the others) and returns it as the server would pass it on, without surrounding blanks.
func headerValue(v string) (string, bool) {
	if !httpguts.ValidHeaderFieldValue(v) {
		return "", false
	}
	return strings.Trim(v, " \t"), true
}

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

// serve runs r through the service and checks the properties every response must keep
// (see the top of this file). It remembers the cursors the service issues.
func (e *fuzzEnv) serve(t testing.TB, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	var reqBody []byte
	if r.Body != nil {
		reqBody, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	res := w.Result()
	what := fmt.Sprintf("%s %s", r.Method, r.URL)
	if logged := e.log.take(); logged != "" {
		t.Fatalf("%s: %d, and the service logged:\n%s\nresponse: %s", what, w.Code, logged, w.Body)
	}
	if w.Code >= 500 {
		t.Fatalf("%s: %d %s", what, w.Code, w.Body)
	}
	if err := apitest.CheckResponse(r, reqBody, w.Code, res.Header, w.Body.Bytes()); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if w.Code >= 400 {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Fatalf("%s: %d with Content-Type %q, want problem+json: %s", what, w.Code, ct, w.Body)
		}
		var p api.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code || p.Type == "" || p.Title == "" {
			t.Fatalf("%s: %d with a malformed problem (%v): %s", what, w.Code, err, w.Body)
		}
		if w.Code == http.StatusUnprocessableEntity && (p.Errors == nil || len(*p.Errors) == 0) {
			t.Fatalf("%s: a 422 that names no field (a value the database refused?): %s", what, w.Body)
		}
	}
	if w.Code < 300 && w.Body.Len() > 0 {
		checkTasks(t, what, w.Body.Bytes())
	}
	if w.Code == http.StatusOK && r.URL.Path == "/api/tasks" {
		e.remember(t, res.Header.Get("Link"))
	}
	return w
}

// checkTasks checks every task in body, one task or a list of them.
func checkTasks(t testing.TB, what string, body []byte) {
	t.Helper()
	var tasks []api.Task
	if bytes.HasPrefix(body, []byte("[")) {
		if err := json.Unmarshal(body, &tasks); err != nil {
			t.Fatalf("%s: a list that is not of tasks: %v: %s", what, err, body)
		}
	} else {
		var task api.Task
		if err := json.Unmarshal(body, &task); err != nil {
			t.Fatalf("%s: 2xx with a body that is not a task: %v: %s", what, err, body)
		}
		tasks = append(tasks, task)
	}
	for _, task := range tasks {
		if err := taskRules(task); err != nil {
			t.Fatalf("%s: a task that breaks the rules (%v): %s", what, err, body)
		}
	}
}

// taskRules checks a task the service answered with against the rules the HTTP layer
// promises to enforce before anything reaches the store, beyond what the contract's schema
// says: title and tags trimmed of white space and invisible characters, tags lower-case and
// unique, no NUL, a repeat or a due time only with a due date, completed_at exactly when
// completed.
func taskRules(task api.Task) error {
	if task.Title == "" || trimText(task.Title) != task.Title || strings.ContainsRune(task.Title, 0) {
		return fmt.Errorf("title %q", task.Title)
	}
	if d, err := task.Description.Get(); err == nil && strings.ContainsRune(d, 0) {
		return fmt.Errorf("description %q", d)
	}
	seen := map[string]bool{}
	for _, tag := range task.Tags {
		if tag == "" || normalTag(tag) != tag || strings.ContainsRune(tag, 0) || seen[tag] {
			return fmt.Errorf("tags %q", task.Tags)
		}
		seen[tag] = true
	}
	noDate := !task.DueDate.IsSpecified() || task.DueDate.IsNull()
	if noDate && (task.Repeat != api.RepeatNone || task.DueTime.IsSpecified() && !task.DueTime.IsNull()) {
		return fmt.Errorf("repeat %q or a due time without a due date", task.Repeat)
	}
	if completedAt := task.CompletedAt.IsSpecified() && !task.CompletedAt.IsNull(); task.Completed != completedAt {
		return fmt.Errorf("completed %v, completed_at %v", task.Completed, completedAt)
	}
	return nil
}

// trimText trims what the contract says titles and tags are trimmed of: white space (every
// \p{Zs} among it), zero-width spaces, word joiners and byte order marks.
func trimText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || r == '\u200b' || r == '\u2060' || r == '\ufeff'
	})
}

// normalTag is a tag as the contract says the service keeps it: trimmed, lower-case.
func normalTag(s string) string { return strings.ToLower(trimText(s)) }

// remember records the cursor of a listing's Link header as issued, with the order of the
// listing it continues (the link carries the listing's sort and order).
func (e *fuzzEnv) remember(t testing.TB, link string) {
	t.Helper()
	if link == "" {
		return
	}
	q, err := nextPage(link)
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.issued) < maxIssued {
		e.issued[q.Get("cursor")] = listOrder(q)
	}
}

// nextPage returns the query of the next-page URL in a listing's Link header.
func nextPage(link string) (url.Values, error) {
	target, ok := strings.CutPrefix(strings.SplitN(link, ">", 2)[0], "<")
	u, err := url.Parse(target)
	if !ok || err != nil || u.Query().Get("cursor") == "" {
		return nil, fmt.Errorf("link %q has no next-page URL with a cursor", link)
	}
	return u.Query(), nil
}

// issuedOrder returns the order of the listing cursor was issued for, if the service issued
// it in this process.
func (e *fuzzEnv) issuedOrder(cursor string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	order, ok := e.issued[cursor]
	return order, ok
}

// listOrder is the sort and direction of the listing a query asks for, with the contract's
// defaults: created, desc for created, updated and priority, asc for the others.
func listOrder(q url.Values) string {
	sort := q.Get("sort")
	if sort == "" {
		sort = "created"
	}
	order := q.Get("order")
	if order == "" {
		order = "asc"
		if sort == "created" || sort == "updated" || sort == "priority" {
			order = "desc"
		}
	}
	return sort + " " + order
}

// mustStatus serves r for a fuzz target's setup, failing unless the status is want.
func (e *fuzzEnv) mustStatus(t testing.TB, r *http.Request, want int) *httptest.ResponseRecorder {
	t.Helper()
	w := e.serve(t, r)
	if w.Code != want {
		t.Fatalf("%s %s: %d, want %d: %s", r.Method, r.URL, w.Code, want, w.Body)
	}
	return w
}

// createTask creates a task for token's user from a JSON body, failing unless 201.
func (e *fuzzEnv) createTask(t testing.TB, token, body string) api.Task {
	t.Helper()
	r := fuzzRequest(http.MethodPost, "/api/tasks", "", []byte(body))
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", "application/json")
	var task api.Task
	if err := json.Unmarshal(e.mustStatus(t, r, http.StatusCreated).Body.Bytes(), &task); err != nil {
		t.Fatal(err)
	}
	return task
}

// take returns what was written since the last take (syncBuffer: metrics_test.go).
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}
