package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

func dueTime(task api.Task) string {
	v, err := task.DueTime.Get()
	if err != nil {
		return ""
	}
	return v
}

func TestDueTime(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	t.Run("WrittenAndRead", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "call", "due_date": "2030-01-02", "due_time": "09:30"})
		if dueTime(task) != "09:30" {
			t.Fatalf("due_time %q", dueTime(task))
		}
		untimed := f.createA(t, map[string]any{"title": "someday", "due_date": "2030-01-02"})
		if !untimed.DueTime.IsNull() {
			t.Fatalf("due_time %q, want null", dueTime(untimed))
		}
		// PUT without due_time clears it; PATCH null clears it; clearing the date clears it.
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "call", "due_date": "2030-01-02"}})
		wantStatus(t, r, http.StatusOK)
		if !r.Task(t).DueTime.IsNull() {
			t.Error("PUT without due_time kept it")
		}
		patch := func(body map[string]any) api.Task {
			r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA, Body: body, ContentType: "application/merge-patch+json"})
			wantStatus(t, r, http.StatusOK)
			return r.Task(t)
		}
		if got := patch(map[string]any{"due_time": "18:00"}); dueTime(got) != "18:00" || dateString(got) != "2030-01-02" {
			t.Errorf("after setting the time: %s", taskString(got))
		}
		if got := patch(map[string]any{"due_date": "2030-02-03"}); dueTime(got) != "18:00" {
			t.Errorf("changing the date lost the time: %s", taskString(got))
		}
		if got := patch(map[string]any{"due_time": nil}); !got.DueTime.IsNull() || dateString(got) != "2030-02-03" {
			t.Errorf("after clearing the time: %s", taskString(got))
		}
		patch(map[string]any{"due_time": "07:00"})
		if got := patch(map[string]any{"due_date": nil}); !got.DueTime.IsNull() || !got.DueDate.IsNull() {
			t.Errorf("clearing the date kept the time: %s", taskString(got))
		}
	})

	t.Run("Refused", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		undated := f.createA(t, map[string]any{"title": "undated"})
		for _, tc := range []struct {
			name string
			req  apitest.Req
		}{
			{"NoLeadingZero", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2030-01-01", "due_time": "9:30"}}},
			{"Hour24", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2030-01-01", "due_time": "24:00"}}},
			{"Minute60", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2030-01-01", "due_time": "12:60"}}},
			{"Seconds", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_date": "2030-01-01", "due_time": "12:30:00"}}},
			{"CreateWithoutDate", apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "due_time": "12:30"}}},
			{"ReplaceWithoutDate", apitest.Req{Method: http.MethodPut, Path: taskPath(undated.Id), Body: map[string]any{"title": "x", "due_time": "12:30"}}},
			{"PatchOntoUndatedTask", apitest.Req{Method: http.MethodPatch, Path: taskPath(undated.Id), Body: map[string]any{"due_time": "12:30"}, ContentType: "application/merge-patch+json"}},
			{"PatchTimeAndClearDate", apitest.Req{Method: http.MethodPatch, Path: taskPath(undated.Id), Body: map[string]any{"due_time": "12:30", "due_date": nil}, ContentType: "application/merge-patch+json"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.req.Token = f.tokA
				wantFields(t, wantProblem(t, f.Do(t, tc.req), http.StatusUnprocessableEntity), "/due_time")
			})
		}
		got, _ := f.get(t, f.tokA, undated.Id)
		sameTask(t, got, undated)
	})

	t.Run("UnknownTimeZoneIs400", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for _, tz := range []string{"Mars/Olympus_Mons", "Local", "../etc/passwd", "/etc/localtime"} {
			for _, path := range []string{"/api/tasks/stats?tz=", "/api/tasks?overdue=true&tz="} {
				r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path + url.QueryEscape(tz), Token: f.tokA})
				wantField(t, wantProblem(t, r, http.StatusBadRequest), "query.tz")
			}
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats?tz=", Token: f.tokA})
		wantField(t, wantProblem(t, r, http.StatusBadRequest), "query.tz")
	})

	// Tasks due two hours before and after now on the wall clock of a zone far from UTC: the
	// stats and the overdue filter in that zone see the first as overdue, not the second,
	// whatever UTC's date.
	t.Run("OverdueOnTheCallersWallClock", func(t *testing.T) {
		t.Parallel()
		// The service's clock stands still, so the test's "now" is the service's, even when
		// a zone's midnight passes while the test runs.
		stopped := time.Now()
		clocked := setup(t, apitest.Options{Now: func() time.Time { return stopped }})
		for _, name := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "UTC"} {
			t.Run(name, func(t *testing.T) {
				f := clocked.sub(t)
				loc, err := time.LoadLocation(name)
				if err != nil {
					t.Fatal(err)
				}
				now := stopped.In(loc)
				past, future := now.Add(-2*time.Hour), now.Add(2*time.Hour)
				yesterday := now.AddDate(0, 0, -1)
				f.createA(t, map[string]any{"title": "past", "due_date": past.Format(time.DateOnly), "due_time": past.Format("15:04")})
				f.createA(t, map[string]any{"title": "future", "due_date": future.Format(time.DateOnly), "due_time": future.Format("15:04")})
				f.createA(t, map[string]any{"title": "yesterday", "due_date": yesterday.Format(time.DateOnly)})
				f.createA(t, map[string]any{"title": "today", "due_date": now.Format(time.DateOnly)})
				r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats?tz=" + url.QueryEscape(name), Token: f.tokA})
				wantStatus(t, r, http.StatusOK)
				var st api.TaskStats
				r.JSON(t, &st)
				if st.Overdue != 2 {
					t.Errorf("overdue %d in %s, want 2 (past, yesterday)", st.Overdue, name)
				}
				tasks, _ := f.list(t, f.tokA, "overdue=true&tz="+url.QueryEscape(name))
				if got := slices.Sorted(slices.Values(titles(tasks))); !slices.Equal(got, []string{"past", "yesterday"}) {
					t.Errorf("overdue=true in %s: %q", name, got)
				}
				tasks, _ = f.list(t, f.tokA, "overdue=false&tz="+url.QueryEscape(name))
				if got := slices.Sorted(slices.Values(titles(tasks))); !slices.Equal(got, []string{"future", "today"}) {
					t.Errorf("overdue=false in %s: %q", name, got)
				}
			})
		}
	})

	t.Run("OverdueFilterKeepsItsZoneInTheNextLink", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for range 3 {
			f.createA(t, map[string]any{"title": "old", "due_date": "2001-01-01", "due_time": "10:00"})
		}
		got, pages := f.listAll(t, f.tokA, "overdue=true&tz=Asia%2FTokyo&limit=1")
		if len(got) != 3 || pages != 3 {
			t.Errorf("%d tasks on %d pages", len(got), pages)
		}
	})
}
