package store

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// departures is the departure rows of task id: "list departed_at" each.
func departures(t *testing.T, pool *pgxpool.Pool, id uuid.UUID) map[uuid.UUID]time.Time {
	t.Helper()
	rows, err := pool.Query(t.Context(), "SELECT list_id, departed_at FROM task_departures WHERE task_id = $1", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[uuid.UUID]time.Time{}
	for rows.Next() {
		var list uuid.UUID
		var at time.Time
		if err := rows.Scan(&list, &at); err != nil {
			t.Fatal(err)
		}
		out[list] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// feedEntry finds task id in a feed: its entry and whether it is there.
func feedEntry(feed []Task, id uuid.UUID) (Task, bool) {
	i := slices.IndexFunc(feed, func(t Task) bool { return t.ID == id })
	if i < 0 {
		return Task{}, false
	}
	return feed[i], true
}

// listFeed pages through listID's feed as user from p.
func listFeed(t *testing.T, s *Store, user string, listID uuid.UUID, p ChangesParams) []Task {
	t.Helper()
	var out []Task
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatal("more than 100 pages")
		}
		tasks, next, err := s.ListFeed(t.Context(), user, listID, p)
		if err != nil {
			t.Fatalf("list feed: %v", err)
		}
		out = append(out, tasks...)
		if next == nil {
			return out
		}
		p.After = next
	}
}

// TestDeparturesFeedTheListThatWasLeft: the departure trigger (0017) writes a row only when a
// task moves, stamped with the old owner's clock (the task's own updated_at within one owner);
// a task that comes back loses it. The list's feed shows the row as a tombstone and the list
// moved to shows the task; the owner's own feed shows a move between their lists as the task
// only, and a move to another owner's list as a tombstone (departures of the owner's lists).
func TestDeparturesFeedTheListThatWasLeft(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	ana, ben, cid := "dep-ana", "dep-ben", "dep-cid"
	a, b, c := createList(t, s, ana, "A"), createList(t, s, ana, "B"), createList(t, s, cid, "C")
	for _, l := range []uuid.UUID{a.ID, b.ID} {
		if _, err := pool.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'viewer', 'b0')`, ana, l, ben); err != nil {
			t.Fatal(err)
		}
	}
	task := create(t, s, ana, TaskFields{Title: "wander", ListID: &a.ID})

	if _, err := s.TaskUpdate(ctx, ana, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "renamed"}}, nil); err != nil {
		t.Fatal(err)
	}
	if d := departures(t, pool, task.ID); len(d) != 0 {
		t.Fatalf("an update that does not move wrote departures %v", d)
	}

	moved, err := s.TaskUpdate(ctx, ana, task.ID, TaskChanges{SetListID: true, Fields: TaskFields{ListID: &b.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := departures(t, pool, task.ID); len(d) != 1 || !d[a.ID].Equal(moved.UpdatedAt) {
		t.Fatalf("departures after the move A→B: %v, want A at the move's updated_at %v", d, moved.UpdatedAt)
	}
	if e, ok := feedEntry(listFeed(t, s, ben, a.ID, ChangesParams{Limit: 1}), task.ID); !ok || e.DeletedAt == nil || !e.DeletedAt.Equal(moved.UpdatedAt) {
		t.Errorf("A's feed: %+v (there: %v), want a tombstone at %v", e, ok, moved.UpdatedAt)
	}
	if e, ok := feedEntry(listFeed(t, s, ben, b.ID, ChangesParams{Limit: 1}), task.ID); !ok || e.DeletedAt != nil || e.ListID != b.ID {
		t.Errorf("B's feed: %+v (there: %v), want the task", e, ok)
	}
	if e, ok := feedEntry(allChanges(t, s, ana, ChangesParams{Limit: 1}), task.ID); !ok || e.DeletedAt != nil {
		t.Errorf("the owner's feed: %+v (there: %v), want the task (moved between the owner's lists)", e, ok)
	}

	back, err := s.TaskUpdate(ctx, ana, task.ID, TaskChanges{SetListID: true, Fields: TaskFields{ListID: &a.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := departures(t, pool, task.ID); len(d) != 1 || !d[b.ID].Equal(back.UpdatedAt) {
		t.Fatalf("departures after the move back B→A: %v, want only B's at %v", d, back.UpdatedAt)
	}
	if e, ok := feedEntry(listFeed(t, s, ben, a.ID, ChangesParams{Limit: 1}), task.ID); !ok || e.DeletedAt != nil {
		t.Errorf("A's feed after the task came back: %+v (there: %v), want the task", e, ok)
	}

	// A move to another owner's list, as a cross-owner move must write it: both owners'
	// clocks first, then the row, stamped with the new owner's clock.
	before, err := s.UserClock(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit, a no-op
	var stamp time.Time
	if err := tx.QueryRow(ctx, "SELECT user_clock_tick($1), user_clock_tick($2)", ana, cid).Scan(new(time.Time), &stamp); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE tasks SET user_id = $3, list_id = $4, updated_at = $5 WHERE user_id = $1 AND id = $2", ana, task.ID, cid, c.ID, stamp); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	d := departures(t, pool, task.ID)
	away, ok := d[a.ID]
	if !ok || !away.After(before.Last) {
		t.Fatalf("departures after the move to another owner: %v, want A's after the old owner's clock %v", d, before.Last)
	}
	after := before.Last
	if e, ok := feedEntry(allChanges(t, s, ana, ChangesParams{Limit: 1, UpdatedAfter: &after}), task.ID); !ok || e.DeletedAt == nil || !e.DeletedAt.Equal(away) {
		t.Errorf("the old owner's feed: %+v (there: %v), want a tombstone at %v", e, ok, away)
	}
	if e, ok := feedEntry(listFeed(t, s, ben, a.ID, ChangesParams{Limit: 50, UpdatedAfter: &after}), task.ID); !ok || e.DeletedAt == nil {
		t.Errorf("A's feed: %+v (there: %v), want a tombstone", e, ok)
	}
	if e, ok := feedEntry(allChanges(t, s, cid, ChangesParams{Limit: 50}), task.ID); !ok || e.DeletedAt != nil || e.ListID != c.ID {
		t.Errorf("the new owner's feed: %+v (there: %v), want the task", e, ok)
	}
}
