package store

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// newList inserts a live list of owner's, as the tests' role (the lists' own store is the
// lists engineer's; this is only a place to put tasks).
func newList(t *testing.T, pool *pgxpool.Pool, owner string) uuid.UUID {
	t.Helper()
	id := uuid.New()
	if _, err := pool.Exec(t.Context(), "INSERT INTO lists (owner_id, id, name) VALUES ($1, $2, 'a list')", owner, id); err != nil {
		t.Fatalf("new list: %v", err)
	}
	// The owner's membership, as ListCreate writes it: every read of a list's tasks goes
	// through the caller's membership.
	if _, err := pool.Exec(t.Context(), "INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $1, 'owner', 'b0')", owner, id); err != nil {
		t.Fatalf("new list's owner: %v", err)
	}
	return id
}

// deleteList marks one of owner's lists deleted, as the tests' role.
func deleteList(t *testing.T, pool *pgxpool.Pool, owner string, id uuid.UUID) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), "UPDATE lists SET deleted_at = now(), updated_at = now() WHERE owner_id = $1 AND id = $2", owner, id); err != nil {
		t.Fatalf("delete list: %v", err)
	}
}

// sub creates a subtask of parent for user.
func sub(t *testing.T, s *Store, user string, parent Task, title string) Task {
	t.Helper()
	return create(t, s, user, TaskFields{Title: title, ParentID: &parent.ID})
}

// get reads one of user's live tasks.
func get(t *testing.T, s *Store, user string, id uuid.UUID) Task {
	t.Helper()
	task, err := s.TaskGet(t.Context(), user, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return task
}

// counts are a task's subtask counts: total, completed.
func counts(t Task) [2]int { return [2]int{t.SubtasksTotal, t.SubtasksCompleted} }

// isParentError reports whether err is a ParentError with reason.
func isParentError(err error, reason string) bool {
	var pe *ParentError
	return errors.As(err, &pe) && pe.Reason == reason && errors.Is(err, ErrInvalid)
}

func TestSubtaskCreate(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "sub-create"
	root := create(t, s, user, TaskFields{Title: "root"})
	l1 := sub(t, s, user, root, "level 1")
	l2 := sub(t, s, user, l1, "level 2")
	l3 := sub(t, s, user, l2, "level 3")
	other := newList(t, pool, user)
	gone := create(t, s, user, TaskFields{Title: "deleted"})
	if err := s.TaskDelete(t.Context(), user, gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	deletedList := newList(t, pool, user)
	deleteList(t, pool, user, deletedList)
	foreignTask := create(t, s, "sub-create-intruder", TaskFields{Title: "theirs"})
	foreignList := newList(t, pool, "sub-create-intruder")
	missing := uuid.New()

	t.Run("InTheParentsListOneLevelDown", func(t *testing.T) {
		t.Parallel()
		if root.ParentID != nil || l1.ParentID == nil || *l1.ParentID != root.ID || l1.ListID != root.ListID || l3.ListID != root.ListID {
			t.Fatalf("root %v/%v, l1 %v/%v, l3 list %v", root.ListID, root.ParentID, l1.ListID, l1.ParentID, l3.ListID)
		}
	})
	t.Run("WithoutListIsTheInbox", func(t *testing.T) {
		t.Parallel()
		a := create(t, s, user, TaskFields{Title: "a"})
		if a.ListID != root.ListID || a.ListID == other {
			t.Fatalf("list %v, want the inbox %v", a.ListID, root.ListID)
		}
	})
	t.Run("InAnotherList", func(t *testing.T) {
		t.Parallel()
		a := create(t, s, user, TaskFields{Title: "elsewhere", ListID: &other})
		b := create(t, s, user, TaskFields{Title: "its subtask", ParentID: &a.ID})
		c := create(t, s, user, TaskFields{Title: "its subtask, list named", ParentID: &a.ID, ListID: &other})
		if a.ListID != other || b.ListID != other || c.ListID != other {
			t.Fatalf("lists %v %v %v, want %v", a.ListID, b.ListID, c.ListID, other)
		}
	})
	t.Run("ParentCountsAndStamps", func(t *testing.T) {
		t.Parallel()
		p := create(t, s, user, TaskFields{Title: "parent"})
		c := sub(t, s, user, p, "child")
		got := get(t, s, user, p.ID)
		if counts(got) != [2]int{1, 0} || got.Version != p.Version+1 || !got.UpdatedAt.Equal(c.UpdatedAt) {
			t.Fatalf("parent after a subtask: %v v%d updated %v; want {1 0} v%d updated %v", counts(got), got.Version, got.UpdatedAt, p.Version+1, c.UpdatedAt)
		}
	})

	// Not parallel: "nothing half-done" compares all of the user's rows.
	rules := []struct {
		name string
		f    TaskFields
		ok   func(error) bool
	}{
		{"MissingParent", TaskFields{Title: "x", ParentID: &missing}, func(err error) bool { return isParentError(err, ReasonNoSuchParent) }},
		{"DeletedParent", TaskFields{Title: "x", ParentID: &gone.ID}, func(err error) bool { return isParentError(err, ReasonNoSuchParent) }},
		{"AnotherUsersParent", TaskFields{Title: "x", ParentID: &foreignTask.ID}, func(err error) bool { return isParentError(err, ReasonNoSuchParent) }},
		{"FifthLevel", TaskFields{Title: "x", ParentID: &l3.ID}, func(err error) bool { return isParentError(err, ReasonTooDeep) }},
		{"ParentInAnotherList", TaskFields{Title: "x", ParentID: &root.ID, ListID: &other}, func(err error) bool { return isParentError(err, ReasonOtherList) }},
		{"RepeatingSubtask", TaskFields{Title: "x", ParentID: &root.ID, DueDate: day(2030, 1, 1), Repeat: RepeatDaily}, func(err error) bool { return errors.Is(err, ErrSubtaskRepeats) }},
		{"MissingList", TaskFields{Title: "x", ListID: &missing}, func(err error) bool { return errors.Is(err, ErrNoSuchList) }},
		{"DeletedList", TaskFields{Title: "x", ListID: &deletedList}, func(err error) bool { return errors.Is(err, ErrNoSuchList) }},
		{"AnotherUsersList", TaskFields{Title: "x", ListID: &foreignList}, func(err error) bool { return errors.Is(err, ErrNoSuchList) }},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			before := countTasks(t, pool, user)
			_, _, err := s.TaskCreate(t.Context(), user, tt.f, "", nil)
			if !tt.ok(err) {
				t.Fatalf("TaskCreate = %v", err)
			}
			if after := countTasks(t, pool, user); after < before {
				t.Fatalf("tasks %d → %d", before, after)
			}
		})
	}
}

func TestSubtaskCascades(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const user = "sub-cascade"

	// tree is a root with two children, one of which has a child.
	type tree struct{ root, a, b, a1 Task }
	newTree := func(t *testing.T) tree {
		root := create(t, s, user, TaskFields{Title: "root"})
		a := sub(t, s, user, root, "a")
		b := sub(t, s, user, root, "b")
		a1 := sub(t, s, user, a, "a1")
		return tree{root, a, b, a1}
	}

	t.Run("CompleteCompletesTheOpenSubtree", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		b, err := s.TaskComplete(ctx, user, tr.b.ID) // completed before: keeps its completed_at
		if err != nil {
			t.Fatal(err)
		}
		done, err := s.TaskComplete(ctx, user, tr.root.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range []Task{tr.a, tr.a1} {
			if got := get(t, s, user, task.ID); !got.Completed || got.Version != task.Version+1 && task.ID == tr.a1.ID {
				t.Fatalf("%s after completing the root: %s", task.Title, render(got))
			}
		}
		if got := get(t, s, user, tr.b.ID); !got.CompletedAt.Equal(*b.CompletedAt) {
			t.Fatalf("b completed again: %v, was %v", got.CompletedAt, b.CompletedAt)
		}
		if counts(done) != [2]int{2, 2} || !done.Completed {
			t.Fatalf("root: %v completed=%v", counts(done), done.Completed)
		}
		if got := get(t, s, user, tr.a.ID); counts(got) != [2]int{1, 1} {
			t.Fatalf("a's counts %v", counts(got))
		}
	})
	t.Run("UncompleteChangesNoSubtask", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		if _, err := s.TaskComplete(ctx, user, tr.root.ID); err != nil {
			t.Fatal(err)
		}
		a := get(t, s, user, tr.a.ID)
		if _, err := s.TaskUncomplete(ctx, user, tr.root.ID); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, user, tr.a.ID); render(got) != render(a) {
			t.Fatalf("a changed: %s, was %s", render(got), render(a))
		}
	})
	t.Run("CompletingEverySubtaskLeavesTheParentOpen", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		for _, task := range []Task{tr.a1, tr.a, tr.b} {
			if _, err := s.TaskComplete(ctx, user, task.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got := get(t, s, user, tr.root.ID); got.Completed || counts(got) != [2]int{2, 2} {
			t.Fatalf("root: completed=%v %v", got.Completed, counts(got))
		}
	})
	t.Run("ToggleAndUpdateCascadeToo", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		if _, err := s.TaskToggle(ctx, user, tr.a.ID); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, user, tr.a1.ID); !got.Completed {
			t.Fatal("toggle left a1 open")
		}
		if _, err := s.TaskUpdate(ctx, user, tr.root.ID, TaskChanges{Fields: TaskFields{Completed: true}, SetCompleted: true}, nil); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, user, tr.b.ID); !got.Completed {
			t.Fatal("update left b open")
		}
	})
	t.Run("DeleteDeletesTheSubtreeAndRestoreBringsBackWhatWentTogether", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		if err := s.TaskDelete(ctx, user, tr.b.ID, nil); err != nil { // deleted before: stays deleted
			t.Fatal(err)
		}
		if err := s.TaskDelete(ctx, user, tr.root.ID, nil); err != nil {
			t.Fatal(err)
		}
		for _, task := range []Task{tr.root, tr.a, tr.a1} {
			if _, err := s.TaskGet(ctx, user, task.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s after deleting the root: %v", task.Title, err)
			}
		}
		restored, err := s.TaskRestore(ctx, user, tr.root.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TaskGet(ctx, user, tr.b.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("b, deleted before, came back: %v", err)
		}
		if got := get(t, s, user, tr.a1.ID); got.ParentID == nil || *got.ParentID != tr.a.ID {
			t.Fatalf("a1 restored as %s", render(got))
		}
		if counts(restored) != [2]int{1, 0} {
			t.Fatalf("root restored with counts %v, want a only", counts(restored))
		}
	})
	t.Run("OneDeletedAtForTheSubtree", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		if err := s.TaskDelete(ctx, user, tr.root.ID, nil); err != nil {
			t.Fatal(err)
		}
		changes, _, err := s.TaskChanges(ctx, user, ChangesParams{UpdatedAfter: &tr.root.CreatedAt, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		mine := map[uuid.UUID]bool{tr.root.ID: true, tr.a.ID: true, tr.b.ID: true, tr.a1.ID: true}
		stamps := map[uuid.UUID]string{}
		for _, c := range changes {
			if c.DeletedAt != nil && mine[c.ID] {
				stamps[c.ID] = c.DeletedAt.String()
			}
		}
		if len(stamps) != 4 || stamps[tr.root.ID] != stamps[tr.a1.ID] || stamps[tr.root.ID] != stamps[tr.b.ID] {
			t.Fatalf("tombstones %v", stamps)
		}
	})
	t.Run("RestoringASubtaskWhoseParentIsDeletedMakesItTopLevel", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		if err := s.TaskDelete(ctx, user, tr.root.ID, nil); err != nil {
			t.Fatal(err)
		}
		a, err := s.TaskRestore(ctx, user, tr.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		a1 := get(t, s, user, tr.a1.ID)
		if a.ParentID != nil || a1.ParentID == nil || *a1.ParentID != a.ID || counts(a) != [2]int{1, 0} {
			t.Fatalf("a %s parent %v counts %v; a1 parent %v", render(a), a.ParentID, counts(a), a1.ParentID)
		}
		// a is at depth 0 now, so three more levels fit under a1's parent chain: a, a1, x, y.
		x := sub(t, s, user, a1, "x")
		sub(t, s, user, x, "y")
	})
	t.Run("PreconditionHoldsForTheRoot", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		err := s.TaskDelete(ctx, user, tr.root.ID, &Precondition{Versions: []int64{1}})
		if !errors.Is(err, ErrPreconditionFailed) {
			t.Fatalf("delete with a stale version: %v", err)
		}
		get(t, s, user, tr.a1.ID)
	})
}

func TestSubtaskMove(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "sub-move"
	other := newList(t, pool, user)
	deletedList := newList(t, pool, user)
	deleteList(t, pool, user, deletedList)
	missing := uuid.New()

	type tree struct{ root, a, a1, a2, x, x1 Task } // root ← a ← a1 ← a2; x ← x1
	newTree := func(t *testing.T) tree {
		root := create(t, s, user, TaskFields{Title: "root"})
		a := sub(t, s, user, root, "a")
		a1 := sub(t, s, user, a, "a1")
		a2 := sub(t, s, user, a1, "a2")
		x := create(t, s, user, TaskFields{Title: "x"})
		x1 := sub(t, s, user, x, "x1")
		return tree{root, a, a1, a2, x, x1}
	}
	moveTo := func(list, parent *uuid.UUID) TaskChanges {
		return TaskChanges{Fields: TaskFields{Title: "renamed", ListID: list, ParentID: parent}, SetTitle: true, SetListID: list != nil, SetParentID: true}
	}

	t.Run("ToAnotherListWithTheSubtree", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		moved, err := s.TaskUpdate(ctx, user, tr.a.ID, TaskChanges{Fields: TaskFields{ListID: &other}, SetListID: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ListID != other || moved.ParentID != nil {
			t.Fatalf("a moved alone to another list: list %v parent %v, want top-level in %v", moved.ListID, moved.ParentID, other)
		}
		for _, task := range []Task{tr.a1, tr.a2} {
			if got := get(t, s, user, task.ID); got.ListID != other || got.Version != task.Version+1 && task.ID == tr.a2.ID {
				t.Fatalf("%s: %v v%d", task.Title, got.ListID, got.Version)
			}
		}
		// Losing a subtask is a change of the parent: the move's stamp and a new version.
		if got := get(t, s, user, tr.root.ID); counts(got) != [2]int{0, 0} || !got.UpdatedAt.Equal(moved.UpdatedAt) || got.Version <= tr.root.Version+1 {
			t.Fatalf("root after a left: counts %v updated %v v%d; want {0 0}, the move's %v, above v%d", counts(got), got.UpdatedAt, got.Version, moved.UpdatedAt, tr.root.Version+1)
		}
		// a is top-level now: under a (depth 0) a subtree of height 2 nests 4 levels.
		if got := get(t, s, user, tr.a2.ID); got.ParentID == nil || *got.ParentID != tr.a1.ID {
			t.Fatalf("a2's parent %v", got.ParentID)
		}
	})
	t.Run("UnderAnotherParentAtTheTop", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		p := create(t, s, user, TaskFields{Title: "new parent"})
		moved, err := s.TaskUpdate(ctx, user, tr.a1.ID, moveTo(nil, &p.ID), nil)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ParentID == nil || *moved.ParentID != p.ID || moved.Title != "renamed" {
			t.Fatalf("moved: %s parent %v", render(moved), moved.ParentID)
		}
		first, _, err := s.TaskList(ctx, user, ListParams{Sort: SortPosition, ParentID: &p.ID, Limit: 1})
		if err != nil || len(first) != 1 || first[0].ID != tr.a1.ID {
			t.Fatalf("first of p's subtasks: %v %v", first, err)
		}
		if got := get(t, s, user, tr.a.ID); got.SubtasksTotal != 0 {
			t.Fatalf("a's counts %v", counts(got))
		}
		if got := get(t, s, user, p.ID); got.SubtasksTotal != 1 {
			t.Fatalf("p's counts %v", counts(got))
		}
	})
	t.Run("ToTopLevel", func(t *testing.T) {
		t.Parallel()
		tr := newTree(t)
		moved, err := s.TaskUpdate(ctx, user, tr.a1.ID, moveTo(nil, nil), nil)
		if err != nil || moved.ParentID != nil {
			t.Fatalf("moved: %v, %v", moved.ParentID, err)
		}
		// a1 at depth 0 with a2 below: two more levels fit under a2.
		x := sub(t, s, user, get(t, s, user, tr.a2.ID), "x")
		sub(t, s, user, x, "y")
	})

	// Not parallel: "nothing half-done" compares all of the user's rows.
	rules := []struct {
		name   string
		change func(tr tree) (uuid.UUID, TaskChanges)
		ok     func(error) bool
	}{
		{"UnderItself", func(tr tree) (uuid.UUID, TaskChanges) { return tr.a.ID, moveTo(nil, &tr.a.ID) },
			func(err error) bool { return isParentError(err, ReasonCycle) }},
		{"UnderItsOwnSubtask", func(tr tree) (uuid.UUID, TaskChanges) { return tr.a.ID, moveTo(nil, &tr.a2.ID) },
			func(err error) bool { return isParentError(err, ReasonCycle) }},
		{"TooDeep", func(tr tree) (uuid.UUID, TaskChanges) {
			return tr.a.ID, moveTo(nil, &tr.x1.ID) // x1 at depth 1, a's subtree 3 levels: 5
		}, func(err error) bool { return isParentError(err, ReasonTooDeep) }},
		{"FitsExactly", func(tr tree) (uuid.UUID, TaskChanges) {
			return tr.a.ID, moveTo(nil, &tr.x.ID) // x at depth 0, a's subtree 3 levels: 4
		}, func(err error) bool { return err == nil }},
		{"MissingParent", func(tr tree) (uuid.UUID, TaskChanges) { return tr.a1.ID, moveTo(nil, &missing) },
			func(err error) bool { return isParentError(err, ReasonNoSuchParent) }},
		{"ParentInAnotherList", func(tr tree) (uuid.UUID, TaskChanges) { return tr.a1.ID, moveTo(&other, &tr.root.ID) },
			func(err error) bool { return isParentError(err, ReasonOtherList) }},
		{"DeletedList", func(tr tree) (uuid.UUID, TaskChanges) { return tr.a1.ID, moveTo(&deletedList, nil) },
			func(err error) bool { return errors.Is(err, ErrNoSuchList) }},
		{"MissingList", func(tr tree) (uuid.UUID, TaskChanges) { return tr.a1.ID, moveTo(&missing, nil) },
			func(err error) bool { return errors.Is(err, ErrNoSuchList) }},
		{"RepeatingSubtask", func(tr tree) (uuid.UUID, TaskChanges) {
			return tr.a1.ID, TaskChanges{Fields: TaskFields{DueDate: day(2030, 1, 1), Repeat: RepeatWeekly}, SetDueDate: true, SetRepeat: true}
		}, func(err error) bool { return errors.Is(err, ErrSubtaskRepeats) }},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTree(t)
			id, c := tt.change(tr)
			before := userRows(t, pool, user)
			_, err := s.TaskUpdate(ctx, user, id, c, nil)
			if !tt.ok(err) {
				t.Fatalf("TaskUpdate = %v", err)
			}
			if err != nil {
				if after := userRows(t, pool, user); after != before {
					t.Fatalf("a refused move changed rows (nothing half-done):\nbefore %s\nafter %s", before, after)
				}
			}
		})
	}
}

func TestSubtaskRepeatCopiesTheSubtree(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const user = "sub-repeat"
	root := create(t, s, user, TaskFields{Title: "weekly review", DueDate: day(2030, 1, 7), Repeat: RepeatWeekly})
	a := sub(t, s, user, root, "inbox zero")
	b := sub(t, s, user, root, "plan")
	sub(t, s, user, a, "mail")
	gone := sub(t, s, user, root, "deleted")
	if err := s.TaskDelete(ctx, user, gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TaskComplete(ctx, user, b.ID); err != nil {
		t.Fatal(err)
	}
	done, err := s.TaskComplete(ctx, user, root.ID)
	if err != nil || done.NextID == nil {
		t.Fatalf("complete: %v next %v", err, done.NextID)
	}
	next := get(t, s, user, *done.NextID)
	if counts(next) != [2]int{2, 0} || next.ListID != root.ListID {
		t.Fatalf("next occurrence: counts %v list %v", counts(next), next.ListID)
	}
	kids, _, err := s.TaskList(ctx, user, ListParams{Sort: SortPosition, ParentID: &next.ID})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, k := range kids {
		titles = append(titles, k.Title)
		if k.Completed || k.Repeat != RepeatNone && k.Repeat != "" {
			t.Fatalf("copy %s", render(k))
		}
	}
	// In the original's order (b was created after a, so it is above a).
	if len(titles) != 2 || titles[0] != "plan" || titles[1] != "inbox zero" {
		t.Fatalf("copied subtasks %q", titles)
	}
	var mail []Task
	for _, k := range kids {
		if k.Title == "inbox zero" {
			mail, _, err = s.TaskList(ctx, user, ListParams{Sort: SortPosition, ParentID: &k.ID})
		}
	}
	if err != nil || len(mail) != 1 || mail[0].Title != "mail" || mail[0].Completed {
		t.Fatalf("copied grandchild: %v %v", mail, err)
	}
}

func TestSubtaskListing(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "sub-list"
	other := newList(t, pool, user)
	root := create(t, s, user, TaskFields{Title: "root"})
	a := sub(t, s, user, root, "a")
	sub(t, s, user, a, "a1")
	elsewhere := create(t, s, user, TaskFields{Title: "elsewhere", ListID: &other})
	sub(t, s, user, elsewhere, "elsewhere's")

	tests := []struct {
		name string
		p    ListParams
		want []string
	}{
		{"Everything", ListParams{}, []string{"elsewhere's", "elsewhere", "a1", "a", "root"}},
		{"OneList", ListParams{ListID: &other}, []string{"elsewhere's", "elsewhere"}},
		{"TopLevel", ListParams{TopLevel: ptr(true)}, []string{"elsewhere", "root"}},
		{"SubtasksOnly", ListParams{TopLevel: ptr(false)}, []string{"elsewhere's", "a1", "a"}},
		{"TopLevelOfOneList", ListParams{TopLevel: ptr(true), ListID: &root.ListID}, []string{"root"}},
		{"DirectSubtasks", ListParams{ParentID: &root.ID}, []string{"a"}},
		{"UnknownParentHasNone", ListParams{ParentID: ptr(uuid.New())}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.p.Sort = SortPosition
			got, _, err := s.TaskList(ctx, user, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, task := range got {
				titles = append(titles, task.Title)
			}
			if len(titles) != len(tt.want) || len(titles) > 0 && render(Task{Tags: titles}) != render(Task{Tags: tt.want}) {
				t.Fatalf("titles %q, want %q", titles, tt.want)
			}
		})
	}
}

func TestSubtaskBulkCascades(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const user = "sub-bulk"
	newTree := func(t *testing.T) (root, a, a1 Task) {
		root = create(t, s, user, TaskFields{Title: "root"})
		a = sub(t, s, user, root, "a")
		a1 = sub(t, s, user, a, "a1")
		return
	}
	bulk := func(t *testing.T, action BulkAction, ids ...uuid.UUID) {
		t.Helper()
		res, _, err := s.TaskBulk(ctx, user, Bulk{Action: action, IDs: ids}, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Status != BulkOK {
				t.Fatalf("%s %s: %s", action, r.ID, r.Status)
			}
		}
	}
	t.Run("Complete", func(t *testing.T) {
		t.Parallel()
		root, _, a1 := newTree(t)
		bulk(t, BulkComplete, root.ID)
		if got := get(t, s, user, a1.ID); !got.Completed {
			t.Fatal("a1 open after bulk complete of the root")
		}
	})
	t.Run("DeleteThenRestore", func(t *testing.T) {
		t.Parallel()
		root, a, a1 := newTree(t)
		bulk(t, BulkDelete, root.ID, a.ID) // a given too: one deleted_at for all
		if _, err := s.TaskGet(ctx, user, a1.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a1 after bulk delete: %v", err)
		}
		bulk(t, BulkRestore, root.ID, a.ID)
		if got := get(t, s, user, a1.ID); got.ParentID == nil || *got.ParentID != a.ID {
			t.Fatalf("a1 restored: %v", got.ParentID)
		}
		if got := get(t, s, user, a.ID); got.ParentID == nil || *got.ParentID != root.ID {
			t.Fatalf("a restored beside root, not under it: %v", got.ParentID)
		}
	})
}

func TestSubtaskMoveAmongSiblings(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "sub-order"
	other := newList(t, pool, user)
	root := create(t, s, user, TaskFields{Title: "root"})
	a := sub(t, s, user, root, "a")
	b := sub(t, s, user, root, "b")
	a1 := sub(t, s, user, a, "a1")
	top := create(t, s, user, TaskFields{Title: "top"})
	elsewhere := create(t, s, user, TaskFields{Title: "elsewhere", ListID: &other})

	tests := []struct {
		name  string
		id    uuid.UUID
		after uuid.UUID
		ok    bool
	}{
		{"Sibling", b.ID, a.ID, true},
		{"TopLevelSibling", top.ID, root.ID, true},
		{"Parent", a.ID, root.ID, false},
		{"Cousin", a1.ID, b.ID, false},
		{"TopLevelTaskOfAnotherList", top.ID, elsewhere.ID, false},
		{"TopLevelAfterASubtask", top.ID, a.ID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.TaskMove(ctx, user, tt.id, &tt.after)
			if tt.ok != (err == nil) || !tt.ok && !errors.Is(err, ErrNoSuchAfter) {
				t.Fatalf("TaskMove = %v", err)
			}
		})
	}
	kids, _, err := s.TaskList(ctx, user, ListParams{Sort: SortPosition, ParentID: &root.ID})
	if err != nil || len(kids) != 2 || kids[0].ID != a.ID || kids[1].ID != b.ID {
		t.Fatalf("root's subtasks after moving b after a: %v %v", kids, err)
	}
}

func TestSubtaskStatsAndTagsByList(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "sub-stats"
	other := newList(t, pool, user)
	foreign := newList(t, pool, "sub-stats-other")
	create(t, s, user, TaskFields{Title: "in the inbox", Tags: []string{"home"}})
	create(t, s, user, TaskFields{Title: "one", ListID: &other, Tags: []string{"work", "b"}, Completed: true})
	create(t, s, user, TaskFields{Title: "two", ListID: &other, Tags: []string{"work"}})

	st, err := s.TaskStats(ctx, user, time.Now(), &other)
	if err != nil || st != (Stats{Total: 2, Completed: 1, Pending: 1}) {
		t.Fatalf("stats of the list: %v %v", st, err)
	}
	if st, err := s.TaskStats(ctx, user, time.Now(), nil); err != nil || st.Total != 3 {
		t.Fatalf("stats of every list: %v %v", st, err)
	}
	tags, _, err := s.TagList(ctx, user, TagListParams{ListID: &other})
	if err != nil || len(tags) != 2 || tags[0] != (TagCount{"b", 1}) || tags[1] != (TagCount{"work", 2}) {
		t.Fatalf("tags of the list: %v %v", tags, err)
	}
	page, next, err := s.TagList(ctx, user, TagListParams{ListID: &other, Limit: 1})
	if err != nil || len(page) != 1 || next == nil {
		t.Fatalf("first page: %v %v %v", page, next, err)
	}
	if page, _, err = s.TagList(ctx, user, TagListParams{ListID: &other, After: next}); err != nil || len(page) != 1 || page[0].Name != "work" {
		t.Fatalf("second page: %v %v", page, err)
	}
	for _, id := range []uuid.UUID{foreign, uuid.New()} {
		if _, err := s.TaskStats(ctx, user, time.Now(), &id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("stats of a list not the user's: %v", err)
		}
		if _, _, err := s.TagList(ctx, user, TagListParams{ListID: &id}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tags of a list not the user's: %v", err)
		}
		if _, _, err := s.TaskList(ctx, user, ListParams{Sort: SortPosition, ListID: &id}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tasks of a list not the user's: %v", err)
		}
	}
}

// A task deleted with its list comes back only with the list (ListRestore): restored alone
// it would be a live task in a deleted list, in no list the user can see.
func TestSubtaskRestoreNeedsALiveList(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const user = "sub-list-gone"
	l, _, err := s.ListCreate(ctx, user, ListFields{Name: "Trip"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	root := create(t, s, user, TaskFields{Title: "pack", ListID: &l.ID})
	a := sub(t, s, user, root, "passport")
	if err := s.ListDelete(ctx, user, l.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TaskRestore(ctx, user, root.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("TaskRestore of a task of a deleted list = %v, want ErrNotFound", err)
	}
	res, _, err := s.TaskBulk(ctx, user, Bulk{Action: BulkRestore, IDs: []uuid.UUID{a.ID}}, "", nil)
	if err != nil || res[0].Status != BulkNotFound {
		t.Fatalf("bulk restore: %v %v", res, err)
	}
	if _, err := s.ListRestore(ctx, user, l.ID); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, user, a.ID); got.ParentID == nil || *got.ParentID != root.ID {
		t.Fatalf("after the list's restore: %s", render(got))
	}
}
