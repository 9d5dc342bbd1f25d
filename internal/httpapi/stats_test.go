package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

func TestTaskStats(t *testing.T) {
	t.Parallel()
	f := setup(t)
	stats := func(t *testing.T, tok string) api.TaskStats {
		t.Helper()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats", Token: tok})
		wantStatus(t, r, http.StatusOK)
		var s api.TaskStats
		r.JSON(t, &s)
		return s
	}
	if s := stats(t, f.tokA); s != (api.TaskStats{}) {
		t.Fatalf("no tasks: %+v", s)
	}
	// The server's "today" is UTC; if the test straddles midnight UTC, run it again with
	// fresh users.
	for attempt := 0; ; attempt++ {
		today := todayUTC()
		a := f.Token(t, userFor(t, fmt.Sprintf("a%d", attempt)))
		b := f.Token(t, userFor(t, fmt.Sprintf("b%d", attempt)))
		for _, body := range []map[string]any{
			{"title": "overdue", "due_date": day(today.AddDate(0, 0, -1))},
			{"title": "long overdue", "due_date": day(today.AddDate(-1, 0, 0))},
			{"title": "due today is not overdue", "due_date": day(today)},
			{"title": "due tomorrow", "due_date": day(today.AddDate(0, 0, 1))},
			{"title": "no due date"},
			{"title": "done late", "due_date": day(today.AddDate(0, 0, -1)), "completed": true},
			{"title": "done", "completed": true},
		} {
			f.create(t, a, body)
		}
		f.create(t, b, map[string]any{"title": "B overdue", "due_date": day(today.AddDate(0, 0, -3))})
		gotA, gotB := stats(t, a), stats(t, b)
		if !todayUTC().Equal(today) && attempt == 0 {
			continue
		}
		if want := (api.TaskStats{Total: 7, Completed: 2, Pending: 5, Overdue: 2}); gotA != want {
			t.Errorf("A's stats %+v, want %+v", gotA, want)
		}
		if want := (api.TaskStats{Total: 1, Completed: 0, Pending: 1, Overdue: 1}); gotB != want {
			t.Errorf("B's stats %+v, want %+v", gotB, want)
		}
		break
	}
}
