package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

func TestCreateTask(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task, r := f.create(t, f.tokA, map[string]any{"title": "Buy milk", "tags": []string{"Shop"}})
	t.Run("LocationPointsAtTheTask", func(t *testing.T) {
		loc := r.Header.Get("Location")
		if loc != taskPath(task.Id) {
			t.Fatalf("Location %q, want %q", loc, taskPath(task.Id))
		}
		g := f.Do(t, apitest.Req{Method: http.MethodGet, Path: loc, Token: f.tokA})
		wantStatus(t, g, http.StatusOK)
		sameTask(t, g.Task(t), task)
	})
	t.Run("ETagIsStrongAndMatchesGet", func(t *testing.T) {
		tag := r.Header.Get("ETag")
		if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
			t.Fatalf("ETag %q is not a strong entity tag", tag)
		}
		if _, got := f.get(t, f.tokA, task.Id); got != tag {
			t.Errorf("GET ETag %q, POST ETag %q", got, tag)
		}
	})
	t.Run("EachPostCreatesANewTask", func(t *testing.T) {
		again, _ := f.create(t, f.tokA, map[string]any{"title": "Buy milk", "tags": []string{"Shop"}})
		if again.Id == task.Id {
			t.Fatalf("a second POST without Idempotency-Key returned the same id")
		}
		tasks, _ := f.list(t, f.tokA, "")
		if len(tasks) != 2 {
			t.Errorf("%d tasks, want 2", len(tasks))
		}
	})
}

func TestGetTaskConditional(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "cache me"})
	_, tag := f.get(t, f.tokA, task.Id)

	notModified := map[string]string{
		"SameETag":      tag,
		"WeakForm":      "W/" + tag,
		"Star":          "*",
		"ListWithMatch": `"nope", ` + tag + `, "other"`,
		"ListNoSpaces":  `"nope",` + tag,
	}
	for name, h := range notModified {
		t.Run(name+"Is304", func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokA, Header: map[string]string{"If-None-Match": h}})
			wantStatus(t, r, http.StatusNotModified)
			if r.Header.Get("ETag") != tag {
				t.Errorf("304 ETag %q, want %q", r.Header.Get("ETag"), tag)
			}
			if len(r.Body) != 0 {
				t.Errorf("304 with a body: %s", r.Body)
			}
		})
	}
	modified := map[string]string{
		"OtherETag":     `"999999"`,
		"ListWithout":   `"1000", W/"1001"`,
		"UnquotedETag":  tag[1 : len(tag)-1],
		"GarbageHeader": "garbage",
	}
	for name, h := range modified {
		t.Run(name+"Is200", func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokA, Header: map[string]string{"If-None-Match": h}})
			wantStatus(t, r, http.StatusOK)
			sameTask(t, r.Task(t), task)
		})
	}
	t.Run("OldETagAfterChangeIs200", func(t *testing.T) {
		p := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "changed"}, ContentType: "application/merge-patch+json"})
		wantStatus(t, p, http.StatusOK)
		newTag := p.Header.Get("ETag")
		if newTag == tag || newTag == "" {
			t.Fatalf("ETag after PATCH %q, before %q: want a new one", newTag, tag)
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokA, Header: map[string]string{"If-None-Match": tag}})
		wantStatus(t, r, http.StatusOK)
		if got := r.Task(t); got.Title != "changed" {
			t.Errorf("title %q", got.Title)
		}
		if r.Header.Get("ETag") != newTag {
			t.Errorf("GET ETag %q, PATCH ETag %q", r.Header.Get("ETag"), newTag)
		}
	})
}

// ifMatchCases are If-Match values against a task whose current ETag is cur (a
// placeholder that replaceCur fills in), with whether each must let the change through.
func ifMatchCases(cur string) []struct {
	name   string
	header string
	pass   bool
} {
	return []struct {
		name   string
		header string
		pass   bool
	}{
		{"MatchingETag", cur, true},
		{"Star", "*", true},
		{"ListWithMatch", `"424242", ` + cur, true},
		{"StaleETag", `"424242"`, false},
		{"WeakFormNeverMatches", "W/" + cur, false},
		{"Garbage", "garbage", false},
	}
}

func TestReplaceTask(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	full := map[string]any{"title": "full", "description": "desc", "completed": true, "priority": "high", "due_date": "2030-05-01", "tags": []string{"a", "b"}}

	t.Run("AbsentFieldsTakeDefaults", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, full)
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "  only title  "}})
		wantStatus(t, r, http.StatusOK)
		got := r.Task(t)
		if got.Id != task.Id || got.Title != "only title" || !got.Description.IsNull() || got.Completed || !got.CompletedAt.IsNull() ||
			got.Priority != api.PriorityMedium || !got.DueDate.IsNull() || len(got.Tags) != 0 || got.Tags == nil {
			t.Errorf("PUT did not replace every field with its default: %s", taskString(got))
		}
		if !got.CreatedAt.Equal(task.CreatedAt) || !got.UpdatedAt.After(task.UpdatedAt) {
			t.Errorf("created_at %s→%s updated_at %s→%s", task.CreatedAt, got.CreatedAt, task.UpdatedAt, got.UpdatedAt)
		}
		if tag := r.Header.Get("ETag"); tag == "" {
			t.Error("PUT 200 without ETag")
		} else if _, cur := f.get(t, f.tokA, task.Id); cur != tag {
			t.Errorf("PUT ETag %q, GET ETag %q", tag, cur)
		}
		stored, _ := f.get(t, f.tokA, task.Id)
		sameTask(t, stored, got)
	})
	t.Run("EveryFieldReplaced", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "x"})
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: full})
		wantStatus(t, r, http.StatusOK)
		got := r.Task(t)
		if got.Title != "full" || descString(got) != "desc" || !got.Completed || got.CompletedAt.IsNull() || got.Priority != api.PriorityHigh ||
			dateString(got) != "2030-05-01" || !slices.Equal(got.Tags, []string{"a", "b"}) {
			t.Errorf("%s", taskString(got))
		}
	})
	t.Run("TitleRequired", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, full)
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"description": "no title"}})
		wantFields(t, wantProblem(t, r, http.StatusUnprocessableEntity), "/title")
		got, _ := f.get(t, f.tokA, task.Id)
		sameTask(t, got, task)
	})
	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", Token: f.tokA, Body: full})
		wantProblem(t, r, http.StatusNotFound)
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 0 {
			t.Errorf("PUT on a missing id created a task: %q", titles(tasks))
		}
	})
	t.Run("IfMatch", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for _, tc := range ifMatchCases(`"CUR"`) {
			t.Run(tc.name, func(t *testing.T) {
				task := f.createA(t, full)
				_, tag := f.get(t, f.tokA, task.Id)
				h := replaceCur(tc.header, tag)
				r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "replaced"}, Header: map[string]string{"If-Match": h}})
				if tc.pass {
					wantStatus(t, r, http.StatusOK)
					if got := r.Task(t); got.Title != "replaced" {
						t.Errorf("title %q", got.Title)
					}
					return
				}
				wantProblem(t, r, http.StatusPreconditionFailed)
				got, _ := f.get(t, f.tokA, task.Id)
				sameTask(t, got, task)
			})
		}
	})
	t.Run("IfMatchOnMissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", Token: f.tokA, Body: full, Header: map[string]string{"If-Match": `"1"`}})
		wantProblem(t, r, http.StatusNotFound)
	})
	t.Run("ConcurrentWritersWithOneETagOnlyOneWins", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, full)
		_, tag := f.get(t, f.tokA, task.Id)
		const n = 10
		statuses := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": fmt.Sprintf("writer %d", i)}, Header: map[string]string{"If-Match": tag}})
				statuses[i] = r.Status
			})
		}
		close(start)
		wg.Wait()
		wins := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				wins++
			case http.StatusPreconditionFailed:
			default:
				t.Errorf("status %d", s)
			}
		}
		if wins != 1 {
			t.Errorf("%d writers won with the same If-Match, want exactly 1 (statuses %v)", wins, statuses)
		}
	})
	t.Run("SecondWriterWithOldETagLoses", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, full)
		_, tag := f.get(t, f.tokA, task.Id)
		first := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "first"}, Header: map[string]string{"If-Match": tag}})
		wantStatus(t, first, http.StatusOK)
		second := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "second"}, Header: map[string]string{"If-Match": tag}})
		wantProblem(t, second, http.StatusPreconditionFailed)
		if got, _ := f.get(t, f.tokA, task.Id); got.Title != "first" {
			t.Errorf("title %q, want the first writer's", got.Title)
		}
	})
}

var patchTypes = []string{"application/merge-patch+json", "application/json"}

func TestUpdateTaskMergePatch(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	full := map[string]any{"title": "full", "description": "desc", "priority": "high", "due_date": "2030-05-01", "tags": []string{"a", "b"}}
	cases := []struct {
		name  string
		patch any
		want  func(orig api.Task) api.Task
	}{
		{"EmptyPatchChangesNoField", map[string]any{}, func(o api.Task) api.Task { return o }},
		{"TitleOnly", map[string]any{"title": "  new title "}, func(o api.Task) api.Task { o.Title = "new title"; return o }},
		{"NullClearsDescription", map[string]any{"description": nil}, func(o api.Task) api.Task { o.Description.SetNull(); return o }},
		{"NullClearsDueDate", map[string]any{"due_date": nil}, func(o api.Task) api.Task { o.DueDate.SetNull(); return o }},
		{"DescriptionSet", map[string]any{"description": "other"}, func(o api.Task) api.Task { o.Description.Set("other"); return o }},
		{"PriorityLow", map[string]any{"priority": "low"}, func(o api.Task) api.Task { o.Priority = api.PriorityLow; return o }},
		{"TagsNormalised", map[string]any{"tags": []string{" X ", "x", "Y"}}, func(o api.Task) api.Task { o.Tags = []string{"x", "y"}; return o }},
		{"TagsEmptied", map[string]any{"tags": []string{}}, func(o api.Task) api.Task { o.Tags = []string{}; return o }},
		{"CompletedTrue", map[string]any{"completed": true}, func(o api.Task) api.Task { o.Completed = true; return o }},
	}
	for _, ct := range patchTypes {
		for _, tc := range cases {
			t.Run(ct+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				orig := f.createA(t, full)
				r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(orig.Id), Token: f.tokA, Body: tc.patch, ContentType: ct})
				wantStatus(t, r, http.StatusOK)
				got := r.Task(t)
				want := tc.want(orig)
				// Timestamps are checked by TestTaskTimestamps.
				want.UpdatedAt, want.CompletedAt = got.UpdatedAt, got.CompletedAt
				sameTask(t, got, want)
				if r.Header.Get("ETag") == "" {
					t.Error("PATCH 200 without ETag")
				}
				stored, _ := f.get(t, f.tokA, orig.Id)
				sameTask(t, stored, got)
			})
		}
	}
	t.Run("IfMatch", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for _, tc := range ifMatchCases(`"CUR"`) {
			t.Run(tc.name, func(t *testing.T) {
				task := f.createA(t, full)
				_, tag := f.get(t, f.tokA, task.Id)
				h := replaceCur(tc.header, tag)
				r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "patched"}, ContentType: "application/merge-patch+json", Header: map[string]string{"If-Match": h}})
				if tc.pass {
					wantStatus(t, r, http.StatusOK)
					return
				}
				wantProblem(t, r, http.StatusPreconditionFailed)
				got, _ := f.get(t, f.tokA, task.Id)
				sameTask(t, got, task)
			})
		}
	})
	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", Token: f.tokA, Body: map[string]any{"title": "x"}, ContentType: "application/merge-patch+json"})
		wantProblem(t, r, http.StatusNotFound)
	})
	t.Run("NoBodyIsRefused", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, full)
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA})
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnsupportedMediaType && r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("PATCH without a body: %d %s", r.Status, r.Body)
		}
		wantProblem(t, r, r.Status)
		got, _ := f.get(t, f.tokA, task.Id)
		sameTask(t, got, task)
	})
}

// replaceCur puts tag where an ifMatchCases header says "CUR".
func replaceCur(h, tag string) string { return strings.ReplaceAll(h, `"CUR"`, tag) }

func TestDeleteTask(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	t.Run("DeletedTaskIsGone", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "bye", "tags": []string{"gone"}})
		keep := f.createA(t, map[string]any{"title": "stay"})
		r := f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(task.Id), Token: f.tokA})
		wantStatus(t, r, http.StatusNoContent)
		if len(r.Body) != 0 {
			t.Errorf("204 with a body: %s", r.Body)
		}
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokA}), http.StatusNotFound)
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(task.Id), Token: f.tokA}), http.StatusNotFound)
		tasks, _ := f.list(t, f.tokA, "")
		if len(tasks) != 1 || tasks[0].Id != keep.Id {
			t.Errorf("after delete, tasks %q", titles(tasks))
		}
		var tags []api.TagCount
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &tags)
		if len(tags) != 0 {
			t.Errorf("tags of a deleted task remain: %+v", tags)
		}
	})
	t.Run("IfMatch", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for _, tc := range ifMatchCases(`"CUR"`) {
			t.Run(tc.name, func(t *testing.T) {
				task := f.createA(t, map[string]any{"title": "maybe"})
				_, tag := f.get(t, f.tokA, task.Id)
				r := f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(task.Id), Token: f.tokA, Header: map[string]string{"If-Match": replaceCur(tc.header, tag)}})
				if tc.pass {
					wantStatus(t, r, http.StatusNoContent)
					wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokA}), http.StatusNotFound)
					return
				}
				wantProblem(t, r, http.StatusPreconditionFailed)
				got, _ := f.get(t, f.tokA, task.Id)
				sameTask(t, got, task)
			})
		}
	})
	t.Run("IfMatchOnMissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		r := f.Do(t, apitest.Req{Method: http.MethodDelete, Path: "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", Token: f.tokA, Header: map[string]string{"If-Match": `"1"`}})
		wantProblem(t, r, http.StatusNotFound)
	})
}

func TestCompleteTask(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	complete := func(t *testing.T, f *fixture, task api.Task, body any) *apitest.Response {
		t.Helper()
		return f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id) + "/complete", Token: f.tokA, Body: body})
	}
	t.Run("NoBodyToggles", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "toggle me"})
		r := complete(t, f, task, nil)
		wantStatus(t, r, http.StatusOK)
		on := r.Task(t)
		if !on.Completed || on.CompletedAt.IsNull() {
			t.Fatalf("first toggle: %s", taskString(on))
		}
		if r.Header.Get("ETag") == "" {
			t.Error("200 without ETag")
		}
		r = complete(t, f, task, nil)
		wantStatus(t, r, http.StatusOK)
		off := r.Task(t)
		if off.Completed || !off.CompletedAt.IsNull() || !off.UpdatedAt.After(on.UpdatedAt) {
			t.Fatalf("second toggle: %s", taskString(off))
		}
	})
	t.Run("EmptyJSONBodyToggles", func(t *testing.T) {
		// A Content-Type with no body is still "no body".
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "toggle me"})
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id) + "/complete", Token: f.tokA, Body: "", ContentType: "application/json"})
		wantStatus(t, r, http.StatusOK)
		if !r.Task(t).Completed {
			t.Errorf("not toggled")
		}
	})
	for _, v := range []bool{true, false} {
		name := map[bool]string{true: "SetTrueIsIdempotent", false: "SetFalseIsIdempotent"}[v]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			task := f.createA(t, map[string]any{"title": "set me", "completed": !v})
			r := complete(t, f, task, map[string]any{"completed": v})
			wantStatus(t, r, http.StatusOK)
			first := r.Task(t)
			firstTag := r.Header.Get("ETag")
			if first.Completed != v || first.CompletedAt.IsNull() == v || !first.UpdatedAt.After(task.UpdatedAt) {
				t.Fatalf("first set: %s", taskString(first))
			}
			time.Sleep(5 * time.Millisecond)
			r = complete(t, f, task, map[string]any{"completed": v})
			wantStatus(t, r, http.StatusOK)
			second := r.Task(t)
			sameTask(t, second, first) // updated_at and completed_at unchanged
			if tag := r.Header.Get("ETag"); tag != firstTag {
				t.Errorf("ETag changed on a repeated set: %q → %q", firstTag, tag)
			}
			stored, _ := f.get(t, f.tokA, task.Id)
			sameTask(t, stored, first)
		})
	}
	refused := []struct {
		name   string
		body   any
		ct     string
		status int
		field  string
	}{
		{"EmptyObject", map[string]any{}, "", http.StatusUnprocessableEntity, ""},
		{"CompletedNull", map[string]any{"completed": nil}, "", http.StatusUnprocessableEntity, "/completed"},
		{"CompletedString", map[string]any{"completed": "yes"}, "", http.StatusUnprocessableEntity, "/completed"},
		{"UnknownProperty", map[string]any{"completed": true, "done": true}, "", http.StatusUnprocessableEntity, "/done"},
		{"MalformedJSON", `{"completed":`, "", http.StatusBadRequest, ""},
		{"NotJSON", "completed=true", "text/plain", http.StatusUnsupportedMediaType, ""},
		{"FormEncoded", "completed=true", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, ""},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			task := f.createA(t, map[string]any{"title": "stay"})
			r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id) + "/complete", Token: f.tokA, Body: tc.body, ContentType: tc.ct})
			p := wantProblem(t, r, tc.status)
			if tc.field != "" {
				wantField(t, p, tc.field)
			}
			got, _ := f.get(t, f.tokA, task.Id)
			sameTask(t, got, task)
		})
	}
	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for _, body := range []any{nil, map[string]any{"completed": true}} {
			r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10/complete", Token: f.tokA, Body: body})
			wantProblem(t, r, http.StatusNotFound)
		}
	})
}
