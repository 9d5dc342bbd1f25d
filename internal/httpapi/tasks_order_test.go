package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// move posts {after_id} for tok's user's task id; after may be nil (the top) or a string.
func (f *fixture) move(t *testing.T, tok string, id uuid.UUID, after any) *apitest.Response {
	t.Helper()
	return f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/move", Token: tok, Body: map[string]any{"after_id": after}})
}

// manual is the titles of tok's user's tasks in manual order (sort=position, the default asc).
func (f *fixture) manual(t *testing.T, tok string) []string {
	t.Helper()
	tasks, _ := f.list(t, tok, "sort=position&limit=200")
	return titles(tasks)
}

func TestManualOrder(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	t.Run("NewTasksOnTopAndMoves", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		tasks := map[string]uuid.UUID{}
		for _, title := range []string{"a", "b", "c", "d"} {
			task := f.createA(t, map[string]any{"title": title})
			if task.Position == nil || *task.Position == "" {
				t.Fatalf("created without a position: %s", taskString(task))
			}
			tasks[title] = task.Id
		}
		if got := f.manual(t, f.tokA); !slices.Equal(got, []string{"d", "c", "b", "a"}) {
			t.Fatalf("new tasks in order %q, want the newest on top", got)
		}
		before, etag := f.get(t, f.tokA, tasks["a"])
		r := f.move(t, f.tokA, tasks["a"], tasks["c"])
		wantStatus(t, r, http.StatusOK)
		moved := r.Task(t)
		if *moved.Position == *before.Position || !moved.UpdatedAt.After(before.UpdatedAt) || r.Header.Get("ETag") == etag || r.Header.Get("ETag") == "" {
			t.Errorf("moved %s (ETag %q), was %s (%q)", taskString(moved), r.Header.Get("ETag"), taskString(before), etag)
		}
		if got := f.manual(t, f.tokA); !slices.Equal(got, []string{"d", "c", "a", "b"}) {
			t.Fatalf("after moving a after c: %q", got)
		}
		wantStatus(t, f.move(t, f.tokA, tasks["b"], nil), http.StatusOK)
		if got := f.manual(t, f.tokA); !slices.Equal(got, []string{"b", "d", "c", "a"}) {
			t.Fatalf("after moving b to the top: %q", got)
		}
		if tasks, _ := f.list(t, f.tokA, "sort=position&order=desc"); !slices.Equal(titles(tasks), []string{"a", "c", "d", "b"}) {
			t.Fatalf("order=desc: %q", titles(tasks))
		}
		// Again to where it is: nothing changes.
		again := f.move(t, f.tokA, tasks["b"], nil)
		wantStatus(t, again, http.StatusOK)
		cur, tag := f.get(t, f.tokA, tasks["b"])
		sameTask(t, again.Task(t), cur)
		if again.Header.Get("ETag") != tag {
			t.Errorf("ETag %q, GET's %q", again.Header.Get("ETag"), tag)
		}
		// The change feed reports a move like any change.
		changes, _ := f.feed(t, f.tokA, changesPath(moved.UpdatedAt.Format("2006-01-02T15:04:05.999999Z07:00"), 0))
		if len(changes) != 1 || changes[0].id() != tasks["b"] || *changes[0].task.Position != *cur.Position {
			t.Errorf("feed after the moves: %+v", changes)
		}
	})

	t.Run("BadAfterIDIs422", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		mine := f.createA(t, map[string]any{"title": "mine"})
		gone := f.createA(t, map[string]any{"title": "deleted"})
		f.deleteTask(t, f.tokA, gone.Id)
		theirs, _ := f.create(t, f.tokB, map[string]any{"title": "B's"})
		_, etag := f.get(t, f.tokA, mine.Id)
		var shapes []string
		for _, after := range []uuid.UUID{uuid.New(), theirs.Id, gone.Id, mine.Id} { // unknown, foreign, deleted, itself
			p := wantProblem(t, f.move(t, f.tokA, mine.Id, after), http.StatusUnprocessableEntity)
			wantFields(t, p, "/after_id")
			shapes = append(shapes, problemShape(p)+"|"+(*p.Errors)[0].Message)
		}
		if slices.Sort(shapes); len(slices.Compact(shapes)) != 1 {
			t.Errorf("the answers differ, revealing which tasks exist: %q", shapes)
		}
		if _, tag := f.get(t, f.tokA, mine.Id); tag != etag {
			t.Error("a refused move changed the task")
		}
		if got := f.manual(t, f.tokB); !slices.Equal(got, []string{"B's"}) {
			t.Errorf("B's tasks: %q", got)
		}
	})

	t.Run("MissingTaskIs404", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		mine := f.createA(t, map[string]any{"title": "mine"})
		wantProblem(t, f.move(t, f.tokA, uuid.New(), mine.Id), http.StatusNotFound)
		wantProblem(t, f.move(t, f.tokA, uuid.New(), nil), http.StatusNotFound)
	})

	t.Run("RefusedBodies", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		mine := f.createA(t, map[string]any{"title": "mine"})
		for _, tc := range []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"AfterIDMissing", map[string]any{}, 422, "/after_id"},
			{"AfterIDNotAUUID", map[string]any{"after_id": "top"}, 422, "/after_id"},
			{"AfterIDNumber", map[string]any{"after_id": 1}, 422, "/after_id"},
			{"UnknownProperty", map[string]any{"after_id": nil, "position": "a0"}, 422, "/position"},
			{"MalformedJSON", `{"after_id":`, 400, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(mine.Id) + "/move", Token: f.tokA, Body: tc.body})
				p := wantProblem(t, r, tc.status)
				if tc.field != "" {
					wantField(t, p, tc.field)
				}
			})
		}
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(mine.Id) + "/move", Token: f.tokA}), http.StatusBadRequest)
		// position is read-only: no write takes it.
		for _, req := range []apitest.Req{
			{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x", "position": "a0"}},
			{Method: http.MethodPut, Path: taskPath(mine.Id), Body: map[string]any{"title": "x", "position": "a0"}},
			{Method: http.MethodPatch, Path: taskPath(mine.Id), Body: map[string]any{"position": "a0"}, ContentType: "application/merge-patch+json"},
		} {
			req.Token = f.tokA
			wantField(t, wantProblem(t, f.Do(t, req), http.StatusUnprocessableEntity), "/position")
		}
		if got, _ := f.get(t, f.tokA, mine.Id); !strings.EqualFold(got.Title, "mine") {
			t.Errorf("a refused request changed the task: %s", taskString(got))
		}
	})

	t.Run("FiftyConcurrentMoves", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		var all []api.Task
		for i := range 51 {
			all = append(all, f.createA(t, map[string]any{"title": fmt.Sprint(i)}))
		}
		anchor := all[0] // the oldest: at the bottom
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, task := range all[1:] {
			wg.Go(func() {
				<-start
				if r := f.move(t, f.tokA, task.Id, anchor.Id); r.Status != http.StatusOK {
					t.Errorf("move: %d %s", r.Status, r.Body)
				}
			})
		}
		close(start)
		wg.Wait()
		got, _ := f.list(t, f.tokA, "sort=position&limit=200")
		seen := map[string]bool{}
		for _, task := range got {
			if seen[*task.Position] {
				t.Fatalf("two tasks at position %q", *task.Position)
			}
			seen[*task.Position] = true
		}
		// The anchor, then every moved task, the last moved (latest updated_at) first.
		want := slices.Clone(got[1:])
		slices.SortFunc(want, func(a, b api.Task) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
		if got[0].Id != anchor.Id || !slices.Equal(ids(got[1:]), ids(want)) {
			t.Fatalf("order %q\nwant the anchor, then %q", titles(got), titles(want))
		}
	})
}

// TestManualOrderKeysStayBounded: issue 12, item 5 — 300 moves into one gap grew a position
// from 2 to 52 characters. Keys stay within 32 characters under any sequence of moves: when
// a gap is used up, the tasks around it are spread out again, each with a new version and
// updated_at, so a client syncing from the change feed learns every new position. The order
// is always exactly the one the moves asked for, a deleted task among the neighbours
// included (restored, it is back in its place).
func TestManualOrderKeysStayBounded(t *testing.T) {
	t.Parallel()
	const maxPosition = 32
	f := setup(t)
	// order is the manual order the moves ask for, top first (titles).
	var order []string
	byTitle := map[string]uuid.UUID{}
	for i := range 40 {
		title := fmt.Sprintf("t%02d", i)
		task := f.createA(t, map[string]any{"title": title})
		byTitle[title] = task.Id
		order = slices.Insert(order, 0, title) // new tasks go to the top
	}
	// A tombstone right beside the gap: it keeps its place among the positions.
	f.deleteTask(t, f.tokA, byTitle["t20"])
	live := func() []string {
		return slices.DeleteFunc(slices.Clone(order), func(s string) bool { return s == "t20" })
	}
	all := func() []api.Task {
		tasks, _ := f.listAll(t, f.tokA, "sort=position&limit=200")
		return tasks
	}
	before := all()
	syncPoint := before[0].UpdatedAt
	for _, task := range before {
		if task.UpdatedAt.After(syncPoint) {
			syncPoint = task.UpdatedAt
		}
	}
	// Moves into one gap: alternately t10 and t30 go right after t21, each between t21 and
	// the one moved before it, so every move halves the same gap.
	anchor := "t21"
	longest := 0
	for i := range 320 {
		mover := []string{"t10", "t30"}[i%2]
		r := f.move(t, f.tokA, byTitle[mover], byTitle[anchor].String())
		wantStatus(t, r, http.StatusOK)
		pos := *r.Task(t).Position
		longest = max(longest, len(pos))
		if len(pos) > maxPosition {
			t.Fatalf("move %d: position %q has %d characters, want at most %d", i, pos, len(pos), maxPosition)
		}
		order = slices.DeleteFunc(order, func(s string) bool { return s == mover })
		at := slices.Index(order, anchor)
		order = slices.Insert(order, at+1, mover)
		if i%40 == 39 {
			if got := titles(all()); !slices.Equal(got, live()) {
				t.Fatalf("after move %d: order %q\nwant %q", i, got, live())
			}
		}
	}
	after := all()
	if got := titles(after); !slices.Equal(got, live()) {
		t.Fatalf("order %q\nwant %q", got, live())
	}
	for _, task := range after {
		if len(*task.Position) > maxPosition {
			t.Errorf("task %s at %q: %d characters", task.Title, *task.Position, len(*task.Position))
		}
	}
	t.Logf("longest position a move gave: %d characters", longest)

	// A client that copied the list at syncPoint and then applies the change feed holds
	// every task's new position: the feed reports the neighbours a respacing rewrote.
	copyOf := map[uuid.UUID]api.Task{}
	for _, task := range before {
		copyOf[task.Id] = task
	}
	respaced := 0
	for _, task := range after {
		if task.Title != "t10" && task.Title != "t30" && *task.Position != *copyOf[task.Id].Position {
			respaced++
		}
	}
	if respaced == 0 {
		t.Fatal("no neighbour got a new position: the moves never respaced the gap, so this test checks nothing")
	}
	changes, _ := f.feed(t, f.tokA, changesPath(syncPoint.Format(time.RFC3339Nano), 200))
	for _, c := range changes {
		if c.tombstone == nil {
			copyOf[c.id()] = c.task
		}
	}
	for _, task := range after {
		if got := copyOf[task.Id]; *got.Position != *task.Position || !got.UpdatedAt.Equal(task.UpdatedAt) {
			t.Errorf("the feed left %s at %q (updated %s), the list has %q (updated %s)",
				task.Title, *got.Position, got.UpdatedAt, *task.Position, task.UpdatedAt)
		}
	}

	// The tombstone comes back where it was.
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(byTitle["t20"]) + "/restore", Token: f.tokA}), http.StatusOK)
	if got := titles(all()); !slices.Equal(got, order) {
		t.Fatalf("after restoring t20: %q\nwant %q", got, order)
	}
}
