package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// manualOrder lists user's live tasks by position, failing unless positions are valid keys
// strictly increasing.
func manualOrder(t *testing.T, s *Store, user string) []Task {
	t.Helper()
	tasks, next, err := s.TaskList(t.Context(), user, ListParams{Sort: SortPosition, Limit: 200})
	if err != nil || next != nil {
		t.Fatalf("list by position: next %v, %v", next, err)
	}
	for i, task := range tasks {
		if err := fracindex.Validate(task.Position); err != nil {
			t.Fatalf("task %q: %v", task.Title, err)
		}
		if i > 0 && task.Position <= tasks[i-1].Position {
			t.Fatalf("positions out of order or equal: %q then %q", tasks[i-1].Position, task.Position)
		}
	}
	return tasks
}

func taskTitles(tasks []Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.Title
	}
	return out
}

func TestTaskMove(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)

	// setup creates tasks titled a..e for a fresh user: the newest on top, so the order is
	// e d c b a.
	setup := func(t *testing.T) (string, map[string]Task) {
		user := "mover-" + t.Name()
		byTitle := map[string]Task{}
		for _, title := range []string{"a", "b", "c", "d", "e"} {
			byTitle[title] = create(t, s, user, TaskFields{Title: title})
		}
		if got := taskTitles(manualOrder(t, s, user)); !slices.Equal(got, []string{"e", "d", "c", "b", "a"}) {
			t.Fatalf("new tasks in order %q, want the newest on top", got)
		}
		return user, byTitle
	}

	for _, tc := range []struct {
		name, task, after string // after "": to the top
		want              []string
	}{
		{"ToTheTop", "b", "", []string{"b", "e", "d", "c", "a"}},
		{"AfterTheTop", "a", "e", []string{"e", "a", "d", "c", "b"}},
		{"ToTheBottom", "e", "a", []string{"d", "c", "b", "a", "e"}},
		{"DownOne", "d", "c", []string{"e", "c", "d", "b", "a"}},
		{"UpOne", "b", "d", []string{"e", "d", "b", "c", "a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			user, tasks := setup(t)
			before := manualOrder(t, s, user)
			var after *uuid.UUID
			if tc.after != "" {
				after = ptr(tasks[tc.after].ID)
			}
			moved, err := s.TaskMove(t.Context(), user, tasks[tc.task].ID, after)
			if err != nil {
				t.Fatal(err)
			}
			got := manualOrder(t, s, user)
			if !slices.Equal(taskTitles(got), tc.want) {
				t.Fatalf("order %q, want %q", taskTitles(got), tc.want)
			}
			// One row changed: the moved task, with a new version and updated_at.
			for _, b := range before {
				a, _ := s.TaskGet(t.Context(), user, b.ID)
				if b.ID == moved.ID {
					if a.Version != b.Version+1 || !a.UpdatedAt.After(b.UpdatedAt) || a.Position == b.Position || render(a) != render(moved) {
						t.Errorf("moved task %s, was %s", render(a), render(b))
					}
				} else if render(a) != render(b) {
					t.Errorf("task %q changed:\n%s\n%s", b.Title, render(b), render(a))
				}
			}
		})
	}

	t.Run("AlreadyInPlaceIsUnchanged", func(t *testing.T) {
		t.Parallel()
		user, tasks := setup(t)
		for _, c := range []struct {
			task  string
			after *uuid.UUID
		}{{"e", nil}, {"c", ptr(tasks["d"].ID)}, {"a", ptr(tasks["b"].ID)}} {
			got, err := s.TaskMove(t.Context(), user, tasks[c.task].ID, c.after)
			if err != nil || render(got) != render(tasks[c.task]) {
				t.Errorf("moving %s where it is: %s, %v; want it unchanged", c.task, render(got), err)
			}
		}
	})

	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		user, tasks := setup(t)
		if err := s.TaskDelete(t.Context(), user, tasks["c"].ID, nil); err != nil {
			t.Fatal(err)
		}
		before := userRows(t, pool, user)
		for name, c := range map[string]struct {
			id    uuid.UUID
			after *uuid.UUID
			want  error
		}{
			"MissingTask":     {uuid.New(), nil, ErrNotFound},
			"DeletedTask":     {tasks["c"].ID, nil, ErrNotFound},
			"AfterItself":     {tasks["b"].ID, ptr(tasks["b"].ID), ErrNoSuchAfter},
			"AfterMissing":    {tasks["b"].ID, ptr(uuid.New()), ErrNoSuchAfter},
			"AfterDeleted":    {tasks["b"].ID, ptr(tasks["c"].ID), ErrNoSuchAfter},
			"MissingAndAfter": {uuid.New(), ptr(uuid.New()), ErrNotFound},
		} {
			if _, err := s.TaskMove(t.Context(), user, c.id, c.after); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", name, err, c.want)
			}
		}
		if after := userRows(t, pool, user); stripClock(after) != stripClock(before) {
			t.Errorf("refused moves changed rows:\n%s\n%s", before, after)
		}
	})

	t.Run("RestoredTaskKeepsItsPlace", func(t *testing.T) {
		t.Parallel()
		user, tasks := setup(t)
		// Delete the top task, add one (on top, before the tombstone too), restore.
		if err := s.TaskDelete(t.Context(), user, tasks["e"].ID, nil); err != nil {
			t.Fatal(err)
		}
		create(t, s, user, TaskFields{Title: "f"})
		if _, err := s.TaskRestore(t.Context(), user, tasks["e"].ID); err != nil {
			t.Fatal(err)
		}
		if got := taskTitles(manualOrder(t, s, user)); !slices.Equal(got, []string{"f", "e", "d", "c", "b", "a"}) {
			t.Fatalf("order %q", got)
		}
		// Moving next to a tombstone's place does not take its key either.
		if err := s.TaskDelete(t.Context(), user, tasks["c"].ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TaskMove(t.Context(), user, tasks["a"].ID, ptr(tasks["d"].ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TaskRestore(t.Context(), user, tasks["c"].ID); err != nil {
			t.Fatal(err)
		}
		if got := taskTitles(manualOrder(t, s, user)); !slices.Equal(got, []string{"f", "e", "d", "a", "c", "b"}) {
			t.Fatalf("order %q", got)
		}
	})

	t.Run("ByteOrderNotLocale", func(t *testing.T) {
		t.Parallel()
		// Keys mix digits, upper and lower case: "Zz" < "a0" < "a0V" < "a0l" only byte-wise.
		user, tasks := setup(t)
		for _, title := range []string{"a", "b", "c", "d"} {
			if _, err := s.TaskMove(t.Context(), user, tasks[title].ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		if got := taskTitles(manualOrder(t, s, user)); !slices.Equal(got, []string{"d", "c", "b", "a", "e"}) {
			t.Fatalf("order %q", got)
		}
	})
}

// TestTaskMoveConcurrent: 50 moves at once of one user's tasks never give two tasks one
// position, and the result is the order of some serial execution — the one their updated_at
// (the clock, taken in commit order) tells.
func TestTaskMoveConcurrent(t *testing.T) {
	t.Parallel()
	pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.MaxConns = 60 })
	s := New(pool, Options{StatementTimeout: 30 * time.Second, AcquireTimeout: 30 * time.Second})
	const n = 50

	run := func(t *testing.T, user string, op func(i int, tasks []Task) error) {
		t.Helper()
		tasks := make([]Task, n+1)
		for i := range tasks {
			tasks[i] = create(t, s, user, TaskFields{Title: fmt.Sprint(i)})
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = op(i, tasks)
			})
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	}
	// byUpdatedDesc is tasks newest change first.
	byUpdatedDesc := func(tasks []Task) []string {
		tasks = slices.Clone(tasks)
		slices.SortFunc(tasks, func(a, b Task) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
		return taskTitles(tasks)
	}
	distinct := func(t *testing.T, user string) {
		t.Helper()
		var dups int
		if err := pool.QueryRow(t.Context(), `SELECT count(*) - count(DISTINCT position) FROM tasks WHERE user_id = $1`, user).Scan(&dups); err != nil || dups != 0 {
			t.Fatalf("%d positions shared, %v", dups, err)
		}
	}

	t.Run("AfterOneTask", func(t *testing.T) {
		t.Parallel()
		const user = "concurrent-after"
		run(t, user, func(i int, tasks []Task) error {
			_, err := s.TaskMove(t.Context(), user, tasks[i+1].ID, &tasks[0].ID)
			return err
		})
		distinct(t, user)
		got := manualOrder(t, s, user)
		// The anchor stays where it was, at the bottom; every other task moved right after
		// it, so the anchor now comes first, then the moved tasks, the last moved first.
		if got[0].Title != "0" {
			t.Fatalf("order starts with %q, want the anchor", got[0].Title)
		}
		if want := byUpdatedDesc(got[1:]); !slices.Equal(taskTitles(got[1:]), want) {
			t.Fatalf("after the anchor %q\nwant the last moved first %q", taskTitles(got[1:]), want)
		}
	})
	t.Run("ToTheTop", func(t *testing.T) {
		t.Parallel()
		const user = "concurrent-top"
		run(t, user, func(i int, tasks []Task) error {
			_, err := s.TaskMove(t.Context(), user, tasks[i].ID, nil)
			return err
		})
		distinct(t, user)
		got := manualOrder(t, s, user)
		if want := byUpdatedDesc(got[:n]); !slices.Equal(taskTitles(got[:n]), want) || got[n].Title != "50" {
			t.Fatalf("order %q\nwant the last moved first %q, then the one not moved", taskTitles(got), want)
		}
	})
	t.Run("Creates", func(t *testing.T) {
		t.Parallel()
		const user = "concurrent-create"
		run(t, user, func(i int, _ []Task) error {
			_, _, err := s.TaskCreate(t.Context(), user, TaskFields{Title: fmt.Sprintf("new %d", i), Priority: "low"}, "", nil)
			return err
		})
		distinct(t, user)
		got := manualOrder(t, s, user)
		if want := byUpdatedDesc(got); !slices.Equal(taskTitles(got), want) {
			t.Fatalf("order %q\nwant the newest first %q", taskTitles(got), want)
		}
	})
}

// TestTaskMoveKeysStayBounded: under any sequence of moves — mostly into one gap, which
// without respacing lengthens keys without bound, the rest at random, with tombstones among
// the tasks — every position stays at most maxPosition long and unique, the order is always
// exactly the one the moves asked for, and the tombstones, restored, are back in their places.
func TestTaskMoveKeysStayBounded(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "bounded-keys"
	rng := rand.New(rand.NewPCG(12, 5))
	var order []uuid.UUID // the intended manual order, top first, tombstones included
	title := map[uuid.UUID]string{}
	for i := range 40 {
		task := create(t, s, user, TaskFields{Title: fmt.Sprintf("t%02d", i)})
		order = slices.Insert(order, 0, task.ID)
		title[task.ID] = task.Title
	}
	deleted := map[uuid.UUID]bool{}
	for _, i := range []int{5, 18, 19, 33} {
		if err := s.TaskDelete(ctx, user, order[i], nil); err != nil {
			t.Fatal(err)
		}
		deleted[order[i]] = true
	}
	live := func() []string {
		var out []string
		for _, id := range order {
			if !deleted[id] {
				out = append(out, title[id])
			}
		}
		return out
	}
	liveIDs := func() []uuid.UUID {
		return slices.DeleteFunc(slices.Clone(order), func(id uuid.UUID) bool { return deleted[id] })
	}
	anchor := liveIDs()[17]        // the hot gap: right after it
	moves := map[uuid.UUID]int64{} // the moves that changed each task
	for i := range 1200 {
		ids := liveIDs()
		id := ids[rng.IntN(len(ids))]
		var after *uuid.UUID
		switch r := rng.IntN(10); {
		case r < 7: // into the hot gap
			if id == anchor {
				continue
			}
			after = &anchor
		case r < 8: // to the top
		default: // after a random task
			a := ids[rng.IntN(len(ids))]
			if a == id {
				continue
			}
			after = &a
		}
		before, err := s.TaskGet(ctx, user, id)
		if err != nil {
			t.Fatal(err)
		}
		moved, err := s.TaskMove(ctx, user, id, after)
		if err != nil {
			t.Fatalf("move %d: %v", i, err)
		}
		if len(moved.Position) > maxPosition {
			t.Fatalf("move %d: position %q has %d characters", i, moved.Position, len(moved.Position))
		}
		order = slices.DeleteFunc(order, func(x uuid.UUID) bool { return x == id })
		at := 0
		if after != nil {
			at = slices.Index(order, *after) + 1
		}
		order = slices.Insert(order, at, id)
		if moved.Position != before.Position {
			moves[id]++
			if moved.Version != before.Version+1 {
				t.Fatalf("move %d: version %d, was %d", i, moved.Version, before.Version)
			}
		}
		if i%50 == 49 {
			if got := taskTitles(manualOrder(t, s, user)); !slices.Equal(got, live()) {
				t.Fatalf("after move %d: %q\nwant %q", i, got, live())
			}
		}
	}
	var longest, shared int
	if err := pool.QueryRow(ctx, "SELECT max(length(position)), count(*) - count(DISTINCT position) FROM tasks WHERE user_id = $1", user).Scan(&longest, &shared); err != nil {
		t.Fatal(err)
	}
	if longest > maxPosition || shared != 0 {
		t.Errorf("positions of up to %d characters, %d shared", longest, shared)
	}
	final := manualOrder(t, s, user)
	if got := taskTitles(final); !slices.Equal(got, live()) {
		t.Fatalf("%q\nwant %q", got, live())
	}
	// A task respaced with its neighbours has a version beyond its own moves.
	respaced := 0
	for _, task := range final {
		if task.Version > 1+moves[task.ID] {
			respaced++
		}
	}
	if respaced == 0 {
		t.Fatal("no task was respaced: the moves never used up a gap, so this test checks nothing")
	}
	t.Logf("%d of %d live tasks were respaced at least once; longest position %d", respaced, len(final), longest)
	for id := range deleted {
		if _, err := s.TaskRestore(ctx, user, id); err != nil {
			t.Fatal(err)
		}
		delete(deleted, id)
	}
	if got := taskTitles(manualOrder(t, s, user)); !slices.Equal(got, live()) {
		t.Fatalf("after restoring the tombstones: %q\nwant %q", got, live())
	}
}
