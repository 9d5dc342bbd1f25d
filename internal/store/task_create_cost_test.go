package store

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// breakFunction makes the database function name raise when it runs, for the rest of the
// test (the database is the test's own); restore puts it back.
func breakFunction(t *testing.T, admin *pgxpool.Pool, name string) (restore func()) {
	t.Helper()
	var def string
	if err := admin.QueryRow(t.Context(), "SELECT pg_get_functiondef($1::regproc)", name).Scan(&def); err != nil {
		t.Fatalf("definition of %s: %v", name, err)
	}
	broken := `CREATE OR REPLACE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION '` + name + ` ran'; END $$`
	if _, err := admin.Exec(t.Context(), broken); err != nil {
		t.Fatalf("break %s: %v", name, err)
	}
	return func() {
		t.Helper()
		if _, err := admin.Exec(t.Context(), def); err != nil {
			t.Fatalf("restore %s: %v", name, err)
		}
	}
}

// TestTaskCreateTopLevelRunsNoListTrigger: creating a top-level task in a user's inbox (the
// create of make bench's create scenario, and of every v1.0 client) runs none of the lists'
// trigger functions — the statement finds the inbox itself and only a subtask's insert
// counts anything — where it first ran two (issue 14's speed check: about 60 µs of
// PostgreSQL's time a create). The first create of a user still goes through the trigger,
// which creates the inbox; a subtask's create still counts.
func TestTaskCreateTopLevelRunsNoListTrigger(t *testing.T) {
	t.Parallel()
	s, admin := newStore(t)
	const user = "create-cost"
	first := create(t, s, user, TaskFields{Title: "first: creates the inbox"})
	parent := create(t, s, user, TaskFields{Title: "parent"})

	restoreDefault := breakFunction(t, admin, "tasks_default_list")
	restoreCounts := breakFunction(t, admin, "tasks_count_subtasks")
	task, _, err := s.TaskCreate(t.Context(), user, TaskFields{Title: "top-level, in the inbox", Priority: "medium"}, "", nil)
	if err != nil {
		t.Fatalf("TaskCreate with the list triggers' functions raising: %v", err)
	}
	if task.ListID != first.ListID || task.ParentID != nil || task.SubtasksTotal != 0 {
		t.Fatalf("created in list %v, parent %v, %d subtasks; want the inbox %v, top-level, 0", task.ListID, task.ParentID, task.SubtasksTotal, first.ListID)
	}
	restoreCounts()
	restoreDefault()

	c := sub(t, s, user, parent, "child")
	if got := get(t, s, user, parent.ID); counts(got) != [2]int{1, 0} || got.Version != parent.Version+1 || !got.UpdatedAt.Equal(c.UpdatedAt) {
		t.Fatalf("parent after a subtask: %v v%d; want {1 0} v%d", counts(got), got.Version, parent.Version+1)
	}
	other := create(t, s, "create-cost-newcomer", TaskFields{Title: "first of a new user"})
	if other.ListID == uuid.Nil || other.ListID == first.ListID {
		t.Fatalf("a new user's first task in list %v", other.ListID)
	}
}

// TestSubtaskCountsOfRowsInsertedByHand: SQL run by hand that inserts several subtasks in
// one statement (the service inserts one row a statement) counts each for its parent.
func TestSubtaskCountsOfRowsInsertedByHand(t *testing.T) {
	t.Parallel()
	s, admin := newStore(t)
	const user = "hand-insert"
	parent := create(t, s, user, TaskFields{Title: "parent"})
	_, err := admin.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, priority, position, list_id, parent_id, depth, completed, completed_at)
		VALUES ($1, gen_random_uuid(), 'by hand 1', 'low', 'Zh1', $2, $3, 1, false, NULL),
		       ($1, gen_random_uuid(), 'by hand 2', 'low', 'Zh2', $2, $3, 1, true, now()),
		       ($1, gen_random_uuid(), 'by hand, top-level', 'low', 'Zh3', $2, NULL, 0, false, NULL)`,
		user, parent.ListID, parent.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := get(t, s, user, parent.ID)
	if counts(got) != [2]int{2, 1} || got.Version <= parent.Version {
		t.Fatalf("parent after two subtasks inserted by hand: %v v%d (was v%d); want {2 1}, a later version", counts(got), got.Version, parent.Version)
	}
}
