package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

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
