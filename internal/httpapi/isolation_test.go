package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// idRoutes are the operations on one task, with a body that would succeed on one's own task.
func idRoutes(id string, etag string) map[string]apitest.Req {
	p := "/api/tasks/" + id
	return map[string]apitest.Req{
		"Get":                {Method: http.MethodGet, Path: p},
		"GetIfNoneMatch":     {Method: http.MethodGet, Path: p, Header: map[string]string{"If-None-Match": etag}},
		"GetIfNoneMatchStar": {Method: http.MethodGet, Path: p, Header: map[string]string{"If-None-Match": "*"}},
		"Replace":            {Method: http.MethodPut, Path: p, Body: map[string]any{"title": "stolen"}},
		"ReplaceIfMatch":     {Method: http.MethodPut, Path: p, Body: map[string]any{"title": "stolen"}, Header: map[string]string{"If-Match": etag}},
		"ReplaceIfMatchStar": {Method: http.MethodPut, Path: p, Body: map[string]any{"title": "stolen"}, Header: map[string]string{"If-Match": "*"}},
		"ReplaceIfMatchStale": {Method: http.MethodPut, Path: p, Body: map[string]any{"title": "stolen"},
			Header: map[string]string{"If-Match": `"987654"`}},
		"MergePatch":         {Method: http.MethodPatch, Path: p, Body: map[string]any{"title": "stolen"}, ContentType: "application/merge-patch+json"},
		"JSONPatch":          {Method: http.MethodPatch, Path: p, Body: map[string]any{"description": nil}, ContentType: "application/json"},
		"PatchIfMatch":       {Method: http.MethodPatch, Path: p, Body: map[string]any{"title": "stolen"}, ContentType: "application/merge-patch+json", Header: map[string]string{"If-Match": etag}},
		"PatchIfMatchStale":  {Method: http.MethodPatch, Path: p, Body: map[string]any{"title": "stolen"}, ContentType: "application/merge-patch+json", Header: map[string]string{"If-Match": `"987654"`}},
		"Delete":             {Method: http.MethodDelete, Path: p},
		"DeleteIfMatch":      {Method: http.MethodDelete, Path: p, Header: map[string]string{"If-Match": etag}},
		"DeleteIfMatchStale": {Method: http.MethodDelete, Path: p, Header: map[string]string{"If-Match": `"987654"`}},
		"Toggle":             {Method: http.MethodPatch, Path: p + "/complete"},
		"SetCompleted":       {Method: http.MethodPatch, Path: p + "/complete", Body: map[string]any{"completed": true}},
		"Restore":            {Method: http.MethodPost, Path: p + "/restore"},
		"MoveToTop":          {Method: http.MethodPost, Path: p + "/move", Body: map[string]any{"after_id": nil}},
	}
}

// problemShape is a problem without its instance: what may not differ between "not yours"
// and "does not exist".
func problemShape(p api.Problem) string {
	var b strings.Builder
	b.WriteString(p.Type + "|" + p.Title + "|")
	if p.Detail != nil {
		b.WriteString(*p.Detail)
	}
	if p.Errors != nil {
		b.WriteString("|errors")
	}
	return b.String()
}

// A task that belongs to someone else gets exactly the answer of a task that does not exist,
// on every route, and stays as it was.
func TestIsolationForeignTaskIsNotFound(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	for name := range idRoutes("X", `"1"`) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			mine := f.createA(t, map[string]any{"title": "A's", "description": "private", "due_date": "2030-01-01", "tags": []string{"a"}})
			_, etag := f.get(t, f.tokA, mine.Id)
			foreign := idRoutes(mine.Id.String(), etag)[name]
			missing := idRoutes(uuid.New().String(), etag)[name]

			foreign.Token, missing.Token = f.tokB, f.tokB
			rf := f.Do(t, foreign)
			pf := wantProblem(t, rf, http.StatusNotFound)
			rm := f.Do(t, missing)
			pm := wantProblem(t, rm, http.StatusNotFound)
			if problemShape(pf) != problemShape(pm) {
				t.Errorf("foreign task answer differs from missing task answer:\nforeign %s\nmissing %s", rf.Body, rm.Body)
			}
			for _, h := range []string{"ETag", "Location", "Link"} {
				if rf.Header.Get(h) != "" {
					t.Errorf("404 for a foreign task carries %s: %q", h, rf.Header.Get(h))
				}
			}
			got, tag := f.get(t, f.tokA, mine.Id)
			sameTask(t, got, mine)
			if tag != etag {
				t.Errorf("A's ETag changed %q → %q", etag, tag)
			}
		})
	}
	t.Run("CollectionsShowOnlyOwnTasks", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		f.createA(t, map[string]any{"title": "A's", "tags": []string{"private"}, "due_date": "2000-01-01"})
		gone := f.createA(t, map[string]any{"title": "A's deleted"})
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(gone.Id), Token: f.tokA}), http.StatusNoContent)
		tasks, _ := f.list(t, f.tokB, "")
		if len(tasks) != 0 {
			t.Errorf("B lists %q", titles(tasks))
		}
		for _, q := range []string{"q=A", "tag=private", "status=pending", "sort=due_date", "due_before=2001-01-01"} {
			if tasks, _ := f.list(t, f.tokB, q); len(tasks) != 0 {
				t.Errorf("B lists %q with %s", titles(tasks), q)
			}
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: f.tokB})
		wantStatus(t, r, http.StatusOK)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("B's tags: %s", r.Body)
		}
		for _, q := range []string{"", "?updated_after=2000-01-01T00:00:00Z"} {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/changes" + q, Token: f.tokB})
			wantStatus(t, r, http.StatusOK)
			if strings.TrimSpace(string(r.Body)) != "[]" {
				t.Errorf("B's change feed%s: %s", q, r.Body)
			}
		}
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats", Token: f.tokB})
		wantStatus(t, r, http.StatusOK)
		var s api.TaskStats
		r.JSON(t, &s)
		if s != (api.TaskStats{}) {
			t.Errorf("B's stats count A's task: %+v", s)
		}
	})
}

// A malformed id is 400 or 404 on every route, never a 5xx (the harness fails any 5xx).
func TestIsolationMalformedIDIsNotAServerError(t *testing.T) {
	t.Parallel()
	f := setup(t)
	mine := f.createA(t, map[string]any{"title": "mine"})
	bad := map[string]string{
		"Word":              "not-a-uuid",
		"Number":            "123",
		"NonHexDigit":       "0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a1g",
		"TooShort":          mine.Id.String()[:35],
		"TooLong":           mine.Id.String() + "0",
		"Braces":            "{" + mine.Id.String() + "}",
		"URNForm":           "urn:uuid:" + mine.Id.String(),
		"NoHyphens":         strings.ReplaceAll(mine.Id.String(), "-", ""),
		"PercentEncodedNUL": "%00",
		"SQLish":            "1%27%20OR%20%271%27=%271",
		"Huge":              strings.Repeat("a", 5000),
		"Dots":              "..%2F..%2Fetc",
	}
	for name, id := range bad {
		t.Run(name, func(t *testing.T) {
			for route, req := range idRoutes(id, `"1"`) {
				req.Token = f.tokA
				r := f.Do(t, req)
				if r.Status != http.StatusBadRequest && r.Status != http.StatusNotFound {
					t.Errorf("%s %s: status %d, want 400 or 404: %s", route, req.Path, r.Status, r.Body)
					continue
				}
				if p := wantProblem(t, r, r.Status); r.Status == http.StatusBadRequest {
					wantField(t, p, "path.id")
				}
			}
		})
	}
	got, _ := f.get(t, f.tokA, mine.Id)
	sameTask(t, got, mine)
	t.Run("UpperCaseIDIsTheSameTask", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/" + strings.ToUpper(mine.Id.String()), Token: f.tokA})
		if r.Status != http.StatusOK && r.Status != http.StatusNotFound && r.Status != http.StatusBadRequest {
			t.Fatalf("status %d", r.Status)
		}
		if r.Status == http.StatusOK && r.Task(t).Id != mine.Id {
			t.Errorf("upper-case id returned another task")
		}
	})
}
