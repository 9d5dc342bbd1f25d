package store

import (
	"errors"
	"slices"
	"testing"
	"time"
	_ "time/tzdata"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDueTime(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "due-timer"
	ctx := t.Context()

	t.Run("StoredAsGiven", func(t *testing.T) {
		t.Parallel()
		for _, hm := range []string{"00:00", "09:05", "23:59"} {
			task := create(t, s, user, TaskFields{Title: "t", DueDate: day(2030, 1, 2), DueTime: ptr(hm)})
			got, err := s.TaskGet(ctx, user, task.ID)
			if err != nil || got.DueTime == nil || *got.DueTime != hm || task.DueTime == nil || *task.DueTime != hm {
				t.Fatalf("due time %q stored as %v (returned %v), %v", hm, got.DueTime, task.DueTime, err)
			}
		}
		if task := create(t, s, user, TaskFields{Title: "no time", DueDate: day(2030, 1, 2)}); task.DueTime != nil {
			t.Fatalf("a task without a time has %q", *task.DueTime)
		}
	})
	t.Run("NeedsADate", func(t *testing.T) {
		t.Parallel()
		if _, _, err := s.TaskCreate(ctx, user, TaskFields{Title: "t", Priority: "low", DueTime: ptr("10:00")}, "", nil); !errors.Is(err, ErrDueTimeWithoutDate) {
			t.Fatalf("create with a time and no date: %v", err)
		}
		undated := create(t, s, user, TaskFields{Title: "undated"})
		_, err := s.TaskUpdate(ctx, user, undated.ID, TaskChanges{SetDueTime: true, Fields: TaskFields{DueTime: ptr("10:00")}}, nil)
		if !errors.Is(err, ErrDueTimeWithoutDate) || !errors.Is(err, ErrInvalid) {
			t.Fatalf("patch a time onto an undated task: %v", err)
		}
	})
	t.Run("ClearingTheDateClearsTheTime", func(t *testing.T) {
		t.Parallel()
		task := create(t, s, user, TaskFields{Title: "t", DueDate: day(2030, 1, 2), DueTime: ptr("08:00")})
		got, err := s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetDueDate: true}, nil)
		if err != nil || got.DueDate != nil || got.DueTime != nil {
			t.Fatalf("after clearing the date: %s, %v", render(got), err)
		}
		// Changing the date keeps the time; changing the time keeps the date.
		task = create(t, s, user, TaskFields{Title: "t", DueDate: day(2030, 1, 2), DueTime: ptr("08:00")})
		got, err = s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetDueDate: true, Fields: TaskFields{DueDate: day(2030, 2, 3)}}, nil)
		if err != nil || got.DueTime == nil || *got.DueTime != "08:00" {
			t.Fatalf("after changing the date: %s, %v", render(got), err)
		}
		got, err = s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetDueTime: true}, nil)
		if err != nil || got.DueTime != nil || got.DueDate == nil {
			t.Fatalf("after clearing the time: %s, %v", render(got), err)
		}
	})
}

// TestOverdueInTheCallersZone: overdue is decided on the caller's wall clock — a dated task
// once its day is over there, a timed one once its time has passed there — in stats and in
// the overdue filter alike.
func TestOverdueInTheCallersZone(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "overdue-zones"
	for _, f := range []TaskFields{
		{Title: "A: the 10th", DueDate: day(2030, 6, 10)},
		{Title: "B: the 10th at 09:00", DueDate: day(2030, 6, 10), DueTime: ptr("09:00")},
		{Title: "C: the 10th at 18:00", DueDate: day(2030, 6, 10), DueTime: ptr("18:00")},
		{Title: "D: the 9th at 23:59", DueDate: day(2030, 6, 9), DueTime: ptr("23:59")},
		{Title: "E: done, the 1st", DueDate: day(2030, 6, 1), Completed: true},
		{Title: "F: no date"},
	} {
		create(t, s, user, f)
	}
	create(t, s, "someone else", TaskFields{Title: "theirs", DueDate: day(2030, 6, 1)})
	instant := time.Date(2030, 6, 10, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		now  time.Time
		want []string // overdue titles, by first letter
	}{
		{"UTC", instant, []string{"B", "C", "D"}},                                                     // the 10th, 23:30
		{"Tokyo", instant.In(zone(t, "Asia/Tokyo")), []string{"A", "B", "C", "D"}},                    // the 11th, 08:30
		{"PagoPago", instant.In(zone(t, "Pacific/Pago_Pago")), []string{"B", "D"}},                    // the 10th, 12:30
		{"BerlinAt0900", time.Date(2030, 6, 10, 9, 0, 0, 0, zone(t, "Europe/Berlin")), []string{"D"}}, // 09:00 is not past 09:00
		{"BerlinAt0901", time.Date(2030, 6, 10, 9, 1, 0, 0, zone(t, "Europe/Berlin")), []string{"B", "D"}},
		{"JustAfterMidnight", time.Date(2030, 6, 11, 0, 0, 30, 0, zone(t, "Europe/Berlin")), []string{"A", "B", "C", "D"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := s.TaskStats(t.Context(), user, tc.now, nil)
			if err != nil || st.Overdue != int64(len(tc.want)) || st.Total != 6 {
				t.Errorf("stats %+v, %v; want %d overdue of 6", st, err, len(tc.want))
			}
			for _, overdue := range []bool{true, false} {
				tasks, _, err := s.TaskList(t.Context(), user, ListParams{Sort: SortDueDate, Overdue: ptr(overdue), Now: tc.now, Limit: 50})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, task := range tasks {
					got = append(got, task.Title[:1])
				}
				slices.Sort(got)
				want := tc.want
				if !overdue {
					want = slices.DeleteFunc([]string{"A", "B", "C", "D", "E", "F"}, func(x string) bool { return slices.Contains(tc.want, x) })
				}
				if !slices.Equal(got, want) {
					t.Errorf("overdue=%v lists %q, want %q", overdue, got, want)
				}
			}
		})
	}
	t.Run("DueDateOrderHasTheTimes", func(t *testing.T) {
		tasks, _, err := s.TaskList(t.Context(), user, ListParams{Sort: SortDueDate, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, task := range tasks {
			got = append(got, task.Title[:1])
		}
		if want := []string{"E", "D", "B", "C", "A", "F"}; !slices.Equal(got, want) {
			t.Fatalf("by due date: %q, want %q (times within a day, a day's untimed task at its end)", got, want)
		}
	})
}
