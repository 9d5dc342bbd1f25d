package store

import (
	"strconv"
	"strings"
	"testing"
)

// TestListingClock: a page carries the clock of the caller's lists, read by the listing
// statement itself through member_clock_view (db/migrations/0016_task_membership.sql) — the
// number of the caller's lists and the sum of their owners' latest writes (here the caller's
// own, in microseconds), and 0 for that sum (no error) for a user whose tasks exist without a
// clock row.
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
			lists, sum, _ := strings.Cut(clock.View, ":")
			micros, err := strconv.ParseInt(sum, 10, 64)
			if lists != "1" || err != nil || tt.dropClock != (micros == 0) {
				t.Errorf("clock %+v, want one list and a zero sum only without the clock row", clock)
			}
			if !tt.dropClock && micros < task.UpdatedAt.UnixMicro() {
				t.Errorf("clock %+v before the task's write %v", clock, task.UpdatedAt)
			}
		})
	}
}
