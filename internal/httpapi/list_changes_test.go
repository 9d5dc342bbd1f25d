package httpapi_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/apitest"
)

// listChangesPath is the feed of list id after updatedAfter (none: a full feed), limit a page.
func listChangesPath(id uuid.UUID, updatedAfter string, limit int) string {
	q := url.Values{}
	if updatedAfter != "" {
		q.Set("updated_after", updatedAfter)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	return "/api/lists/" + id.String() + "/changes?" + q.Encode()
}

// moveTask moves task id to list (a merge patch of list_id) as tok.
func (f *fixture) moveTask(t *testing.T, tok string, id, list uuid.UUID) api.Task {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: tok, Body: map[string]any{"list_id": list}, ContentType: "application/merge-patch+json"})
	wantStatus(t, r, http.StatusOK)
	var task api.Task
	r.JSON(t, &task)
	return task
}

// changeSummary is a feed as "id task|tombstone at" lines, for comparing feeds.
func changeSummary(changes []change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		kind := "task"
		if c.tombstone != nil {
			kind = "tombstone"
		}
		out[i] = fmt.Sprintf("%s %s %s", c.id(), kind, c.at())
	}
	return out
}

// TestListChangesFeed: GET /api/lists/{id}/changes for every member, over the list's tasks
// whoever wrote them; a task moved to another list is a tombstone here and the task there (and
// the task again here when it comes back); GET /api/tasks/changes unchanged for the owner;
// ETag/304; paging; 404 for a non-member, a removed member and a deleted list, with exactly
// what a missing list gets; 410 past the owner's purge.
func TestListChangesFeed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner, editor, viewer, outsider := userFor(t, "owner"), userFor(t, "editor"), userFor(t, "viewer"), userFor(t, "outsider")
	tokO, tokE, tokV, tokX := f.Token(t, owner), f.Token(t, editor), f.Token(t, viewer), f.Token(t, outsider)

	groceries := f.createList(t, tokO, map[string]any{"name": "Groceries"})
	garden := f.createList(t, tokO, map[string]any{"name": "Garden"})
	f.share(t, owner, groceries.Id, editor, "editor")
	f.share(t, owner, groceries.Id, viewer, "viewer")
	f.share(t, owner, garden.Id, viewer, "viewer")

	milk, _ := f.create(t, tokO, map[string]any{"title": "Buy milk", "list_id": groceries.Id})
	eggs, _ := f.create(t, tokE, map[string]any{"title": "Buy eggs", "list_id": groceries.Id})
	bread, _ := f.create(t, tokO, map[string]any{"title": "Buy bread", "list_id": groceries.Id})
	f.create(t, tokO, map[string]any{"title": "Owner's inbox task"})

	full := func(t *testing.T, tok string, list uuid.UUID, limit int) []change {
		t.Helper()
		changes, _ := f.feed(t, tok, listChangesPath(list, "", limit))
		return changes
	}

	t.Run("EveryMemberSeesEveryWriter", func(t *testing.T) {
		for _, tok := range []string{tokO, tokE, tokV} {
			changes := full(t, tok, groceries.Id, 0)
			got := make([]uuid.UUID, len(changes))
			for i, c := range changes {
				got[i] = c.id()
			}
			if want := []uuid.UUID{milk.Id, eggs.Id, bread.Id}; !slices.Equal(got, want) {
				t.Errorf("feed %v, want %v (oldest first, the editor's task included, nothing else)", got, want)
			}
			// Paging one by one gives the same feed.
			if a, b := changeSummary(changes), changeSummary(full(t, tok, groceries.Id, 1)); !slices.Equal(a, b) {
				t.Errorf("pages of 1: %v\nwant %v", b, a)
			}
		}
	})

	t.Run("ETagAnd304", func(t *testing.T) {
		path := listChangesPath(groceries.Id, "", 0)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tokV})
		wantStatus(t, r, http.StatusOK)
		tag := r.Header.Get("ETag")
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tokV, Header: map[string]string{"If-None-Match": tag}})
		wantStatus(t, r, http.StatusNotModified)
		// The editor's write moves the owner's clock: the viewer's ETag changes.
		f.create(t, tokE, map[string]any{"title": "Buy butter", "list_id": groceries.Id})
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tokV, Header: map[string]string{"If-None-Match": tag}})
		wantStatus(t, r, http.StatusOK)
	})

	t.Run("MovedTaskIsTombstoneInOldListAndTaskInNew", func(t *testing.T) {
		since := full(t, tokV, groceries.Id, 0)
		sinceGarden := full(t, tokV, garden.Id, 0)
		at := func(c []change) string {
			if len(c) == 0 {
				return ""
			}
			return c[len(c)-1].at()
		}
		moved := f.moveTask(t, tokO, milk.Id, garden.Id)
		old, _ := f.feed(t, tokV, listChangesPath(groceries.Id, at(since), 0))
		if len(old) != 1 || old[0].tombstone == nil || old[0].id() != milk.Id || !parseTime(t, old[0].at()).Equal(moved.UpdatedAt) {
			t.Fatalf("the old list's feed after the move: %v, want the tombstone of %s at %s", changeSummary(old), milk.Id, moved.UpdatedAt)
		}
		fresh := full(t, tokV, groceries.Id, 0)
		if i := slices.IndexFunc(fresh, func(c change) bool { return c.id() == milk.Id }); i < 0 || fresh[i].tombstone == nil {
			t.Errorf("the old list's full feed %v, want the moved task as a tombstone", changeSummary(fresh))
		}
		now, _ := f.feed(t, tokV, listChangesPath(garden.Id, at(sinceGarden), 0))
		if len(now) != 1 || now[0].tombstone != nil || now[0].task.ListId != garden.Id {
			t.Fatalf("the new list's feed after the move: %v, want the task", changeSummary(now))
		}
		// The owner's own feed (v1.0): the task, moved; no tombstone.
		own, _ := f.feed(t, tokO, changesPath("", 0))
		for _, c := range own {
			if c.id() == milk.Id && c.tombstone != nil {
				t.Errorf("GET /api/tasks/changes has a tombstone for a task moved between the owner's lists")
			}
		}
		// Back again: the task, not a tombstone, in the list it had left.
		back := f.moveTask(t, tokO, milk.Id, groceries.Id)
		again, _ := f.feed(t, tokV, listChangesPath(groceries.Id, old[0].at(), 0))
		if len(again) != 1 || again[0].tombstone != nil || !again[0].task.UpdatedAt.Equal(back.UpdatedAt) {
			t.Fatalf("the list's feed after the task came back: %v, want the task", changeSummary(again))
		}
		for _, c := range full(t, tokV, groceries.Id, 0) {
			if c.id() == milk.Id && c.tombstone != nil {
				t.Errorf("the full feed keeps a tombstone of a task that came back")
			}
		}
		away, _ := f.feed(t, tokV, listChangesPath(garden.Id, now[0].at(), 0))
		if len(away) != 1 || away[0].tombstone == nil {
			t.Fatalf("the garden's feed after the task left it: %v, want its tombstone", changeSummary(away))
		}
	})

	t.Run("DeleteIsTombstone", func(t *testing.T) {
		before := full(t, tokE, groceries.Id, 0)
		f.deleteTask(t, tokO, bread.Id)
		after, _ := f.feed(t, tokE, listChangesPath(groceries.Id, before[len(before)-1].at(), 0))
		if len(after) != 1 || after[0].tombstone == nil || after[0].id() != bread.Id {
			t.Fatalf("feed after a delete: %v, want the tombstone", changeSummary(after))
		}
	})

	notFound := func(t *testing.T, tok string, list uuid.UUID, header map[string]string) {
		t.Helper()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: listChangesPath(list, "", 0), Token: tok, Header: header})
		wantProblem(t, r, http.StatusNotFound)
		m := f.Do(t, apitest.Req{Method: http.MethodGet, Path: listChangesPath(uuid.New(), "", 0), Token: tok})
		wantProblem(t, m, http.StatusNotFound)
		if a, b := withoutInstance(t, r), withoutInstance(t, m); !bytes.Equal(a, b) {
			t.Errorf("feed of a list out of reach: %s\nwhat a missing list gets: %s", a, b)
		}
	}

	t.Run("NonMemberIsNotFound", func(t *testing.T) {
		notFound(t, tokX, groceries.Id, nil)
		notFound(t, tokE, garden.Id, nil) // a member of another of the owner's lists
	})

	t.Run("RemovedMemberIsNotFoundAtOnce", func(t *testing.T) {
		path := listChangesPath(garden.Id, "", 0)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tokV})
		wantStatus(t, r, http.StatusOK)
		tag := r.Header.Get("ETag")
		f.unshare(t, garden.Id, viewer)
		// Also with the ETag of the last page seen: no 304 for a list the caller lost.
		notFound(t, tokV, garden.Id, map[string]string{"If-None-Match": tag})
	})

	t.Run("DeletedListIsNotFound", func(t *testing.T) {
		doomed := f.createList(t, tokO, map[string]any{"name": "Doomed"})
		f.share(t, owner, doomed.Id, editor, "editor")
		f.create(t, tokE, map[string]any{"title": "in doomed", "list_id": doomed.Id})
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(doomed.Id), Token: tokO}), http.StatusNoContent)
		notFound(t, tokE, doomed.Id, nil)
		notFound(t, tokO, doomed.Id, nil)
	})

	t.Run("PurgedTombstonesAre410", func(t *testing.T) {
		old, _ := f.create(t, tokE, map[string]any{"title": "deleted long ago", "list_id": groceries.Id})
		f.deleteTask(t, tokO, old.Id)
		f.ageTask(t, old.Id, month+time.Hour)
		since := time.Now().Add(-month - 2*time.Hour).UTC().Format(time.RFC3339Nano)
		if first, _ := f.feed(t, tokE, listChangesPath(groceries.Id, since, 0)); len(first) == 0 {
			t.Fatalf("before the purge: nothing")
		}
		// The owner's next delete purges the old tombstone (in any of the owner's lists).
		gone, _ := f.create(t, tokO, map[string]any{"title": "deleted now"})
		f.deleteTask(t, tokO, gone.Id)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: listChangesPath(groceries.Id, since, 0), Token: tokE})
		if p := wantProblem(t, r, http.StatusGone); p.Type != "urn:todo-api:problem:sync-expired" {
			t.Errorf("problem type %q", p.Type)
		}
		// A recent sync point is not gone.
		recent := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: listChangesPath(groceries.Id, recent, 0), Token: tokE}), http.StatusOK)
	})
}

// listSyncer keeps a copy of one list through its feed, as the contract says.
type listSyncer struct {
	tok   string
	list  uuid.UUID
	tasks map[uuid.UUID]api.Task
	since string
}

func (c *listSyncer) sync(t *testing.T, f *fixture) {
	t.Helper()
	changes, _ := f.feed(t, c.tok, listChangesPath(c.list, c.since, 7))
	for _, ch := range changes {
		if ch.tombstone != nil {
			delete(c.tasks, ch.id())
		} else {
			c.tasks[ch.id()] = ch.task
		}
	}
	if len(changes) > 0 {
		c.since = changes[len(changes)-1].at()
	}
}

// TestListSyncUnderConcurrentWrites: a list written by its owner (creates, merge patches,
// completions, deletes, restores, moves to and from the owner's other list) and two editors
// (creates), and a stalling writer of the owner's (a toggle that waits between its write and
// its commit); a viewer syncs each of the two lists over and over. When the writers are done
// and the viewer has synced once more, each copy equals the database's list.
func TestListSyncUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner, viewer := userFor(t, "owner"), userFor(t, "viewer")
	editors := []string{userFor(t, "editor1"), userFor(t, "editor2")}
	tokO, tokV := f.Token(t, owner), f.Token(t, viewer)
	lists := []api.List{f.createList(t, tokO, map[string]any{"name": "Shared"}), f.createList(t, tokO, map[string]any{"name": "Other"})}
	for _, l := range lists {
		f.share(t, owner, l.Id, viewer, "viewer")
		for _, e := range editors {
			f.share(t, owner, l.Id, e, "editor")
		}
		for i := range 3 {
			f.create(t, tokO, map[string]any{"title": fmt.Sprintf("seed %d", i), "list_id": l.Id})
		}
	}
	const ops = 25
	clients := make([]*listSyncer, len(lists))
	for i, l := range lists {
		clients[i] = &listSyncer{tok: tokV, list: l.Id, tasks: map[uuid.UUID]api.Task{}}
	}
	stop := make(chan struct{})
	var syncers, writers sync.WaitGroup
	for _, c := range clients {
		syncers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					c.sync(t, f)
				}
			}
		})
	}
	for w := range 4 { // the owner's writers
		writers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 16))
			for i := range ops {
				l := lists[rng.IntN(len(lists))]
				tasks, _ := f.list(t, tokO, "limit=6&list_id="+l.Id.String())
				if len(tasks) == 0 || rng.IntN(6) == 0 {
					f.create(t, tokO, map[string]any{"title": fmt.Sprintf("o%d op%d", w, i), "list_id": l.Id})
					continue
				}
				id := tasks[rng.IntN(len(tasks))].Id
				var r *apitest.Response
				switch rng.IntN(5) {
				case 0:
					r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: tokO, Body: map[string]any{"title": fmt.Sprintf("o%d op%d", w, i)}, ContentType: "application/merge-patch+json"})
				case 1:
					r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete", Token: tokO})
				case 2:
					r = f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(id), Token: tokO})
					if r.Status == http.StatusNoContent && rng.IntN(2) == 0 {
						r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/restore", Token: tokO})
					}
				default: // to the other list
					other := lists[0].Id
					if l.Id == other {
						other = lists[1].Id
					}
					r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: tokO, Body: map[string]any{"list_id": other}, ContentType: "application/merge-patch+json"})
				}
				if r.Status >= 300 && r.Status != http.StatusNotFound {
					t.Errorf("status %d: %s", r.Status, r.Body)
				}
			}
		})
	}
	for w, e := range editors {
		tok := f.Token(t, e)
		writers.Go(func() {
			for i := range ops {
				f.create(t, tok, map[string]any{"title": fmt.Sprintf("e%d op%d", w, i), "list_id": lists[i%len(lists)].Id})
			}
		})
	}
	writers.Go(func() { // the owner's stalling writer
		rng := rand.New(rand.NewPCG(7, 9))
		for range ops {
			tasks, _ := f.list(t, tokO, "limit=6&list_id="+lists[0].Id.String())
			if len(tasks) == 0 {
				continue
			}
			tx, err := f.Pool.Begin(t.Context())
			if err != nil {
				t.Error(err)
				return
			}
			_, err = db.New(tx).TaskToggle(t.Context(), db.TaskToggleParams{UserID: owner, ID: tasks[rng.IntN(len(tasks))].Id})
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				t.Error(err)
			}
			time.Sleep(time.Duration(5+rng.IntN(20)) * time.Millisecond)
			if err := tx.Commit(t.Context()); err != nil {
				t.Error(err)
				return
			}
		}
	})
	writers.Wait()
	close(stop)
	syncers.Wait()
	for _, c := range clients {
		c.sync(t, f)
		rows, err := f.Pool.Query(t.Context(), "SELECT id, title, completed, updated_at FROM tasks WHERE user_id = $1 AND list_id = $2 AND deleted_at IS NULL", owner, c.list)
		if err != nil {
			t.Fatal(err)
		}
		want := map[uuid.UUID]string{}
		for rows.Next() {
			var id uuid.UUID
			var title string
			var done bool
			var at time.Time
			if err := rows.Scan(&id, &title, &done, &at); err != nil {
				t.Fatal(err)
			}
			want[id] = fmt.Sprintf("%q completed=%v updated=%s", title, done, at.UTC().Format(time.RFC3339Nano))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		got := map[uuid.UUID]string{}
		for id, task := range c.tasks {
			got[id] = fmt.Sprintf("%q completed=%v updated=%s", task.Title, task.Completed, task.UpdatedAt.UTC().Format(time.RFC3339Nano))
		}
		if len(want) == 0 {
			t.Fatalf("list %s has no tasks left: the test proves little", c.list)
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("list %s: task %s: copy %q, database %q", c.list, id, got[id], w)
			}
		}
		for id, g := range got {
			if _, ok := want[id]; !ok {
				t.Errorf("list %s: the copy keeps task %s %s, which is deleted or moved away", c.list, id, g)
			}
		}
	}
}
