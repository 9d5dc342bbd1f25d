package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// Users are shaped like Better Auth's: 32-character strings, not UUIDs.
const (
	userA = "aUserIdOf32CharsLikeBetterAuth01"
	userB = "bUserIdOf32CharsLikeBetterAuth02"
)

// fixture is one running service and a token for each of two users.
type fixture struct {
	*apitest.Env
	tokA, tokB string
}

// setup starts the service for t (its own database and issuer) with tokens for userA and userB.
func setup(t *testing.T, opts ...apitest.Options) *fixture {
	t.Helper()
	e := apitest.New(t, opts...)
	return &fixture{Env: e, tokA: e.Token(t, userA), tokB: e.Token(t, userB)}
}

// sub returns f for subtest t with two fresh users of its own in place of userA and userB,
// so that subtests share one service but never see each other's tasks.
func (f *fixture) sub(t *testing.T) *fixture {
	t.Helper()
	return &fixture{Env: f.Env, tokA: f.Token(t, userFor(t, "a")), tokB: f.Token(t, userFor(t, "b"))}
}

// userFor is a 32-character user id unique to t and role.
func userFor(t *testing.T, role string) string {
	sum := sha256.Sum256([]byte(t.Name() + "\x00" + role))
	return role + hex.EncodeToString(sum[:])[:31]
}

func taskPath(id uuid.UUID) string { return "/api/tasks/" + id.String() }

// create posts body as tok's user and returns the task and the response, failing unless 201.
func (f *fixture) create(t *testing.T, tok string, body any) (api.Task, *apitest.Response) {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: body})
	wantStatus(t, r, http.StatusCreated)
	return r.Task(t), r
}

// createA creates a task for userA.
func (f *fixture) createA(t *testing.T, body any) api.Task {
	t.Helper()
	task, _ := f.create(t, f.tokA, body)
	return task
}

// get returns tok's user's task id with its ETag, failing unless 200.
func (f *fixture) get(t *testing.T, tok string, id uuid.UUID) (api.Task, string) {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(id), Token: tok})
	wantStatus(t, r, http.StatusOK)
	return r.Task(t), r.Header.Get("ETag")
}

// list gets one page of /api/tasks?query as tok's user, failing unless 200.
func (f *fixture) list(t *testing.T, tok, query string) ([]api.Task, *apitest.Response) {
	t.Helper()
	path := "/api/tasks"
	if query != "" {
		path += "?" + query
	}
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
	wantStatus(t, r, http.StatusOK)
	var tasks []api.Task
	r.JSON(t, &tasks)
	return tasks, r
}

// wantStatus fails the test now unless r has status want.
func wantStatus(t *testing.T, r *apitest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; headers %v; body %s", r.Status, want, r.Header, r.Body)
	}
}

// wantProblem checks that r is an RFC 9457 problem with status want: problem+json, type,
// title and status set, and instance equal to the X-Request-ID header.
func wantProblem(t *testing.T, r *apitest.Response, want int) api.Problem {
	t.Helper()
	wantStatus(t, r, want)
	p := r.Problem(t)
	if p.Type == "" || p.Title == "" || p.Detail == nil || *p.Detail == "" {
		t.Errorf("problem lacks type, title or detail: %s", r.Body)
	}
	rid := r.Header.Get("X-Request-ID")
	if rid == "" {
		t.Errorf("no X-Request-ID header on %d", r.Status)
	}
	if p.Instance == nil || *p.Instance != rid {
		t.Errorf("problem instance %v, want the X-Request-ID %q", p.Instance, rid)
	}
	return p
}

// wantFields checks that p names exactly the fields want (in any order).
func wantFields(t *testing.T, p api.Problem, want ...string) {
	t.Helper()
	var got []string
	if p.Errors != nil {
		for _, fe := range *p.Errors {
			got = append(got, fe.Field)
			if fe.Message == "" {
				t.Errorf("field %s has no message", fe.Field)
			}
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problem names fields %q, want %q (problem %+v)", got, want, p)
	}
}

// wantField checks that p names field (among others perhaps).
func wantField(t *testing.T, p api.Problem, field string) {
	t.Helper()
	if p.Errors != nil {
		for _, fe := range *p.Errors {
			if fe.Field == field {
				return
			}
		}
	}
	t.Errorf("problem does not name field %q: %+v", field, fieldList(p))
}

func fieldList(p api.Problem) []api.FieldError {
	if p.Errors == nil {
		return nil
	}
	return *p.Errors
}

var linkNext = regexp.MustCompile(`^<([^>]*)>;\s*rel="next"$`)

// nextLink returns the target of r's Link rel="next", or "" when there is none. It fails the
// test unless the link is a relative /api/tasks URL.
func nextLink(t *testing.T, r *apitest.Response) string {
	t.Helper()
	h := r.Header.Get("Link")
	if h == "" {
		return ""
	}
	m := linkNext.FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("Link header %q is not <…>; rel=\"next\"", h)
	}
	u, err := url.Parse(m[1])
	if err != nil || u.IsAbs() || u.Host != "" || u.Path != "/api/tasks" {
		t.Fatalf("Link target %q is not a relative /api/tasks URL", m[1])
	}
	if u.Query().Get("cursor") == "" {
		t.Fatalf("Link target %q has no cursor", m[1])
	}
	return m[1]
}

// listAll follows Link headers from /api/tasks?query to the end and returns every task in
// order, with the number of pages. Each next link must keep the query's parameters.
func (f *fixture) listAll(t *testing.T, tok, query string) ([]api.Task, int) {
	t.Helper()
	want, err := url.ParseQuery(query)
	if err != nil {
		t.Fatalf("bad query %q: %v", query, err)
	}
	var all []api.Task
	path := "/api/tasks?" + query
	pages := 0
	for path != "" {
		pages++
		if pages > 500 {
			t.Fatalf("more than 500 pages: the Link chain does not end")
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
		wantStatus(t, r, http.StatusOK)
		var page []api.Task
		r.JSON(t, &page)
		all = append(all, page...)
		path = nextLink(t, r)
		if path == "" {
			break
		}
		u, _ := url.Parse(path)
		got := u.Query()
		for k, vs := range want {
			if k == "cursor" || (k == "status" && slices.Equal(vs, []string{"all"})) {
				// status=all is the default; the link may leave it out.
				continue
			}
			g := slices.Clone(got[k])
			w := slices.Clone(vs)
			if k == "tag" {
				for i := range w {
					w[i] = strings.ToLower(strings.TrimSpace(w[i]))
				}
				slices.Sort(g)
				slices.Sort(w)
			}
			if !slices.Equal(g, w) {
				t.Fatalf("next link %q has %s=%q, want %q (the filters of the first page)", path, k, g, w)
			}
		}
		if len(page) == 0 {
			t.Fatalf("an empty page with a next link: %s", path)
		}
	}
	return all, pages
}

// ids returns the ids of tasks in order.
func ids(tasks []api.Task) []uuid.UUID {
	out := make([]uuid.UUID, len(tasks))
	for i, t := range tasks {
		out[i] = t.Id
	}
	return out
}

// titles returns the titles of tasks in order.
func titles(tasks []api.Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.Title
	}
	return out
}

// sameTask reports whether a and b are the same state of a task, field by field.
func sameTask(t *testing.T, got, want api.Task) {
	t.Helper()
	g, w := fmt.Sprintf("%+v", taskString(got)), fmt.Sprintf("%+v", taskString(want))
	if g != w {
		t.Errorf("task changed:\n got %s\nwant %s", g, w)
	}
}

func taskString(t api.Task) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "id=%s title=%q completed=%v priority=%s tags=%q created=%s updated=%s",
		t.Id, t.Title, t.Completed, t.Priority, t.Tags, t.CreatedAt.Format(time.RFC3339Nano), t.UpdatedAt.Format(time.RFC3339Nano))
	if d, err := t.Description.Get(); err == nil {
		fmt.Fprintf(&b, " description=%q", d)
	} else {
		b.WriteString(" description=null")
	}
	if d, err := t.DueDate.Get(); err == nil {
		fmt.Fprintf(&b, " due=%s", d)
	} else {
		b.WriteString(" due=null")
	}
	if c, err := t.CompletedAt.Get(); err == nil {
		fmt.Fprintf(&b, " completed_at=%s", c.Format(time.RFC3339Nano))
	} else {
		b.WriteString(" completed_at=null")
	}
	return b.String()
}

// dateString renders a task's due_date, "" for null.
func dateString(t api.Task) string {
	d, err := t.DueDate.Get()
	if err != nil {
		return ""
	}
	return d.String()
}

// descString renders a task's description, "<null>" for null.
func descString(t api.Task) string {
	d, err := t.Description.Get()
	if err != nil {
		return "<null>"
	}
	return d
}

// todayUTC is the current civil date in UTC.
func todayUTC() time.Time {
	n := time.Now().UTC()
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// tamper changes one character of a cursor's payload (before the '.'), staying within the
// base64url alphabet: a different position under the same tag. (Changing the last
// characters instead can decode to the same bytes: unpadded base64 has spare bits there.)
func tamper(cursor string) string {
	b := []byte(cursor)
	i := strings.IndexByte(cursor, '.') / 2
	if b[i] != 'A' {
		b[i] = 'A'
	} else {
		b[i] = 'B'
	}
	return string(b)
}

// stoppedClock is a service clock that does not move: the rate limiter's buckets never
// refill, however long the requests of a test take on a busy machine, and "overdue" stays
// where it was.
func stoppedClock() func() time.Time {
	stopped := time.Now()
	return func() time.Time { return stopped }
}
