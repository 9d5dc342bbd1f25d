package httpapi_test

import (
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

var linkNextOccurrence = regexp.MustCompile(`^</api/tasks/([0-9a-f-]{36})>; rel="next-occurrence"$`)

// nextOccurrence returns the task r's Link rel="next-occurrence" names, fetched with tok
// (it must GET 200), or nil when r has no Link. Any other Link fails the test.
func (f *fixture) nextOccurrence(t *testing.T, tok string, r *apitest.Response) *api.Task {
	t.Helper()
	h := r.Header.Values("Link")
	if len(h) == 0 {
		return nil
	}
	m := linkNextOccurrence.FindStringSubmatch(h[0])
	if len(h) != 1 || m == nil {
		t.Fatalf("Link %q, want one </api/tasks/{id}>; rel=\"next-occurrence\"", h)
	}
	next, _ := f.get(t, tok, uuid.MustParse(m[1]))
	return &next
}

// complete sends PATCH /complete with body (nil toggles) as tok's user, failing unless 200.
func (f *fixture) complete(t *testing.T, tok string, id uuid.UUID, body any) *apitest.Response {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete", Token: tok, Body: body})
	wantStatus(t, r, http.StatusOK)
	return r
}

var completedTrue = map[string]any{"completed": true}

func TestRepeatingTasks(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	t.Run("EachRuleViaComplete", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ repeat, due, want string }{
			{"daily", "2027-12-31", "2028-01-01"},
			{"weekdays", "2027-11-26", "2027-11-29"},
			{"weekly", "2028-02-26", "2028-03-04"},
			{"monthly", "2028-01-31", "2028-02-29"},
			{"yearly", "2028-02-29", "2029-02-28"},
		} {
			t.Run(tc.repeat, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				task := f.createA(t, map[string]any{"title": "chore", "description": "d", "priority": "high", "due_date": tc.due,
					"due_time": "07:15", "tags": []string{"home"}, "repeat": tc.repeat})
				if task.Repeat != api.Repeat(tc.repeat) {
					t.Fatalf("created with repeat %q", task.Repeat)
				}
				r := f.complete(t, f.tokA, task.Id, completedTrue)
				next := f.nextOccurrence(t, f.tokA, r)
				if next == nil {
					t.Fatalf("no Link to the next occurrence; headers %v", r.Header)
				}
				if dateString(*next) != tc.want || dueTime(*next) != "07:15" || next.Repeat != task.Repeat ||
					next.Completed || next.Title != "chore" || descString(*next) != "d" || next.Priority != api.PriorityHigh {
					t.Errorf("next occurrence %s, want due %s, a pending copy", taskString(*next), tc.want)
				}
				if !r.Task(t).Completed {
					t.Error("the completed task is not completed")
				}
				// A retry answers with the same Link and creates nothing.
				again := f.complete(t, f.tokA, task.Id, completedTrue)
				if n := f.nextOccurrence(t, f.tokA, again); n == nil || n.Id != next.Id {
					t.Errorf("retry's next occurrence %v, want %s", n, next.Id)
				}
				if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 2 {
					t.Errorf("%d tasks, want 2", len(tasks))
				}
			})
		}
	})

	t.Run("EveryCompletingWrite", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		body := map[string]any{"title": "standup", "due_date": "2027-03-05", "repeat": "weekdays"}
		writes := []struct {
			name string
			do   func(id uuid.UUID) *apitest.Response
		}{
			{"Toggle", func(id uuid.UUID) *apitest.Response { return f.complete(t, f.tokA, id, nil) }},
			{"Put", func(id uuid.UUID) *apitest.Response {
				b := map[string]any{"title": "standup", "due_date": "2027-03-05", "repeat": "weekdays", "completed": true}
				return f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(id), Token: f.tokA, Body: b})
			}},
			{"Patch", func(id uuid.UUID) *apitest.Response {
				return f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: f.tokA, Body: completedTrue, ContentType: "application/merge-patch+json"})
			}},
		}
		for _, w := range writes {
			task := f.createA(t, body)
			r := w.do(task.Id)
			wantStatus(t, r, http.StatusOK)
			next := f.nextOccurrence(t, f.tokA, r)
			if next == nil || dateString(*next) != "2027-03-08" {
				t.Fatalf("%s: next occurrence %v; headers %v", w.name, next, r.Header)
			}
		}
		// Bulk complete: the occurrences are created too (found by listing).
		a, b := f.createA(t, body), f.createA(t, body)
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: f.tokA,
			Body: map[string]any{"action": "complete", "ids": []uuid.UUID{a.Id, b.Id}}})
		wantStatus(t, r, http.StatusOK)
		pending, _ := f.list(t, f.tokA, "status=pending")
		if len(pending) != 5 {
			t.Fatalf("%d pending tasks, want the 5 next occurrences", len(pending))
		}
		for _, p := range pending {
			if dateString(p) != "2027-03-08" || p.Repeat != api.RepeatWeekdays {
				t.Errorf("pending %s", taskString(p))
			}
		}
		// The Link names the next occurrence on any later write while it lives — also
		// uncompleting, which leaves the occurrence alone.
		off := f.complete(t, f.tokA, a.Id, map[string]any{"completed": false})
		if next := f.nextOccurrence(t, f.tokA, off); next == nil || off.Task(t).Completed {
			t.Fatalf("uncompleted: Link %v", off.Header.Values("Link"))
		}
	})

	t.Run("ConcurrentCompletionsCreateOne", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "rent", "due_date": "2027-01-31", "repeat": "monthly"})
		const n = 20
		links := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id) + "/complete", Token: f.tokA, Body: completedTrue})
				if r.Status != http.StatusOK {
					t.Errorf("completion %d: %d %s", i, r.Status, r.Body)
				}
				links[i] = r.Header.Get("Link")
			})
		}
		wg.Wait()
		for i := range links {
			if links[i] == "" || links[i] != links[0] {
				t.Fatalf("Links differ: %q", links)
			}
		}
		tasks, _ := f.list(t, f.tokA, "")
		if len(tasks) != 2 {
			t.Fatalf("%d tasks after %d concurrent completions, want 2", len(tasks), n)
		}
	})

	t.Run("NoLinkWithoutANextOccurrence", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		plain := f.createA(t, map[string]any{"title": "once", "due_date": "2027-01-01"})
		if plain.Repeat != api.RepeatNone {
			t.Fatalf("default repeat %q, want none", plain.Repeat)
		}
		for _, body := range []any{completedTrue, nil, nil} {
			if r := f.complete(t, f.tokA, plain.Id, body); r.Header.Get("Link") != "" {
				t.Fatalf("Link %q on a task that does not repeat", r.Header.Get("Link"))
			}
		}
		// A deleted next occurrence is not named (and not replaced).
		task := f.createA(t, map[string]any{"title": "gym", "due_date": "2027-01-01", "repeat": "daily"})
		next := f.nextOccurrence(t, f.tokA, f.complete(t, f.tokA, task.Id, completedTrue))
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(next.Id), Token: f.tokA}), http.StatusNoContent)
		f.complete(t, f.tokA, task.Id, map[string]any{"completed": false})
		if r := f.complete(t, f.tokA, task.Id, completedTrue); r.Header.Get("Link") != "" {
			t.Fatalf("Link %q to a deleted occurrence", r.Header.Get("Link"))
		}
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 2 {
			t.Fatalf("%d tasks, want the two without a replacement occurrence", len(tasks))
		}
	})

	t.Run("ForeignTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "A's", "due_date": "2027-01-01", "repeat": "daily"})
		for _, req := range []apitest.Req{
			{Method: http.MethodPatch, Path: taskPath(task.Id) + "/complete", Body: completedTrue},
			{Method: http.MethodPatch, Path: taskPath(task.Id) + "/complete"},
			{Method: http.MethodPatch, Path: taskPath(task.Id), Body: completedTrue},
			{Method: http.MethodPut, Path: taskPath(task.Id), Body: map[string]any{"title": "B's", "due_date": "2027-01-01", "repeat": "daily", "completed": true}},
		} {
			req.Token = f.tokB
			r := f.Do(t, req)
			wantProblem(t, r, http.StatusNotFound)
			if r.Header.Get("Link") != "" {
				t.Errorf("%s %s: Link %q", req.Method, req.Path, r.Header.Get("Link"))
			}
		}
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: f.tokB,
			Body: map[string]any{"action": "complete", "ids": []uuid.UUID{task.Id}}})
		wantStatus(t, r, http.StatusOK)
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 1 || tasks[0].Completed {
			t.Fatalf("A's tasks after B's attempts: %v", titles(tasks))
		}
		if tasks, _ := f.list(t, f.tokB, ""); len(tasks) != 0 {
			t.Fatalf("B has tasks: %v", titles(tasks))
		}
	})

	t.Run("Refused", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		undated := f.createA(t, map[string]any{"title": "undated"})
		dated := f.createA(t, map[string]any{"title": "dated", "due_date": "2027-01-01", "repeat": "weekly"})
		merge := "application/merge-patch+json"
		for _, tc := range []struct {
			name string
			req  apitest.Req
		}{
			{"UnknownValue", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2027-01-01", "repeat": "hourly"}}},
			{"NotAString", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2027-01-01", "repeat": 7}}},
			{"NullOnCreate", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2027-01-01", "repeat": nil}}},
			{"UnknownValueOnPatch", apitest.Req{Method: http.MethodPatch, Path: taskPath(dated.Id), Body: map[string]any{"repeat": "Daily"}, ContentType: merge}},
			{"CreateWithoutDate", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "repeat": "daily"}}},
			{"ReplaceWithoutDate", apitest.Req{Method: http.MethodPut, Path: taskPath(dated.Id), Body: map[string]any{"title": "x", "repeat": "daily"}}},
			{"PatchOntoUndatedTask", apitest.Req{Method: http.MethodPatch, Path: taskPath(undated.Id), Body: map[string]any{"repeat": "daily"}, ContentType: merge}},
			{"PatchRepeatAndClearDate", apitest.Req{Method: http.MethodPatch, Path: taskPath(dated.Id), Body: map[string]any{"repeat": "daily", "due_date": nil}, ContentType: merge}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.req.Token = f.tokA
				wantFields(t, wantProblem(t, f.Do(t, tc.req), http.StatusUnprocessableEntity), "/repeat")
			})
		}
		// Clearing the date ends the repeat; none needs no date.
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(dated.Id), Token: f.tokA, Body: map[string]any{"due_date": nil}, ContentType: merge})
		wantStatus(t, r, http.StatusOK)
		if got := r.Task(t); got.Repeat != api.RepeatNone {
			t.Errorf("clearing the date kept repeat %q", got.Repeat)
		}
		r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(undated.Id), Token: f.tokA, Body: map[string]any{"repeat": "none"}, ContentType: merge})
		wantStatus(t, r, http.StatusOK)
		if _, got := f.get(t, f.tokA, dated.Id); got == "" {
			t.Error("no ETag")
		}
	})
}

// TestRepeatingSeriesEndsAtTheLastDate: 9999-12-31 is the last date the contract can write
// (four-digit years). Issue 12: completing a daily task due 9999-12-31 created an occurrence
// due 10000-01-01, which broke the contract in every response that showed it. Now a series
// whose next date would fall after 9999-12-31 ends: the completion succeeds and creates
// nothing; dates up to 9999-12-31 still get their occurrence, for every rule.
func TestRepeatingSeriesEndsAtTheLastDate(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	for _, tc := range []struct{ repeat, due, want string }{ // want "": the series ends
		{"daily", "9999-12-31", ""},
		{"daily", "9999-12-30", "9999-12-31"},
		{"weekdays", "9999-12-31", ""}, // a Friday: the next weekday is in 10000
		{"weekdays", "9999-12-30", "9999-12-31"},
		{"weekdays", "9999-12-25", "9999-12-27"},
		{"weekly", "9999-12-25", ""},
		{"weekly", "9999-12-24", "9999-12-31"},
		{"monthly", "9999-12-01", ""},
		{"monthly", "9999-11-30", "9999-12-30"},
		{"yearly", "9999-01-01", ""},
		{"yearly", "9998-12-31", "9999-12-31"},
	} {
		t.Run(tc.repeat+"/"+tc.due, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			task := f.createA(t, map[string]any{"title": "far future", "due_date": tc.due, "repeat": tc.repeat})
			for range 2 { // a retry answers alike
				r := f.complete(t, f.tokA, task.Id, completedTrue)
				next := f.nextOccurrence(t, f.tokA, r)
				switch {
				case tc.want == "" && next != nil:
					t.Fatalf("completing created an occurrence due %s; the series must end", dateString(*next))
				case tc.want != "" && (next == nil || dateString(*next) != tc.want):
					t.Fatalf("next occurrence %v, want one due %s", next, tc.want)
				}
				if done := r.Task(t); !done.Completed {
					t.Errorf("not completed: %s", taskString(done))
				}
			}
			all, _ := f.list(t, f.tokA, "limit=200")
			if want := map[bool]int{true: 1, false: 2}[tc.want == ""]; len(all) != want {
				t.Errorf("%d tasks after completing, want %d: %q", len(all), want, titles(all))
			}
		})
	}
	t.Run("BulkComplete", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		last := f.createA(t, map[string]any{"title": "last", "due_date": "9999-12-31", "repeat": "daily"})
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: f.tokA,
			Body: map[string]any{"ids": []string{last.Id.String()}, "action": "complete"}})
		wantStatus(t, r, http.StatusOK)
		if all, _ := f.list(t, f.tokA, "limit=200"); len(all) != 1 || !all[0].Completed {
			t.Errorf("after bulk complete: %d tasks %q, want the completed one alone", len(all), titles(all))
		}
	})
}
