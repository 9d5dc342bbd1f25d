package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestCollectionConditionalGET: the listing, stats and the change feed answer 304 to their own
// weak ETag until one of the caller's tasks changes, through every kind of write; the tag is
// per query and per caller.
func TestCollectionConditionalGET(t *testing.T) {
	t.Parallel()
	// A stopped clock: the stats tag also moves with the minute, which must not happen
	// between two requests of this test.
	stopped := time.Now()
	svc := setup(t, apitest.Options{Now: func() time.Time { return stopped }})
	collections := []string{"/api/tasks", "/api/tasks?sort=title&limit=2", "/api/tasks/stats", "/api/tasks/changes",
		"/api/tasks/changes?updated_after=2026-01-01T00:00:00Z&limit=1"}
	// tags gets each collection once as tok's user and returns the ETags.
	tags := func(t *testing.T, f *fixture, tok string) map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, path := range collections {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
			wantStatus(t, r, http.StatusOK)
			tag := r.Header.Get("ETag")
			if !strings.HasPrefix(tag, `W/"`) {
				t.Fatalf("%s: ETag %q, want a weak one", path, tag)
			}
			out[path] = tag
		}
		return out
	}
	notModified := func(t *testing.T, f *fixture, tok string, tags map[string]string, want bool) {
		t.Helper()
		for path, tag := range tags {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok, Header: map[string]string{"If-None-Match": tag}})
			switch {
			case want && r.Status != http.StatusNotModified:
				t.Errorf("%s with its ETag: %d, want 304", path, r.Status)
			case want && (r.Header.Get("ETag") != tag || len(r.Body) != 0):
				t.Errorf("%s: 304 with ETag %q (want %q), body %q", path, r.Header.Get("ETag"), tag, r.Body)
			case !want && r.Status != http.StatusOK:
				t.Errorf("%s with a stale ETag: %d, want 200", path, r.Status)
			case !want && r.Header.Get("ETag") == tag:
				t.Errorf("%s: the ETag %s did not change", path, tag)
			}
		}
	}

	t.Run("UnchangedIs304", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for range 3 {
			f.createA(t, map[string]any{"title": "t"})
		}
		before := tags(t, f, f.tokA)
		notModified(t, f, f.tokA, before, true)
		seen := map[string]string{}
		for path, tag := range before {
			if p, dup := seen[tag]; dup {
				t.Errorf("%s and %s share the ETag %s", p, path, tag)
			}
			seen[tag] = path
		}
		// Lists of tags, the strong form of a weak tag, and * all match (weak comparison).
		for _, h := range []string{`"nope", ` + before["/api/tasks"], strings.TrimPrefix(before["/api/tasks"], "W/"), "*"} {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokA, Header: map[string]string{"If-None-Match": h}})
			wantStatus(t, r, http.StatusNotModified)
		}
		// Another user's tags mean nothing to B, though both may have empty lists.
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokB,
			Header: map[string]string{"If-None-Match": before["/api/tasks"]}}), http.StatusOK)
	})

	req := func(method, suffix string, body any) func(f *fixture, id string) apitest.Req {
		return func(f *fixture, id string) apitest.Req {
			r := apitest.Req{Method: method, Path: "/api/tasks/" + id + suffix, Token: f.tokA, Body: body}
			if method == http.MethodPatch && suffix == "" {
				r.ContentType = "application/merge-patch+json"
			}
			return r
		}
	}
	writes := []struct {
		name    string
		prepare func(f *fixture, id string) apitest.Req // nil: nothing to prepare
		write   func(f *fixture, id string) apitest.Req
	}{
		{"Create", nil, func(f *fixture, _ string) apitest.Req {
			return apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "new"}}
		}},
		{"Patch", nil, req(http.MethodPatch, "", map[string]any{"title": "renamed"})},
		{"Replace", nil, req(http.MethodPut, "", map[string]any{"title": "replaced"})},
		{"Toggle", nil, req(http.MethodPatch, "/complete", nil)},
		{"SetCompleted", nil, req(http.MethodPatch, "/complete", map[string]any{"completed": true})},
		{"Delete", nil, req(http.MethodDelete, "", nil)},
		{"Restore", req(http.MethodDelete, "", nil), req(http.MethodPost, "/restore", nil)},
	}
	for _, w := range writes {
		t.Run("ChangedBy"+w.name+"Is200", func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			id := f.createA(t, map[string]any{"title": "t"}).Id.String()
			f.createA(t, map[string]any{"title": "u"})
			if w.prepare != nil {
				if r := f.Do(t, w.prepare(f, id)); r.Status >= 300 {
					t.Fatalf("prepare: %d %s", r.Status, r.Body)
				}
			}
			before := tags(t, f, f.tokA)
			if r := f.Do(t, w.write(f, id)); r.Status >= 300 {
				t.Fatalf("write: %d %s", r.Status, r.Body)
			}
			notModified(t, f, f.tokA, before, false)
		})
	}
	t.Run("OtherUsersWritesDoNotChangeTheTag", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		f.createA(t, map[string]any{"title": "mine"})
		before := tags(t, f, f.tokA)
		f.create(t, f.tokB, map[string]any{"title": "B's"})
		notModified(t, f, f.tokA, before, true)
	})
	t.Run("BadIfNoneMatchIs400", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats", Token: f.tokA, Header: map[string]string{"If-None-Match": strings.Repeat("x", 1025)}})
		wantField(t, wantProblem(t, r, http.StatusBadRequest), "header.If-None-Match")
	})
}

// TestIfMatchComparesStrongETagsExactly: RFC 9110 compares entity tags as strings, so only
// the task's own ETag, character for character, matches (issue 12: "05" and "+5" matched
// version 5). Every write that takes If-Match refuses the look-alikes with 412 and leaves the
// task alone; the exact tag still passes.
func TestIfMatchComparesStrongETagsExactly(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	for _, write := range []struct {
		name string
		req  func(tag string) apitest.Req
		ok   int
	}{
		{"PUT", func(tag string) apitest.Req {
			return apitest.Req{Method: http.MethodPut, Body: map[string]any{"title": "replaced"}, Header: map[string]string{"If-Match": tag}}
		}, http.StatusOK},
		{"PATCH", func(tag string) apitest.Req {
			return apitest.Req{Method: http.MethodPatch, Body: map[string]any{"title": "patched"}, ContentType: "application/merge-patch+json", Header: map[string]string{"If-Match": tag}}
		}, http.StatusOK},
		{"DELETE", func(tag string) apitest.Req {
			return apitest.Req{Method: http.MethodDelete, Header: map[string]string{"If-Match": tag}}
		}, http.StatusNoContent},
	} {
		t.Run(write.name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			task := f.createA(t, map[string]any{"title": "v1"})
			for i := 2; i <= 5; i++ {
				wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA,
					Body: map[string]any{"title": fmt.Sprintf("v%d", i)}, ContentType: "application/merge-patch+json"}), http.StatusOK)
			}
			_, tag := f.get(t, f.tokA, task.Id)
			if tag != `"5"` {
				t.Fatalf("ETag %s after four changes, want \"5\"", tag)
			}
			for _, lookalike := range []string{`"05"`, `"+5"`, `"005"`, `"+05"`, `"05", "+5"`} {
				req := write.req(lookalike)
				req.Path, req.Token = taskPath(task.Id), f.tokA
				wantProblem(t, f.Do(t, req), http.StatusPreconditionFailed)
				if _, now := f.get(t, f.tokA, task.Id); now != tag {
					t.Fatalf("If-Match %s changed the task: ETag %s", lookalike, now)
				}
			}
			req := write.req(`"05", ` + tag)
			req.Path, req.Token = taskPath(task.Id), f.tokA
			wantStatus(t, f.Do(t, req), write.ok)
		})
	}
}
