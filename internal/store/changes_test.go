package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/dbtest"
)

// age makes user's task look deleted (or, with deleted false, last changed) ago before now,
// as if time had passed: deleted_at and updated_at move together, as the schema requires.
func age(t *testing.T, pool *pgxpool.Pool, user string, id uuid.UUID, ago time.Duration) {
	t.Helper()
	_, err := pool.Exec(t.Context(), `UPDATE tasks SET updated_at = now() - make_interval(secs => $3),
		deleted_at = CASE WHEN deleted_at IS NULL THEN NULL ELSE now() - make_interval(secs => $3) END
		WHERE user_id = $1 AND id = $2`, user, id, ago.Seconds())
	if err != nil {
		t.Fatal(err)
	}
}

// tombstoneRetention is how long tombstones stay restorable: tombstone_retention(), read from
// the database, where the rule is written once (db/migrations/0010_rule_functions.sql).
func tombstoneRetention(t *testing.T, pool *pgxpool.Pool) time.Duration {
	t.Helper()
	var secs float64
	if err := pool.QueryRow(t.Context(), "SELECT extract(epoch FROM tombstone_retention())::float8").Scan(&secs); err != nil {
		t.Fatal(err)
	}
	return time.Duration(secs * float64(time.Second))
}

// exists reports whether a row (live or tombstone) is stored for user's task id.
func exists(t *testing.T, pool *pgxpool.Pool, user string, id uuid.UUID) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM tasks WHERE user_id = $1 AND id = $2)", user, id).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// allChanges pages through user's feed from p and returns every change.
func allChanges(t *testing.T, s *Store, user string, p ChangesParams) []Task {
	t.Helper()
	var out []Task
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("more than 1000 pages")
		}
		tasks, next, err := s.TaskChanges(t.Context(), user, p)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		out = append(out, tasks...)
		if next == nil {
			return out
		}
		p.After = next
	}
}

func TestTaskDeleteIsSoft(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "soft"
	task := create(t, s, user, TaskFields{Title: "bye", Tags: []string{"gone"}, DueDate: day(2000, 1, 1)})
	keep := create(t, s, user, TaskFields{Title: "stay", Tags: []string{"kept"}})
	if err := s.TaskDelete(ctx, user, task.ID, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("EveryReadIgnoresIt", func(t *testing.T) {
		if _, err := s.TaskGet(ctx, user, task.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("get: %v, want ErrNotFound", err)
		}
		for _, k := range orders() {
			tasks, _, err := s.TaskList(ctx, user, ListParams{Sort: k.sort, Desc: k.desc, Limit: 10})
			if err != nil || len(tasks) != 1 || tasks[0].ID != keep.ID {
				t.Errorf("%s lists %d tasks, %v; want only the live one", orderName(k), len(tasks), err)
			}
		}
		if st, err := s.TaskStats(ctx, user, time.Now(), nil); err != nil || st != (Stats{Total: 1, Pending: 1}) {
			t.Errorf("stats %+v, %v", st, err)
		}
		if tags, _, err := s.TagList(ctx, user, TagListParams{}); err != nil || !slices.Equal(tags, []TagCount{{"kept", 1}}) {
			t.Errorf("tags %v, %v", tags, err)
		}
	})
	t.Run("EveryWriteIgnoresIt", func(t *testing.T) {
		before := userRows(t, pool, user)
		calls := map[string]error{}
		_, calls["TaskUpdate"] = s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "x"}}, nil)
		_, calls["TaskUpdateIfMatch"] = s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "x"}}, &Precondition{Versions: []int64{task.Version + 1}})
		_, calls["TaskToggle"] = s.TaskToggle(ctx, user, task.ID)
		_, calls["TaskSetCompleted"] = s.taskSetCompleted(ctx, user, task.ID, true)
		calls["TaskDelete"] = s.TaskDelete(ctx, user, task.ID, nil)
		calls["TaskDeleteIfMatch"] = s.TaskDelete(ctx, user, task.ID, &Precondition{Versions: []int64{task.Version + 1}})
		for name, err := range calls {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s on a deleted task: %v, want ErrNotFound", name, err)
			}
		}
		// The failed writes moved the clock (every write attempt does), nothing else.
		if after := userRows(t, pool, user); stripClock(after) != stripClock(before) {
			t.Errorf("writes to a deleted task changed rows:\n%s\n%s", before, after)
		}
	})
	t.Run("TheFeedHasItsTombstone", func(t *testing.T) {
		changes := allChanges(t, s, user, ChangesParams{UpdatedAfter: &keep.UpdatedAt})
		if len(changes) != 1 || changes[0].ID != task.ID {
			t.Fatalf("changes after the last create: %d, want the tombstone", len(changes))
		}
		tomb := changes[0]
		if tomb.DeletedAt == nil || !tomb.DeletedAt.Equal(tomb.UpdatedAt) || !tomb.UpdatedAt.After(keep.UpdatedAt) || tomb.Version != task.Version+1 {
			t.Fatalf("tombstone %s deleted_at %v: want deleted_at = updated_at, after the last write, version+1", render(tomb), tomb.DeletedAt)
		}
	})
}

// stripClock drops the user_clocks part of a userRows snapshot.
func stripClock(rows string) string {
	before, _, _ := strings.Cut(rows, "\nuser_clocks:")
	return before
}

func TestTaskRestore(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	retention := tombstoneRetention(t, pool)
	const user = "restorer"

	t.Run("DeletedTaskComesBackAsANewVersion", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		task := create(t, s, user, TaskFields{Title: "oops", Description: ptr("keep me"), Tags: []string{"x"}, Completed: true, DueDate: day(2030, 1, 1)})
		if err := s.TaskDelete(ctx, user, task.ID, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.TaskRestore(ctx, user, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fields(got) != fields(task) || got.DeletedAt != nil || got.Version != task.Version+2 ||
			!got.UpdatedAt.After(task.UpdatedAt) || !got.CreatedAt.Equal(task.CreatedAt) || !got.CompletedAt.Equal(*task.CompletedAt) {
			t.Fatalf("restored %s\nfrom %s", render(got), render(task))
		}
		read, err := s.TaskGet(ctx, user, task.ID)
		if err != nil || render(read) != render(got) {
			t.Fatalf("stored %s, %v", render(read), err)
		}
	})
	t.Run("LiveTaskIsUnchanged", func(t *testing.T) {
		t.Parallel()
		task := create(t, s, user, TaskFields{Title: "alive"})
		got, err := s.TaskRestore(t.Context(), user, task.ID)
		if err != nil || render(got) != render(task) {
			t.Fatalf("restore of a live task: %s, %v; want it unchanged %s", render(got), err, render(task))
		}
	})
	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		if _, err := s.TaskRestore(t.Context(), user, uuid.New()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("%v, want ErrNotFound", err)
		}
	})
	// Just inside the retention a tombstone is restorable, just outside it is not.
	for _, tc := range []struct {
		name string
		ago  time.Duration
		want error
	}{
		{"JustInsideRetentionIsRestorable", retention - time.Minute, nil},
		{"JustOutsideRetentionIsNotFound", retention + time.Minute, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			task := create(t, s, user, TaskFields{Title: "old"})
			if err := s.TaskDelete(t.Context(), user, task.ID, nil); err != nil {
				t.Fatal(err)
			}
			age(t, pool, user, task.ID, tc.ago)
			if _, err := s.TaskRestore(t.Context(), user, task.ID); !errors.Is(err, tc.want) {
				t.Fatalf("restore %v after deletion: %v, want %v", tc.ago, err, tc.want)
			}
		})
	}
}

// TestTombstonePurge: deleting purges the user's tombstones older than the retention,
// and only those: younger tombstones, live tasks and other users' rows stay.
func TestTombstonePurge(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	retention := tombstoneRetention(t, pool)
	ctx := t.Context()
	const user, other = "purger", "bystander"
	// Every task is written first and aged afterwards: each delete purges.
	type aged struct {
		user string
		task Task
		ago  time.Duration
	}
	var toAge []aged
	mk := func(u, title string, deleteIt bool, ago time.Duration) Task {
		task := create(t, s, u, TaskFields{Title: title})
		if deleteIt {
			if err := s.TaskDelete(ctx, u, task.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
		toAge = append(toAge, aged{u, task, ago})
		return task
	}
	old := mk(user, "old tombstone", true, retention+time.Minute)
	young := mk(user, "young tombstone", true, retention-time.Minute)
	oldLive := mk(user, "old live task", false, 2*retention)
	othersOld := mk(other, "someone else's old tombstone", true, retention+time.Hour)
	trigger := mk(user, "deleted now", false, 0)
	for _, a := range toAge {
		if a.ago > 0 {
			age(t, pool, a.user, a.task.ID, a.ago)
		}
	}

	if !exists(t, pool, user, old.ID) {
		t.Fatal("the old tombstone is gone before any purge")
	}
	if err := s.TaskDelete(ctx, user, trigger.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user string
		task Task
		want bool
	}{{user, old, false}, {user, young, true}, {user, oldLive, true}, {user, trigger, true}, {other, othersOld, true}} {
		if got := exists(t, pool, c.user, c.task.ID); got != c.want {
			t.Errorf("%q stored = %v after the purge, want %v", c.task.Title, got, c.want)
		}
	}
}

func TestUserClock(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const user = "clocked"
	c, err := s.UserClock(ctx, user)
	if err != nil || !c.Last.IsZero() || time.Since(c.Now).Abs() > time.Minute {
		t.Fatalf("before any write: %+v, %v", c, err)
	}
	// Every kind of write stamps updated_at from the clock: strictly increasing, and the
	// clock reads the latest.
	task := create(t, s, user, TaskFields{Title: "t"})
	var stamps []time.Time
	record := func(name string, got Task, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		stamps = append(stamps, got.UpdatedAt)
		c, err := s.UserClock(ctx, user)
		if err != nil || !c.Last.Equal(got.UpdatedAt) {
			t.Fatalf("after %s: clock %v, %v; want the write's updated_at %v", name, c.Last, err, got.UpdatedAt)
		}
	}
	record("TaskCreate", task, nil)
	for range 20 {
		got, err := s.TaskToggle(ctx, user, task.ID)
		record("TaskToggle", got, err)
	}
	got, err := s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "u"}}, nil)
	record("TaskUpdate", got, err)
	got, err = s.taskSetCompleted(ctx, user, task.ID, !got.Completed)
	record("TaskSetCompleted", got, err)
	if err := s.TaskDelete(ctx, user, task.ID, nil); err != nil {
		t.Fatal(err)
	}
	tomb := allChanges(t, s, user, ChangesParams{UpdatedAfter: &got.UpdatedAt})
	if len(tomb) != 1 {
		t.Fatalf("%d changes after the last write, want the tombstone", len(tomb))
	}
	record("TaskDelete", tomb[0], nil)
	got, err = s.TaskRestore(ctx, user, task.ID)
	record("TaskRestore", got, err)
	for i := 1; i < len(stamps); i++ {
		if !stamps[i].After(stamps[i-1]) {
			t.Fatalf("write %d stamped %v, not after write %d's %v", i, stamps[i], i-1, stamps[i-1])
		}
	}
	other, err := s.UserClock(ctx, "someone else")
	if err != nil || !other.Last.IsZero() {
		t.Fatalf("another user's clock: %+v, %v", other, err)
	}
}

func TestTaskChangesOrderAndPaging(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "feeder"
	// Ties on updated_at (as rows written before the clock existed may have): id breaks them.
	seedListing(t, pool, user, 60)
	seedListing(t, pool, "neighbour", 20)
	rows := loadRows(t, pool, user)
	want := expectedOrder(t, rows, orderKey{SortUpdated, false})
	for _, limit := range []int{1, 7, 60, 200} {
		got := allChanges(t, s, user, ChangesParams{Limit: limit})
		ids := make([]uuid.UUID, len(got))
		for i, task := range got {
			ids[i] = task.ID
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("limit %d: %d changes, want %d:\n%s", limit, len(ids), len(want), diffIDs(ids, want))
		}
	}
	t.Run("UpdatedAfterIsExclusive", func(t *testing.T) {
		for _, r := range rows[:10] {
			after := r.UpdatedAt
			var wantAfter []uuid.UUID
			for _, id := range want {
				for _, rr := range rows {
					if rr.ID == id && rr.UpdatedAt.After(after) {
						wantAfter = append(wantAfter, id)
					}
				}
			}
			got := allChanges(t, s, user, ChangesParams{UpdatedAfter: &after, Limit: 5})
			ids := make([]uuid.UUID, len(got))
			for i, task := range got {
				ids[i] = task.ID
			}
			if !slices.Equal(ids, wantAfter) {
				t.Fatalf("after %v: %d changes, want %d:\n%s", after, len(ids), len(wantAfter), diffIDs(ids, wantAfter))
			}
		}
	})
	t.Run("BadPositionKeyIsInvalid", func(t *testing.T) {
		_, _, err := s.TaskChanges(t.Context(), user, ChangesParams{After: &Position{Key: "yesterday", ID: uuid.New()}})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("%v, want ErrInvalid", err)
		}
	})
}

// TestTaskChangesSlowWriterIsNotMissed is the gap a timestamp-based feed is prone to: a write
// whose transaction started first but commits last. Writer A takes its time to commit; writer
// B writes meanwhile; a client syncs in between and after. With the clock, B waits for A, so
// B's updated_at is later than A's and the client's second sync (after the last updated_at it
// saw) gets both. Stamped with now() instead, B would commit first with the later time, the
// client would remember it, and A's earlier time would fall behind it: lost.
func TestTaskChangesSlowWriterIsNotMissed(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "syncer"
	a := create(t, s, user, TaskFields{Title: "a"})
	b := create(t, s, user, TaskFields{Title: "b"})
	client := newSyncClient()
	client.sync(t, s, user)

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := db.New(tx).TaskUpdate(ctx, db.TaskUpdateParams{UserID: user, ID: a.ID, SetTitle: true, Title: "a, slowly", Tags: []string{}, Priority: "medium", Repeat: "none"}); err != nil {
		t.Fatal(err)
	}
	bDone := make(chan error, 1)
	go func() {
		_, err := s.TaskUpdate(context.Background(), user, b.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "b, quickly"}}, nil)
		bDone <- err
	}()
	select {
	case err := <-bDone:
		bDone <- err // B did not wait for A: the sync below will tell whether that loses A
	case <-time.After(300 * time.Millisecond):
	}
	client.sync(t, s, user)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-bDone; err != nil {
		t.Fatal(err)
	}
	client.sync(t, s, user)
	client.check(t, pool, user)
}

// syncClient is a client of the change feed as the contract describes it: it keeps a copy of
// the tasks and the greatest change time it has seen.
type syncClient struct {
	tasks map[uuid.UUID]Task
	since *time.Time
}

func newSyncClient() *syncClient { return &syncClient{tasks: map[uuid.UUID]Task{}} }

func (c *syncClient) sync(t *testing.T, s *Store, user string) {
	t.Helper()
	if err := c.syncOnce(t.Context(), s, user); err != nil {
		t.Fatal(err)
	}
}

// syncOnce follows the feed from the client's last change time to its end, applying each
// change: a task replaces the copy's, a tombstone removes it.
func (c *syncClient) syncOnce(ctx context.Context, s *Store, user string) error {
	p := ChangesParams{UpdatedAfter: c.since, Limit: 3}
	for {
		changes, next, err := s.TaskChanges(ctx, user, p)
		if err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.DeletedAt != nil {
				delete(c.tasks, ch.ID)
			} else {
				c.tasks[ch.ID] = ch
			}
			if c.since == nil || ch.UpdatedAt.After(*c.since) {
				at := ch.UpdatedAt
				c.since = &at
			}
		}
		if next == nil {
			return nil
		}
		p.After = next
	}
}

// check fails the test unless the copy equals user's live tasks in the database.
func (c *syncClient) check(t *testing.T, pool *pgxpool.Pool, user string) {
	t.Helper()
	rows, err := pool.Query(t.Context(), "SELECT * FROM tasks WHERE user_id = $1 AND deleted_at IS NULL", user)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowToStructByPos[db.Task]) // the model's fields are the columns, in order
	if err != nil {
		t.Fatal(err)
	}
	want := map[uuid.UUID]string{}
	for _, r := range stored {
		want[r.ID] = render(fromRow(&r))
	}
	got := map[uuid.UUID]string{}
	for id, task := range c.tasks {
		got[id] = render(task)
	}
	if !maps.Equal(got, want) {
		var diff []string
		for id, w := range want {
			if g, ok := got[id]; !ok {
				diff = append(diff, "missing "+w)
			} else if g != w {
				diff = append(diff, "stale "+g+"\n  now "+w)
			}
		}
		for id, g := range got {
			if _, ok := want[id]; !ok {
				diff = append(diff, "kept deleted "+g)
			}
		}
		slices.Sort(diff)
		t.Fatalf("the synced copy of %s differs from the database in %d tasks:\n%v", user, len(diff), diff)
	}
}

// TestTaskChangesConcurrentWritersNoGaps: many writers on a few users' tasks (creates,
// updates, toggles, deletes, restores, bulk actions; lock waits make commits land out of start order)
// while a client per user syncs over and over; once the writers stop and each client syncs
// one last time, its copy equals the database.
func TestTaskChangesConcurrentWritersNoGaps(t *testing.T) {
	t.Parallel()
	pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.MaxConns = 24 })
	s := New(pool, Options{StatementTimeout: 30 * time.Second})
	users := []string{"sync-u1", "sync-u2", "sync-u3"}
	const writers, opsPerWriter = 8, 40

	var wg sync.WaitGroup
	stop := make(chan struct{})
	clients := map[string]*syncClient{}
	for _, u := range users {
		for i := range 5 {
			create(t, s, u, TaskFields{Title: fmt.Sprintf("seed %d", i)})
		}
		c := newSyncClient()
		clients[u] = c
	}
	var syncers sync.WaitGroup
	for _, u := range users {
		syncers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := clients[u].syncOnce(context.Background(), s, u); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for w := range writers * len(users) {
		user := users[w%len(users)]
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range opsPerWriter {
				ctx := context.Background()
				tasks, _, err := s.TaskList(ctx, user, ListParams{Sort: SortCreated, Limit: 8})
				if err != nil {
					t.Error(err)
					return
				}
				if len(tasks) == 0 || rng.IntN(5) == 0 {
					_, _, err = s.TaskCreate(ctx, user, TaskFields{Title: fmt.Sprintf("w%d op%d", w, i), Priority: "low"}, "", nil)
				} else {
					task := tasks[rng.IntN(len(tasks))]
					switch rng.IntN(6) {
					case 0:
						_, err = s.TaskToggle(ctx, user, task.ID)
					case 1:
						_, err = s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: fmt.Sprintf("w%d op%d", w, i)}}, nil)
					case 2:
						_, err = s.taskSetCompleted(ctx, user, task.ID, rng.IntN(2) == 0)
					case 3:
						err = s.TaskDelete(ctx, user, task.ID, nil)
					case 4:
						if err = s.TaskDelete(ctx, user, task.ID, nil); err == nil {
							_, err = s.TaskRestore(ctx, user, task.ID)
						}
					case 5:
						var ids []uuid.UUID
						for _, t := range tasks {
							ids = append(ids, t.ID)
						}
						actions := []BulkAction{BulkComplete, BulkUncomplete, BulkDelete, BulkRestore, BulkAddTags, BulkRemoveTags}
						_, _, err = s.TaskBulk(ctx, user, Bulk{Action: actions[rng.IntN(len(actions))], IDs: ids, Tags: []string{"bulk"}}, "", nil)
					}
				}
				if err != nil && !errors.Is(err, ErrNotFound) {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	syncers.Wait()
	for _, u := range users {
		clients[u].sync(t, s, u)
		clients[u].check(t, pool, u)
	}
}

// TestTaskChangesGone: a feed position is gone only once tombstones after it were purged.
func TestTaskChangesGone(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	retention := tombstoneRetention(t, pool)
	longAgo := time.Now().Add(-3 * retention)

	t.Run("IdleUserSyncsIncrementallyFromLongAgo", func(t *testing.T) {
		t.Parallel()
		const user = "idle"
		task := create(t, s, user, TaskFields{Title: "old"})
		age(t, pool, user, task.ID, 2*retention)
		changes, _, err := s.TaskChanges(ctx, user, ChangesParams{UpdatedAfter: &longAgo})
		if err != nil || len(changes) != 1 {
			t.Fatalf("%d changes, %v; want the one task", len(changes), err)
		}
	})
	t.Run("PurgedTombstonesAfterThePositionMakeItGone", func(t *testing.T) {
		t.Parallel()
		const user = "purged"
		old := create(t, s, user, TaskFields{Title: "deleted long ago"})
		if err := s.TaskDelete(ctx, user, old.ID, nil); err != nil {
			t.Fatal(err)
		}
		age(t, pool, user, old.ID, retention+time.Hour)
		var deletedAt time.Time
		if err := pool.QueryRow(ctx, "SELECT deleted_at FROM tasks WHERE user_id = $1 AND id = $2", user, old.ID).Scan(&deletedAt); err != nil {
			t.Fatal(err)
		}
		before := deletedAt.Add(-time.Minute)
		// Not purged yet: the tombstone is still there to report.
		changes, _, err := s.TaskChanges(ctx, user, ChangesParams{UpdatedAfter: &before})
		if err != nil || len(changes) != 1 || changes[0].DeletedAt == nil {
			t.Fatalf("before the purge: %d changes, %v; want the tombstone", len(changes), err)
		}
		trigger := create(t, s, user, TaskFields{Title: "deleted now"})
		if err := s.TaskDelete(ctx, user, trigger.ID, nil); err != nil {
			t.Fatal(err)
		}
		if exists(t, pool, user, old.ID) {
			t.Fatal("the old tombstone was not purged")
		}
		if _, _, err := s.TaskChanges(ctx, user, ChangesParams{UpdatedAfter: &before}); !errors.Is(err, ErrGone) {
			t.Fatalf("after the purge, from before the purged tombstone: %v, want ErrGone", err)
		}
		// Continuing with a cursor from that position is gone too.
		if _, _, err := s.TaskChanges(ctx, user, ChangesParams{UpdatedAfter: &before, After: &Position{Key: ChangeKey(trigger), ID: trigger.ID}}); !errors.Is(err, ErrGone) {
			t.Fatalf("a cursor of a gone position: %v, want ErrGone", err)
		}
		// A full sync is never gone; a position after the cutoff is not either.
		if _, _, err := s.TaskChanges(ctx, user, ChangesParams{}); err != nil {
			t.Fatalf("full sync: %v", err)
		}
		recent := time.Now().Add(-retention + time.Hour)
		if changes, _, err := s.TaskChanges(ctx, user, ChangesParams{UpdatedAfter: &recent}); err != nil || len(changes) != 1 || changes[0].ID != trigger.ID {
			t.Fatalf("from within retention: %d changes, %v; want the one tombstone of the task deleted now", len(changes), err)
		}
	})
}
