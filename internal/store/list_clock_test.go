package store

import (
	"strconv"
	"strings"
	"testing"
)

// TestListingClock: a page carries the clock of the caller's lists, read by the listing
// statement itself. For a caller who is a member of no other owner's list, their own clock
// (user_clock_last; zero, no error, for a user whose tasks exist without a clock row); for a
// member of another owner's list, member_clock_view (db/migrations/0016_task_membership.sql)
// — the number of the caller's lists and the sum of their owners' latest writes in
// microseconds (0 without the clock rows).
func TestListingClock(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	tests := []struct {
		name      string
		dropClock bool
		member    bool
	}{
		{"WithClock", false, false},
		{"WithoutClockRow", true, false},
		{"MemberWithClock", false, true},
		{"MemberWithoutClockRows", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			user := "listing-clock-" + tt.name
			task := create(t, s, user, TaskFields{Title: "a task"})
			if tt.member {
				// A member of another owner's (empty) list.
				owner := user + "-owner"
				list := newList(t, pool, owner)
				if _, err := pool.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'viewer', 'c1')`, owner, list, user); err != nil {
					t.Fatal(err)
				}
			}
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
			if !tt.member {
				if clock.View != "" || tt.dropClock != clock.Last.IsZero() || !tt.dropClock && clock.Last.Before(task.UpdatedAt) {
					t.Errorf("clock %+v, want the caller's own: at or after the task's write %v, zero only without the clock row", clock, task.UpdatedAt)
				}
				return
			}
			lists, sum, _ := strings.Cut(clock.View, ":")
			micros, err := strconv.ParseInt(sum, 10, 64)
			if lists != "2" || err != nil || tt.dropClock != (micros == 0) {
				t.Errorf("clock %+v, want two lists and a zero sum only without the clock rows", clock)
			}
			if !tt.dropClock && micros < task.UpdatedAt.UnixMicro() {
				t.Errorf("clock %+v before the task's write %v", clock, task.UpdatedAt)
			}
		})
	}
}
