package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/store"
)

// bodyRoute is an operation taking a JSON body, with the Content-Type it is sent as.
type bodyRoute struct {
	name, method, path, contentType string
}

func bodyRoutes(id uuid.UUID) []bodyRoute {
	p := taskPath(id)
	return []bodyRoute{
		{"Create", http.MethodPost, "/api/tasks", "application/json"},
		{"Replace", http.MethodPut, p, "application/json"},
		{"MergePatch", http.MethodPatch, p, "application/merge-patch+json"},
		{"JSONPatch", http.MethodPatch, p, "application/json"},
		{"Complete", http.MethodPatch, p + "/complete", "application/json"},
	}
}

func TestErrorsRequestBodies(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	cases := []struct {
		name        string
		body        any
		contentType string // "" = the route's own
		status      int
	}{
		{"MalformedJSONIs400", `{"title": "x",`, "", http.StatusBadRequest},
		{"TrailingGarbageIs400", `{"title": "x"} {`, "", http.StatusBadRequest},
		{"InvalidValueThenGarbageIs400", `{"title": ""} x`, "", http.StatusBadRequest},
		{"TwoValuesAre400", `{"title": "x"}{"title": "y"}`, "", http.StatusBadRequest},
		{"SingleQuotesAre400", `{'title': 'x'}`, "", http.StatusBadRequest},
		{"EmptyObjectWithCommaIs400", `{,}`, "", http.StatusBadRequest},
		{"TextPlainIs415", `{"title": "x"}`, "text/plain", http.StatusUnsupportedMediaType},
		{"FormIs415", `title=x`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"XMLIs415", `<task><title>x</title></task>`, "application/xml", http.StatusUnsupportedMediaType},
		{"OctetStreamIs415", `{"title": "x"}`, "application/octet-stream", http.StatusUnsupportedMediaType},
		{"Over64KiBIs413", `{"title":"x","description":"` + strings.Repeat("d", 64<<10) + `"}`, "", http.StatusRequestEntityTooLarge},
		{"Over64KiBNotJSONIs413Or415", strings.Repeat("x", 70<<10), "text/plain", 0},
		{"Over64KiBMalformedIs413Or400", `{"title":"` + strings.Repeat("x", 70<<10), "", 0},
	}
	for _, rt := range bodyRoutes(uuid.Nil) {
		for _, tc := range cases {
			t.Run(rt.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				task := f.createA(t, map[string]any{"title": "before", "description": "kept"})
				path := strings.Replace(rt.path, uuid.Nil.String(), task.Id.String(), 1)
				r := f.Do(t, apitest.Req{Method: rt.method, Path: path, Token: f.tokA, Body: tc.body, ContentType: cmpOr(tc.contentType, rt.contentType)})
				switch tc.status {
				case 0:
					if r.Status != http.StatusRequestEntityTooLarge && r.Status != http.StatusUnsupportedMediaType && r.Status != http.StatusBadRequest {
						t.Fatalf("status %d, want 413 (or 415/400): %s", r.Status, r.Body)
					}
					wantProblem(t, r, r.Status)
				default:
					wantProblem(t, r, tc.status)
				}
				tasks, _ := f.list(t, f.tokA, "")
				if len(tasks) != 1 {
					t.Fatalf("%d tasks after a refused request, want 1", len(tasks))
				}
				sameTask(t, tasks[0], task)
			})
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// 64 KiB is the largest body accepted: exactly 64 KiB gets past the limit (and then fails
// validation on its long description), one byte more is 413.
func TestErrorsBodyLimitBoundary(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := func(size int) string {
		head, tail := `{"title":"x","description":"`, `"}`
		return head + strings.Repeat("d", size-len(head)-len(tail)) + tail
	}
	r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: body(64 << 10)})
	wantFields(t, wantProblem(t, r, http.StatusUnprocessableEntity), "/description")
	r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: body(64<<10 + 1)})
	wantProblem(t, r, http.StatusRequestEntityTooLarge)

	// A large but acceptable body passes: 2000 four-byte characters of description.
	r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "x", "description": strings.Repeat("𝄞", 2000)}})
	wantStatus(t, r, http.StatusCreated)
}

func TestErrorsJSONMediaTypeParameters(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF-8"} {
		t.Run(ct, func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "x"}, ContentType: ct})
			wantStatus(t, r, http.StatusCreated)
		})
	}
}

func TestErrorsUnknownRouteIs404(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "x"})
	for _, path := range []string{
		"/api/nope",
		"/api",
		"/api/",
		"/api/tasks/" + task.Id.String() + "/nope",
		"/api/tasks/" + task.Id.String() + "/complete/more",
		"/api/tag",
		"/nope",
		"/",
		"/favicon.ico",
	} {
		t.Run(strings.ReplaceAll(strings.Replace(path, task.Id.String(), "{id}", 1), "/", "_"), func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: f.tokA})
			wantProblem(t, r, http.StatusNotFound)
		})
	}
}

func TestErrorsWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "x"})
	p := taskPath(task.Id)
	cases := []struct {
		method, path string
		allow        []string
	}{
		{http.MethodPost, p, []string{"GET", "PUT", "PATCH", "DELETE"}},
		{http.MethodDelete, "/api/tasks", []string{"GET", "POST"}},
		{http.MethodPut, "/api/tasks", []string{"GET", "POST"}},
		{http.MethodPost, "/api/tags", []string{"GET"}},
		{http.MethodGet, "/api/tasks/bulk", []string{"POST"}}, // not /api/tasks/{id}'s
		{http.MethodGet, p + "/complete", []string{"PATCH"}},
		{http.MethodPost, p + "/complete", []string{"PATCH"}},
		{http.MethodPost, "/healthz", []string{"GET"}},
	}
	for _, tc := range cases {
		t.Run(tc.method+strings.ReplaceAll(strings.Replace(tc.path, task.Id.String(), "{id}", 1), "/", "_"), func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: tc.method, Path: tc.path, Token: f.tokA, Body: map[string]any{"title": "x"}})
			wantProblem(t, r, http.StatusMethodNotAllowed)
			var got []string
			for _, m := range strings.Split(r.Header.Get("Allow"), ",") {
				if m = strings.TrimSpace(m); m != "" {
					got = append(got, m)
				}
			}
			slices.Sort(got)
			want := slices.Clone(tc.allow)
			slices.Sort(want)
			// HEAD and OPTIONS may be allowed as well.
			got = slices.DeleteFunc(got, func(m string) bool { return m == "HEAD" || m == "OPTIONS" })
			if !slices.Equal(got, want) {
				t.Errorf("Allow %q, want %q", r.Header.Get("Allow"), tc.allow)
			}
		})
	}
	got, _ := f.get(t, f.tokA, task.Id)
	sameTask(t, got, task)
}

func TestErrorsRequestID(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t.Run("ClientIDIsEchoedAsInstance", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/" + uuid.NewString(), Token: f.tokA, Header: map[string]string{"X-Request-ID": "client-req-42"}})
		p := wantProblem(t, r, http.StatusNotFound)
		if r.Header.Get("X-Request-ID") != "client-req-42" || *p.Instance != "client-req-42" {
			t.Errorf("X-Request-ID %q, instance %q, want the client's", r.Header.Get("X-Request-ID"), *p.Instance)
		}
	})
	t.Run("HostileIDIsReplaced", func(t *testing.T) {
		hostile := `<script>alert(1)</script>`
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/" + uuid.NewString(), Token: f.tokA, Header: map[string]string{"X-Request-ID": hostile}})
		wantProblem(t, r, http.StatusNotFound)
		if strings.Contains(string(r.Body), "script") || r.Header.Get("X-Request-ID") == hostile {
			t.Errorf("hostile request id echoed: %q %s", r.Header.Get("X-Request-ID"), r.Body)
		}
	})
	t.Run("EveryResponseHasOne", func(t *testing.T) {
		seen := map[string]bool{}
		for i := range 5 {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?limit=" + strconv.Itoa(i+1), Token: f.tokA})
			id := r.Header.Get("X-Request-ID")
			if id == "" || seen[id] {
				t.Errorf("request id %q missing or repeated", id)
			}
			seen[id] = true
		}
	})
}

// With no database connection to be had, /api answers 503 with Retry-After, /readyz says not
// ready and /healthz still answers; once connections are free again, so is the service.
func TestErrorsDatabaseUnavailableIs503(t *testing.T) {
	t.Parallel()
	f := setup(t, apitest.Options{StoreOptions: store.Options{AcquireTimeout: 100 * time.Millisecond}})

	// Hold every connection of the pool, as a database that stopped answering would.
	var held []*pgxpool.Conn
	release := func() {
		for _, c := range held {
			c.Release()
		}
		held = nil
	}
	t.Cleanup(release) // before the pool closes, which waits for them, even if the test fails
	holdAll := func() {
		for range f.Pool.Config().MaxConns {
			c, err := f.Pool.Acquire(context.Background())
			if err != nil {
				t.Fatalf("acquire: %v", err)
			}
			held = append(held, c)
		}
	}
	// Dial every connection first, without the 100 ms bound: on a busy machine opening one
	// can take longer, and the task below must not be refused for that.
	holdAll()
	release()
	task := f.createA(t, map[string]any{"title": "x"})
	holdAll()
	for _, req := range everyRoute(task.Id) {
		req.Token = f.tokA
		r := f.Do(t, req)
		wantProblem(t, r, http.StatusServiceUnavailable)
		if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("%s %s: Retry-After %q", req.Method, req.Path, r.Header.Get("Retry-After"))
		}
	}
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/readyz"})
	wantStatus(t, r, http.StatusServiceUnavailable)
	if r.Header.Get("Retry-After") == "" {
		t.Error("/readyz 503 without Retry-After")
	}
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/healthz"}), http.StatusOK)
	// Authentication still comes first.
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks"}), http.StatusUnauthorized)

	release()
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/readyz"}), http.StatusOK)
	got, _ := f.get(t, f.tokA, task.Id)
	sameTask(t, got, task)
}

// A request that meets a closed pool (shutdown) is also "database unavailable".
func TestErrorsClosedPoolIs503(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "x"})
	f.Pool.Close()
	for _, req := range everyRoute(task.Id) {
		req.Token = f.tokA
		wantProblem(t, f.Do(t, req), http.StatusServiceUnavailable)
	}
}
