package store

import (
	"testing"
)

// TestListingClock: a page carries the caller's clock, read by the listing statement itself
// through user_clock_last (db/migrations/0013_user_clock_last.sql) — the user's latest write,
// and no clock at all (zero Last, no error) for a user whose tasks exist without a clock row.
func TestListingClock(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	tests := []struct {
		name      string
		dropClock bool
	}{
		{"WithClock", false},
		{"WithoutClockRow", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			user := "listing-clock-" + tt.name
			task := create(t, s, user, TaskFields{Title: "a task"})
			if tt.dropClock {
				if _, err := pool.Exec(ctx, "DELETE FROM user_clocks WHERE user_id = $1", user); err != nil {
					t.Fatal(err)
				}
			}
			clock, tasks, _, err := s.TaskListWithClock(ctx, user, ListParams{Sort: SortCreated, Desc: true, Limit: 10})
			if err != nil {
				t.Fatalf("TaskListWithClock: %v", err)
			}
			if len(tasks) != 1 || tasks[0].ID != task.ID {
				t.Fatalf("page %+v, want the one task %s", tasks, task.ID)
			}
			if clock.Now.IsZero() {
				t.Errorf("clock %+v: no Now", clock)
			}
			if tt.dropClock != clock.Last.IsZero() {
				t.Errorf("clock %+v, want zero Last only without the clock row", clock)
			}
			if !tt.dropClock && clock.Last.Before(task.UpdatedAt) {
				t.Errorf("clock %+v before the task's write %v", clock, task.UpdatedAt)
			}
		})
	}
}
