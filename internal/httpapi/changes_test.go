package httpapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	stdmaps "maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/apitest"
)

// change is one entry of the change feed as a client sees it: a task, or a tombstone.
type change struct {
	task      api.Task
	tombstone *api.TaskTombstone
	raw       map[string]json.RawMessage
}

func (c change) id() uuid.UUID {
	if c.tombstone != nil {
		return c.tombstone.Id
	}
	return c.task.Id
}

// at is the change's place in the feed, as the server sent it.
func (c change) at() string {
	key := "updated_at"
	if c.tombstone != nil {
		key = "deleted_at"
	}
	var s string
	_ = json.Unmarshal(c.raw[key], &s)
	return s
}

func decodeChanges(t *testing.T, r *apitest.Response) []change {
	t.Helper()
	var raws []map[string]json.RawMessage
	r.JSON(t, &raws)
	out := make([]change, len(raws))
	for i, raw := range raws {
		out[i].raw = raw
		b, _ := json.Marshal(raw)
		if _, ok := raw["deleted_at"]; ok {
			var tomb api.TaskTombstone
			if err := json.Unmarshal(b, &tomb); err != nil {
				t.Fatalf("tombstone %s: %v", b, err)
			}
			out[i].tombstone = &tomb
			continue
		}
		if err := json.Unmarshal(b, &out[i].task); err != nil {
			t.Fatalf("task %s: %v", b, err)
		}
	}
	return out
}

var feedLink = regexp.MustCompile(`^<(/api/(?:tasks|lists/[0-9a-f-]{36})/changes\?[^>]*)>;\s*rel="next"$`)

// feed follows the change feed from path to its end: every change in order, and the pages.
func (f *fixture) feed(t *testing.T, tok, path string) ([]change, int) {
	t.Helper()
	var all []change
	pages := 0
	for path != "" {
		if pages++; pages > 500 {
			t.Fatal("more than 500 pages")
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
		wantStatus(t, r, http.StatusOK)
		page := decodeChanges(t, r)
		all = append(all, page...)
		path = ""
		if h := r.Header.Get("Link"); h != "" {
			m := feedLink.FindStringSubmatch(h)
			if m == nil {
				t.Fatalf("Link %q is not a relative change feed next link", h)
			}
			if len(page) == 0 {
				t.Fatalf("an empty page with a next link %s", h)
			}
			path = m[1]
		}
	}
	return all, pages
}

func changesPath(updatedAfter string, limit int) string {
	q := url.Values{}
	if updatedAfter != "" {
		q.Set("updated_after", updatedAfter)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	return "/api/tasks/changes?" + q.Encode()
}

func (f *fixture) deleteTask(t *testing.T, tok string, id uuid.UUID) {
	t.Helper()
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(id), Token: tok}), http.StatusNoContent)
}

// ageTask makes the user's task look last changed (and deleted, if it is) ago before now.
func (f *fixture) ageTask(t *testing.T, id uuid.UUID, ago time.Duration) {
	t.Helper()
	_, err := f.Pool.Exec(t.Context(), `UPDATE tasks SET updated_at = now() - make_interval(secs => $2),
		deleted_at = CASE WHEN deleted_at IS NULL THEN NULL ELSE now() - make_interval(secs => $2) END
		WHERE id = $1`, id, ago.Seconds())
	if err != nil {
		t.Fatal(err)
	}
}

const month = 30 * 24 * time.Hour

func TestDeleteIsSoftAndRestoreUndoesIt(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	restore := func(t *testing.T, f *fixture, id uuid.UUID) *apitest.Response {
		return f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/restore", Token: f.tokA})
	}
	t.Run("RestoreBringsBackTheTaskAsANewVersion", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "oops", "description": "d", "tags": []string{"x"}, "due_date": "2030-01-01", "priority": "high"})
		_, etag := f.get(t, f.tokA, task.Id)
		f.deleteTask(t, f.tokA, task.Id)
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokA}), http.StatusNotFound)

		r := restore(t, f, task.Id)
		wantStatus(t, r, http.StatusOK)
		got := r.Task(t)
		tag := r.Header.Get("ETag")
		if tag == "" || tag == etag {
			t.Errorf("ETag %q after restore, was %q: want a new one", tag, etag)
		}
		if !got.UpdatedAt.After(task.UpdatedAt) {
			t.Errorf("updated_at %v, want after %v", got.UpdatedAt, task.UpdatedAt)
		}
		want := task
		want.UpdatedAt = got.UpdatedAt
		sameTask(t, got, want)
		stored, storedTag := f.get(t, f.tokA, task.Id)
		sameTask(t, stored, got)
		if storedTag != tag {
			t.Errorf("GET's ETag %q, restore's %q", storedTag, tag)
		}

		// Again: nothing changes.
		r = restore(t, f, task.Id)
		wantStatus(t, r, http.StatusOK)
		sameTask(t, r.Task(t), got)
		if r.Header.Get("ETag") != tag {
			t.Errorf("a second restore changed the ETag %q → %q", tag, r.Header.Get("ETag"))
		}
	})
	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		wantProblem(t, restore(t, f, uuid.New()), http.StatusNotFound)
	})
	t.Run("AfterThirtyDaysIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "long gone"})
		f.deleteTask(t, f.tokA, task.Id)
		f.ageTask(t, task.Id, month+time.Minute)
		wantProblem(t, restore(t, f, task.Id), http.StatusNotFound)
	})
	t.Run("TheFeedReportsDeleteAndRestore", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "flip-flop"})
		f.deleteTask(t, f.tokA, task.Id)
		changes, _ := f.feed(t, f.tokA, changesPath("", 0))
		if len(changes) != 1 || changes[0].tombstone == nil || changes[0].id() != task.Id {
			t.Fatalf("after delete: %+v, want one tombstone", changes)
		}
		if keys := slices.Sorted(stdmaps.Keys(changes[0].raw)); !slices.Equal(keys, []string{"deleted_at", "id"}) {
			t.Errorf("tombstone has %q, want exactly id and deleted_at", keys)
		}
		since := changes[0].at()
		wantStatus(t, restore(t, f, task.Id), http.StatusOK)
		changes, _ = f.feed(t, f.tokA, changesPath(since, 0))
		if len(changes) != 1 || changes[0].tombstone != nil || changes[0].task.Title != "flip-flop" {
			t.Fatalf("after restore: %+v, want the task", changes)
		}
	})
}

func TestTaskChangesFeed(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	t.Run("FullThenIncrementalSync", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		var made []api.Task
		for i := range 7 {
			made = append(made, f.createA(t, map[string]any{"title": fmt.Sprintf("task %d", i)}))
		}
		f.deleteTask(t, f.tokA, made[2].Id)
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(made[0].Id), Token: f.tokA, Body: map[string]any{"title": "task 0, renamed"}, ContentType: "application/merge-patch+json"})
		wantStatus(t, r, http.StatusOK)

		changes, pages := f.feed(t, f.tokA, changesPath("", 2))
		if pages != 4 || len(changes) != 7 {
			t.Fatalf("%d changes on %d pages, want 7 on 4", len(changes), pages)
		}
		// Oldest change first: tasks 1, 3..6 as created, the tombstone of 2, task 0 renamed.
		var got []string
		for _, c := range changes {
			if c.tombstone != nil {
				got = append(got, "deleted "+c.id().String())
			} else {
				got = append(got, c.task.Title)
			}
		}
		want := []string{"task 1", "task 3", "task 4", "task 5", "task 6", "deleted " + made[2].Id.String(), "task 0, renamed"}
		if !slices.Equal(got, want) {
			t.Fatalf("feed %q\nwant %q", got, want)
		}
		for i := 1; i < len(changes); i++ {
			if !parseTime(t, changes[i].at()).After(parseTime(t, changes[i-1].at())) {
				t.Errorf("change %d at %s is not after change %d at %s", i, changes[i].at(), i-1, changes[i-1].at())
			}
		}
		if changes[5].tombstone.DeletedAt.IsZero() {
			t.Error("tombstone without deleted_at")
		}

		// Incremental: only what changed after the last change seen (exclusive).
		since := changes[len(changes)-1].at()
		if again, _ := f.feed(t, f.tokA, changesPath(since, 0)); len(again) != 0 {
			t.Fatalf("nothing changed, yet %d changes after %s", len(again), since)
		}
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(made[4].Id) + "/complete", Token: f.tokA}), http.StatusOK)
		next, _ := f.feed(t, f.tokA, changesPath(since, 0))
		if len(next) != 1 || next[0].task.Id != made[4].Id || !next[0].task.Completed {
			t.Fatalf("after one change: %+v", next)
		}
	})

	t.Run("IdleUserSyncsFromLongAgo", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "untouched"})
		f.ageTask(t, task.Id, 3*month)
		changes, _ := f.feed(t, f.tokA, changesPath(time.Now().Add(-4*month).UTC().Format(time.RFC3339), 0))
		if len(changes) != 1 {
			t.Fatalf("%d changes, want the one task", len(changes))
		}
	})

	t.Run("PurgedTombstonesAre410", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		old := f.createA(t, map[string]any{"title": "deleted long ago"})
		f.deleteTask(t, f.tokA, old.Id)
		f.ageTask(t, old.Id, month+time.Hour)
		since := time.Now().Add(-month - 2*time.Hour).UTC().Format(time.RFC3339Nano)
		first, _ := f.feed(t, f.tokA, changesPath(since, 1))
		if len(first) != 1 || first[0].tombstone == nil {
			t.Fatalf("before the purge: %+v, want the tombstone", first)
		}
		// Another delete purges the old tombstone.
		f.deleteTask(t, f.tokA, f.createA(t, map[string]any{"title": "deleted now"}).Id)
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: changesPath(since, 1), Token: f.tokA})
		p := wantProblem(t, r, http.StatusGone)
		if p.Type != "urn:todo-api:problem:sync-expired" {
			t.Errorf("problem type %q", p.Type)
		}
		// A full sync starts over.
		changes, _ := f.feed(t, f.tokA, changesPath("", 0))
		if len(changes) != 1 || changes[0].tombstone == nil {
			t.Fatalf("full sync after the purge: %+v, want the new tombstone only", changes)
		}
	})

	t.Run("BadParameters", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for i := range 3 {
			f.createA(t, map[string]any{"title": fmt.Sprint(i)})
		}
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: changesPath("", 1), Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		link := feedLink.FindStringSubmatch(r.Header.Get("Link"))
		if link == nil {
			t.Fatalf("no next link: %q", r.Header.Get("Link"))
		}
		u, _ := url.Parse(link[1])
		cursor := u.Query().Get("cursor")
		_, lr := f.list(t, f.tokA, "limit=1")
		listCursor, _ := url.Parse(nextLink(t, lr))

		for name, tc := range map[string]struct{ query, field string }{
			"UpdatedAfterNotADate":    {"updated_after=yesterday", "query.updated_after"},
			"UpdatedAfterDateOnly":    {"updated_after=2026-01-01", "query.updated_after"},
			"LimitZero":               {"limit=0", "query.limit"},
			"LimitTooLarge":           {"limit=201", "query.limit"},
			"TamperedCursor":          {"cursor=" + url.QueryEscape(tamper(cursor)), "query.cursor"},
			"CursorOfAnotherPosition": {"cursor=" + url.QueryEscape(cursor) + "&updated_after=2026-01-01T00:00:00Z", "query.cursor"},
			"ListingCursor":           {"cursor=" + url.QueryEscape(listCursor.Query().Get("cursor")), "query.cursor"},
			"ForeignCursor":           {"cursor=" + url.QueryEscape(cursor) + "&as=b", "query.cursor"},
		} {
			t.Run(name, func(t *testing.T) {
				tok := f.tokA
				if strings.HasSuffix(tc.query, "&as=b") {
					tok, tc.query = f.tokB, strings.TrimSuffix(tc.query, "&as=b")
				}
				r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/changes?" + tc.query, Token: tok})
				wantField(t, wantProblem(t, r, http.StatusBadRequest), tc.field)
			})
		}
	})
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// syncer is a client keeping a copy of one user's tasks through the change feed, exactly as
// the contract's description of listTaskChanges says.
type syncer struct {
	tok   string
	tasks map[uuid.UUID]api.Task
	since string // the last change time received, as received
}

func (c *syncer) sync(t *testing.T, f *fixture) {
	t.Helper()
	changes, _ := f.feed(t, c.tok, changesPath(c.since, 7))
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

// TestSyncUnderConcurrentWrites: several users, many writers each (creates, merge patches,
// completions, deletes, restores, bulk actions, over a few tasks so that they wait on each other's locks),
// and per user a client syncing over and over. One more writer per user stalls between its
// write and its commit, as a request does when its process pauses or its transaction has
// more to do: the moment when a timestamp taken at the write is overtaken by writes that
// commit first. When the writers are done and each client has synced once more, its copy
// equals the database.
func TestSyncUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	f := setup(t)
	users := []string{userFor(t, "u1"), userFor(t, "u2"), userFor(t, "u3")}
	const writersPerUser, ops = 6, 25
	clients := map[string]*syncer{}
	for _, u := range users {
		clients[u] = &syncer{tok: f.Token(t, u), tasks: map[uuid.UUID]api.Task{}}
		for i := range 4 {
			f.create(t, clients[u].tok, map[string]any{"title": fmt.Sprintf("seed %d", i)})
		}
	}
	stop := make(chan struct{})
	var syncers, writers sync.WaitGroup
	for _, u := range users {
		syncers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					clients[u].sync(t, f)
				}
			}
		})
	}
	for w := range writersPerUser * len(users) {
		u := users[w%len(users)]
		tok := clients[u].tok
		writers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 8))
			for i := range ops {
				tasks, _ := f.list(t, tok, "limit=6")
				if len(tasks) == 0 || rng.IntN(6) == 0 {
					f.create(t, tok, map[string]any{"title": fmt.Sprintf("w%d op%d", w, i)})
					continue
				}
				id := tasks[rng.IntN(len(tasks))].Id
				var r *apitest.Response
				switch rng.IntN(6) {
				case 0:
					r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: tok, Body: map[string]any{"title": fmt.Sprintf("w%d op%d", w, i)}, ContentType: "application/merge-patch+json"})
				case 1:
					r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete", Token: tok})
				case 2:
					r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete", Token: tok, Body: map[string]any{"completed": rng.IntN(2) == 0}})
				case 3:
					r = f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(id), Token: tok})
				case 4:
					r = f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(id), Token: tok})
					if r.Status == http.StatusNoContent {
						r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/restore", Token: tok})
					}
				case 5:
					// Half the tasks listed; delete rarely, so that tasks remain to check.
					some := ids(tasks)[:max(1, len(tasks)/2)]
					body := map[string]any{"action": []string{"complete", "uncomplete", "restore", "complete", "uncomplete", "delete"}[rng.IntN(6)], "ids": some}
					if rng.IntN(3) == 0 {
						body = map[string]any{"action": []string{"add_tags", "remove_tags"}[rng.IntN(2)], "ids": some, "tags": []string{"bulk"}}
					}
					r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: tok, Body: body})
				}
				if r.Status >= 300 && r.Status != http.StatusNotFound {
					t.Errorf("status %d: %s", r.Status, r.Body)
				}
			}
		})
	}
	for _, u := range users {
		writers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(len(u)), 9))
			for range ops {
				tasks, _ := f.list(t, clients[u].tok, "limit=6")
				if len(tasks) == 0 {
					continue
				}
				tx, err := f.Pool.Begin(t.Context())
				if err != nil {
					t.Error(err)
					return
				}
				_, err = db.New(tx).TaskToggle(t.Context(), db.TaskToggleParams{UserID: u, ID: tasks[rng.IntN(len(tasks))].Id})
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
	}
	writers.Wait()
	close(stop)
	syncers.Wait()
	for _, u := range users {
		c := clients[u]
		c.sync(t, f)
		rows, err := f.Pool.Query(t.Context(), "SELECT id, title, completed, updated_at FROM tasks WHERE user_id = $1 AND deleted_at IS NULL", u)
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
		got := map[uuid.UUID]string{}
		for id, task := range c.tasks {
			got[id] = fmt.Sprintf("%q completed=%v updated=%s", task.Title, task.Completed, task.UpdatedAt.UTC().Format(time.RFC3339Nano))
		}
		if len(want) == 0 {
			t.Fatalf("%s has no tasks left: the test proves little", u)
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("%s: task %s: copy %q, database %q", u, id, got[id], w)
			}
		}
		for id, g := range got {
			if _, ok := want[id]; !ok {
				t.Errorf("%s: the copy keeps deleted task %s %s", u, id, g)
			}
		}
	}
}
