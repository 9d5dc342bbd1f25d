package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestOtherUsersRowsAreUnreachable gives the owner tasks and idempotency keys, then calls
// every exported Store method as an intruder with the owner's ids, versions, listing positions
// and keys: the intruder gets ErrNotFound, only its own rows, or a task of its own (and its
// own saved responses when it repeats a request under a key the owner used too), and the
// owner's rows are byte-for-byte what they were.
//
// It runs twice, once for each layer that keeps users apart, alone or not: on a role that
// bypasses row-level security, where the statements' own predicates (user_id = the caller)
// are all there is, and on the service's role, where the policies back them up. (The policies
// alone: TestRowLevelSecurity.)
func TestOtherUsersRowsAreUnreachable(t *testing.T) {
	t.Parallel()
	t.Run("PredicatesAlone", func(t *testing.T) {
		t.Parallel()
		pool := dbtest.New(t)
		if super, bypass := roleFlags(t, pool); !super && !bypass {
			t.Fatal("the tests' role is bound by row-level security: this would not test the predicates alone")
		}
		checkOtherUsersRowsAreUnreachable(t, New(pool, Options{}), pool)
	})
	t.Run("PredicatesAndPolicies", func(t *testing.T) {
		t.Parallel()
		s, pool := newStore(t)
		checkOtherUsersRowsAreUnreachable(t, s, pool)
	})
}

// checkOtherUsersRowsAreUnreachable is TestOtherUsersRowsAreUnreachable on s; pool reads
// every row. The owner's rows come first in every table — written first, and their user id
// sorts before the intruder's — so that a statement that lost the intruder's predicate would
// find them before the intruder's own.
func checkOtherUsersRowsAreUnreachable(t *testing.T, s *Store, pool *pgxpool.Pool) {
	ctx := t.Context()
	const owner, intruder = "owner-0123456789abcdef0123456789", "x-intruder-0123456789abcdef0123"

	ownerFields := TaskFields{Title: "Owner secret", Description: ptr("owner notes"), Priority: "high", DueDate: day(2020, 1, 1), Tags: []string{"secret", "work"}}
	var owned []Task
	owned = append(owned,
		create(t, s, owner, ownerFields),
		create(t, s, owner, TaskFields{Title: "Owner done", Priority: "low", Completed: true, DueDate: day(2030, 6, 1), Tags: []string{"secret"}}),
		create(t, s, owner, TaskFields{Title: "Owner undated", Priority: "medium"}),
		// Repeating: an intruder's completion must not give it a next occurrence either.
		create(t, s, owner, TaskFields{Title: "Owner repeating", Priority: "low", DueDate: day(2030, 1, 31), Repeat: "monthly"}),
	)
	ownerKeys := []string{"owner-idempotency-key-1", "owner-idempotency-key-2"}
	ownerHash := []byte("owner-request-hash")
	for _, key := range ownerKeys {
		keyed, _, err := s.TaskCreate(ctx, owner, ownerFields, key, ownerHash)
		if err != nil {
			t.Fatal(err)
		}
		owned = append(owned, keyed)
	}
	// A tombstone: deleted by the owner, restorable by the owner only.
	deleted := create(t, s, owner, TaskFields{Title: "Owner deleted", Priority: "high", Tags: []string{"secret"}})
	if err := s.TaskDelete(ctx, owner, deleted.ID, nil); err != nil {
		t.Fatal(err)
	}
	owned = append(owned, deleted)
	// A tombstone older than the retention, which only the owner's next delete may purge.
	expired := create(t, s, owner, TaskFields{Title: "Owner long deleted", Priority: "low"})
	if err := s.TaskDelete(ctx, owner, expired.ID, nil); err != nil {
		t.Fatal(err)
	}
	age(t, pool, owner, expired.ID, tombstoneRetention(t, pool)+time.Hour)
	owned = append(owned, expired)
	// A bulk request under a key, changing nothing.
	ownerBulkKey := "owner-bulk-key"
	ownerBulk := Bulk{Action: BulkRemoveTags, IDs: []uuid.UUID{owned[0].ID}, Tags: []string{"absent"}}
	if res, _, err := s.TaskBulk(ctx, owner, ownerBulk, ownerBulkKey, ownerHash); err != nil || res[0].Status != BulkOK {
		t.Fatalf("owner's bulk: %v, %v", res, err)
	}
	// Positions inside the owner's listings, one per order, for the intruder to continue from.
	positions := map[orderKey]*Position{}
	for _, k := range orders() {
		_, next, err := s.TaskList(ctx, owner, ListParams{Sort: k.sort, Desc: k.desc, Limit: 1})
		if err != nil || next == nil {
			t.Fatalf("owner's %s listing: next %v, %v", orderName(k), next, err)
		}
		positions[k] = next
	}
	var changePositions []*Position
	for _, limit := range []int{1, 3, 5} {
		_, next, err := s.TaskChanges(ctx, owner, ChangesParams{Limit: limit})
		if err != nil || next == nil {
			t.Fatalf("owner's change feed: next %v, %v", next, err)
		}
		changePositions = append(changePositions, next)
	}
	ownerClock, err := s.UserClock(ctx, owner)
	if err != nil || ownerClock.Last.IsZero() {
		t.Fatalf("owner's clock %+v, %v", ownerClock, err)
	}
	// The owner's lists: the inbox, a list created under a key, a deleted one.
	ownerInbox, err := s.EnsureInbox(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	ownerListKey := "owner-list-key"
	keyedList, _, err := s.ListCreate(ctx, owner, ListFields{Name: "Owner secret list"}, ownerListKey, ownerHash)
	if err != nil {
		t.Fatal(err)
	}
	deletedList, _, err := s.ListCreate(ctx, owner, ListFields{Name: "Owner deleted list"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ListDelete(ctx, owner, deletedList.ID, nil); err != nil {
		t.Fatal(err)
	}
	ownedLists := []List{{ID: ownerInbox, Name: InboxName, Version: 1}, keyedList, deletedList}
	// A pending invite to the owner's list, whose token the intruder does not have.
	ownerInvite, err := s.InviteCreate(ctx, owner, "Owner", keyedList.ID, RoleEditor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mine := create(t, s, intruder, TaskFields{Title: "Intruder own", Priority: "low", Tags: []string{"mine"}})
	myList, _, err := s.ListCreate(ctx, intruder, ListFields{Name: "Intruder own list"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	before := userRows(t, pool, owner)

	// Ping, CursorKey and DetectRowSecurity take no user: none reads a user's rows. Nor do
	// the leases of live owners (LiveOwners*: the event hub's rows, read by no user; their
	// one user-scoped statement, user_clock_wait, runs as the owner and changes nothing).
	covered := map[string]bool{"Ping": true, "CursorKey": true, "DetectRowSecurity": true,
		"LiveOwnersHold": true, "LiveOwnersRenew": true, "LiveOwnersRelease": true}
	call := func(method string) { covered[method] = true }

	changes := AllChanges(TaskFields{Title: "pwned", Priority: "low", Completed: true, Tags: []string{"pwned"}})
	byID := []struct {
		name, method string
		do           func(ctx context.Context, task Task) error
	}{
		{"TaskGet", "TaskGet", func(ctx context.Context, task Task) error {
			_, err := s.TaskGet(ctx, intruder, task.ID)
			return err
		}},
		{"TaskUpdate", "TaskUpdate", func(ctx context.Context, task Task) error {
			_, err := s.TaskUpdate(ctx, intruder, task.ID, changes, nil)
			return err
		}},
		{"TaskUpdateOneField", "TaskUpdate", func(ctx context.Context, task Task) error {
			_, err := s.TaskUpdate(ctx, intruder, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "pwned"}}, nil)
			return err
		}},
		{"TaskUpdateIfMatchCurrentVersion", "TaskUpdate", func(ctx context.Context, task Task) error {
			_, err := s.TaskUpdate(ctx, intruder, task.ID, changes, &Precondition{Versions: []int64{task.Version}})
			return err
		}},
		{"TaskUpdateIfMatchStaleVersion", "TaskUpdate", func(ctx context.Context, task Task) error {
			_, err := s.TaskUpdate(ctx, intruder, task.ID, changes, &Precondition{Versions: []int64{task.Version + 1}})
			return err
		}},
		{"TaskUpdateIfMatchNothing", "TaskUpdate", func(ctx context.Context, task Task) error {
			_, err := s.TaskUpdate(ctx, intruder, task.ID, changes, &Precondition{})
			return err
		}},
		{"TaskToggle", "TaskToggle", func(ctx context.Context, task Task) error {
			_, err := s.TaskToggle(ctx, intruder, task.ID)
			return err
		}},
		{"TaskComplete", "TaskComplete", func(ctx context.Context, task Task) error {
			_, err := s.TaskComplete(ctx, intruder, task.ID)
			return err
		}},
		{"TaskUncomplete", "TaskUncomplete", func(ctx context.Context, task Task) error {
			_, err := s.TaskUncomplete(ctx, intruder, task.ID)
			return err
		}},
		{"TaskDeleteIfMatchCurrentVersion", "TaskDelete", func(ctx context.Context, task Task) error {
			return s.TaskDelete(ctx, intruder, task.ID, &Precondition{Versions: []int64{task.Version}})
		}},
		{"TaskDeleteIfMatchStaleVersion", "TaskDelete", func(ctx context.Context, task Task) error {
			return s.TaskDelete(ctx, intruder, task.ID, &Precondition{Versions: []int64{task.Version + 1}})
		}},
		{"TaskDeleteIfMatchNothing", "TaskDelete", func(ctx context.Context, task Task) error {
			return s.TaskDelete(ctx, intruder, task.ID, &Precondition{})
		}},
		{"TaskDelete", "TaskDelete", func(ctx context.Context, task Task) error {
			return s.TaskDelete(ctx, intruder, task.ID, nil)
		}},
		{"TaskRestore", "TaskRestore", func(ctx context.Context, task Task) error {
			_, err := s.TaskRestore(ctx, intruder, task.ID)
			return err
		}},
		{"TaskListKey", "TaskListKey", func(ctx context.Context, task Task) error {
			for _, k := range orders() {
				if _, err := s.TaskListKey(ctx, intruder, ListParams{Sort: k.sort, Desc: k.desc}, task.ID); !errors.Is(err, ErrNotFound) {
					return fmt.Errorf("%s: %v", orderName(k), err)
				}
			}
			return ErrNotFound
		}},
		{"TaskMoveToTop", "TaskMove", func(ctx context.Context, task Task) error {
			_, err := s.TaskMove(ctx, intruder, task.ID, nil)
			return err
		}},
		{"TaskMoveAfterOwnTask", "TaskMove", func(ctx context.Context, task Task) error {
			_, err := s.TaskMove(ctx, intruder, task.ID, &mine.ID)
			return err
		}},
	}
	for _, tt := range byID {
		call(tt.method)
		t.Run(tt.name+"OnForeignTaskIsNotFound", func(t *testing.T) {
			for _, task := range owned {
				if err := tt.do(t.Context(), task); !errors.Is(err, ErrNotFound) {
					t.Errorf("task %q: err = %v, want ErrNotFound", task.Title, err)
				}
			}
		})
	}

	// Listings: every order (a new one in listQueries is covered without editing this test),
	// each with filters that match only the owner's tasks, and from the owner's positions.
	call("TaskList")
	call("TaskListWithClock")
	filters := []struct {
		name string
		set  func(*ListParams)
	}{
		{"NoFilter", func(*ListParams) {}},
		{"Completed", func(p *ListParams) { p.Completed = ptr(true) }},
		{"Priority", func(p *ListParams) { p.Priority = ptr(PriorityHigh) }},
		{"Q", func(p *ListParams) { p.Q = ptr("owner") }},
		{"Tags", func(p *ListParams) { p.Tags = []string{"secret", "work"} }},
		{"DueBefore", func(p *ListParams) { p.DueBefore = day(2025, 1, 1) }},
		{"DueAfter", func(p *ListParams) { p.DueAfter = day(2025, 1, 1) }},
		{"Overdue", func(p *ListParams) { p.Overdue, p.Now = ptr(true), time.Now() }},
		{"Combined", func(p *ListParams) {
			p.Completed, p.Priority, p.Q, p.Tags, p.DueBefore = ptr(false), ptr(PriorityHigh), ptr("secret"), []string{"secret"}, day(2025, 1, 1)
		}},
	}
	for _, k := range orders() {
		for _, f := range filters {
			for _, fromOwnersPosition := range []bool{false, true} {
				name := orderName(k) + "/" + f.name
				if fromOwnersPosition {
					name += "/AfterOwnersPosition"
				}
				t.Run("TaskList/"+name, func(t *testing.T) {
					p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 200}
					f.set(&p)
					if fromOwnersPosition {
						p.After = positions[k]
					}
					tasks, next, err := s.TaskList(t.Context(), intruder, p)
					if err != nil || next != nil {
						t.Fatalf("next %v, %v", next, err)
					}
					clock, piped, next, err := s.TaskListWithClock(t.Context(), intruder, p)
					if err != nil || next != nil || len(piped) != len(tasks) {
						t.Fatalf("with clock: %d tasks, next %v, %v; without: %d", len(piped), next, err, len(tasks))
					}
					if mineClock, err := s.MemberClock(t.Context(), intruder, p.ListID); err != nil || clock.View != mineClock.View {
						t.Fatalf("with clock: clock %q, the intruder's own lists' %q (%v)", clock.View, mineClock.View, err)
					}
					for _, task := range tasks {
						if task.ID != mine.ID {
							t.Errorf("listed %s", render(task))
						}
					}
					if f.name == "NoFilter" && !fromOwnersPosition && len(tasks) != 1 {
						t.Errorf("listed %d tasks, want only the intruder's own", len(tasks))
					}
				})
			}
		}
	}

	t.Run("TaskMoveAfterForeignTaskIsLikeAfterNoTask", func(t *testing.T) {
		ownBefore, err := s.TaskGet(t.Context(), intruder, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, after := range append(owned, Task{Title: "no such task", ID: uuid.New()}) {
			if _, err := s.TaskMove(t.Context(), intruder, mine.ID, &after.ID); !errors.Is(err, ErrNoSuchAfter) {
				t.Errorf("move after %q: %v, want ErrNoSuchAfter", after.Title, err)
			}
		}
		if got, err := s.TaskGet(t.Context(), intruder, mine.ID); err != nil || render(got) != render(ownBefore) {
			t.Errorf("the intruder's own task changed: %s, %v", render(got), err)
		}
	})

	call("TaskBulk")
	t.Run("TaskBulkOnForeignTasksIsNotFound", func(t *testing.T) {
		var ids []uuid.UUID
		for _, task := range owned {
			ids = append(ids, task.ID)
		}
		ids = append(ids, mine.ID)
		// The owner's own request under the owner's key first: it must not replay.
		requests := []struct {
			b    Bulk
			key  string
			hash []byte
		}{{Bulk{Action: ownerBulk.Action, IDs: ids, Tags: ownerBulk.Tags}, ownerBulkKey, ownerHash}}
		for _, action := range []BulkAction{BulkComplete, BulkUncomplete, BulkAddTags, BulkRemoveTags, BulkDelete, BulkRestore} {
			b := Bulk{Action: action, IDs: ids}
			if action == BulkAddTags || action == BulkRemoveTags {
				b.Tags = []string{"pwned", "secret"}
			}
			requests = append(requests, struct {
				b    Bulk
				key  string
				hash []byte
			}{b, "", nil})
		}
		for _, r := range requests {
			results, replayed, err := s.TaskBulk(t.Context(), intruder, r.b, r.key, r.hash)
			if err != nil || replayed || len(results) != len(ids) {
				t.Fatalf("%s: %d results, replayed=%v, %v", r.b.Action, len(results), replayed, err)
			}
			if r.key != "" {
				// The intruder repeats its request under the key the owner used too: it gets
				// its own results back, not the owner's.
				again, replayed, err := s.TaskBulk(t.Context(), intruder, r.b, r.key, r.hash)
				if err != nil || !replayed || !slices.Equal(again, results) {
					t.Fatalf("repeat under the owner's key: replayed=%v %+v, %v; want %+v", replayed, again, err, results)
				}
			}
			for i, res := range results {
				want := BulkNotFound
				if res.ID == mine.ID {
					want = BulkOK
				}
				if res.ID != ids[i] || res.Status != want || res.Detail != "" {
					t.Errorf("%s: result %d = %+v, want %s for %s", r.b.Action, i, res, want, ids[i])
				}
			}
		}
	})

	call("TaskChanges")
	t.Run("TaskChangesHasOwnTasksOnly", func(t *testing.T) {
		starts := []ChangesParams{{Limit: 200}, {Limit: 200, UpdatedAfter: ptr(time.Time{})}, {Limit: 200, UpdatedAfter: ptr(deleted.CreatedAt)}}
		for _, pos := range changePositions {
			starts = append(starts, ChangesParams{Limit: 200, After: pos})
		}
		for i, p := range starts {
			tasks, next, err := s.TaskChanges(t.Context(), intruder, p)
			if err != nil || next != nil {
				t.Fatalf("start %d: next %v, %v", i, next, err)
			}
			for _, task := range tasks {
				if task.ID != mine.ID {
					t.Errorf("start %d: the intruder's feed has %s", i, render(task))
				}
			}
			if i < 2 && len(tasks) != 1 {
				t.Errorf("start %d: %d changes, want only the intruder's own task", i, len(tasks))
			}
		}
	})
	call("UserClock")
	t.Run("UserClockIsOwnClock", func(t *testing.T) {
		c, err := s.UserClock(t.Context(), intruder)
		if err != nil || c.Last.Before(mine.UpdatedAt) {
			t.Fatalf("intruder's clock %+v, %v; want at or after its own write %v", c, err, mine.UpdatedAt)
		}
		fresh, err := s.UserClock(t.Context(), "nobody-0123456789abcdef0123456789")
		if err != nil || !fresh.Last.IsZero() || fresh.Now.IsZero() {
			t.Fatalf("clock of a user who never wrote: %+v, %v; want zero Last", fresh, err)
		}
	})

	call("MemberClock")
	t.Run("MemberClockIsOwnListsClock", func(t *testing.T) {
		for _, l := range ownedLists {
			c, err := s.MemberClock(t.Context(), intruder, &l.ID)
			if err != nil || c.View != "0:0" {
				t.Fatalf("intruder's clock of the owner's list %s: %+v, %v; want that of no list", l.Name, c, err)
			}
		}
		own, err := s.UserClock(t.Context(), intruder)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.MemberClock(t.Context(), intruder, nil)
		// The intruder's lists (its inbox and myList) are its own only: its own clock.
		if err != nil || c.View != "" || !c.Last.Equal(own.Last) {
			t.Fatalf("intruder's clock of its lists: %+v, %v; want its own %v", c, err, own.Last)
		}
	})

	call("TaskStats")
	t.Run("TaskStatsCountsOwnTasksOnly", func(t *testing.T) {
		st, err := s.TaskStats(t.Context(), intruder, time.Now(), nil)
		if want := (Stats{Total: 1, Pending: 1}); err != nil || st != want {
			t.Fatalf("stats = %+v, %v; want %+v", st, err, want)
		}
	})
	call("TagList")
	t.Run("TagListHasOwnTagsOnly", func(t *testing.T) {
		tags, _, err := s.TagList(t.Context(), intruder, TagListParams{})
		if want := []TagCount{{"mine", 1}}; err != nil || !slices.Equal(tags, want) {
			t.Fatalf("tags = %v, %v; want %v", tags, err, want)
		}
	})

	call("TaskCreate")
	t.Run("TaskCreateWithOwnersKeyCreatesOwnTask", func(t *testing.T) {
		// The owner's request replayed, and another request under the owner's other key.
		for i, hash := range [][]byte{ownerHash, []byte("another hash")} {
			key := ownerKeys[i]
			got, replayed, err := s.TaskCreate(t.Context(), intruder, ownerFields, key, hash)
			if err != nil || replayed {
				t.Fatalf("key %q: replayed=%v, %v; want a fresh task", key, replayed, err)
			}
			for _, task := range owned {
				if got.ID == task.ID {
					t.Fatalf("the intruder got the owner's task %s", render(task))
				}
			}
			if _, err := s.TaskGet(t.Context(), intruder, got.ID); err != nil {
				t.Fatalf("the intruder cannot read its new task: %v", err)
			}
			if _, err := s.TaskGet(t.Context(), owner, got.ID); !errors.Is(err, ErrNotFound) {
				t.Fatalf("the owner can read the intruder's task: %v", err)
			}
			// The intruder repeats its request under the key the owner used too: it gets its
			// own task back, not the owner's.
			again, replayed, err := s.TaskCreate(t.Context(), intruder, ownerFields, key, hash)
			if err != nil || !replayed || render(again) != render(got) {
				t.Fatalf("key %q repeated: replayed=%v, %v\n got %s\nwant %s", key, replayed, err, render(again), render(got))
			}
		}
	})

	listByID := []struct {
		name, method string
		do           func(ctx context.Context, l List) error
	}{
		{"ListGet", "ListGet", func(ctx context.Context, l List) error { _, err := s.ListGet(ctx, intruder, l.ID); return err }},
		{"ListUpdate", "ListUpdate", func(ctx context.Context, l List) error {
			_, err := s.ListUpdate(ctx, intruder, l.ID, ListChanges{Fields: ListFields{Name: "pwned", Color: ptr("#000000")}, SetName: true, SetColor: true}, nil)
			return err
		}},
		{"ListUpdateIfMatchCurrentVersion", "ListUpdate", func(ctx context.Context, l List) error {
			_, err := s.ListUpdate(ctx, intruder, l.ID, ListChanges{SetColor: true}, &Precondition{Versions: []int64{l.Version}})
			return err
		}},
		{"ListDelete", "ListDelete", func(ctx context.Context, l List) error { return s.ListDelete(ctx, intruder, l.ID, nil) }},
		{"ListDeleteIfMatchCurrentVersion", "ListDelete", func(ctx context.Context, l List) error {
			return s.ListDelete(ctx, intruder, l.ID, &Precondition{Versions: []int64{l.Version}})
		}},
		{"ListRestore", "ListRestore", func(ctx context.Context, l List) error { _, err := s.ListRestore(ctx, intruder, l.ID); return err }},
		{"ListMoveFirst", "ListMove", func(ctx context.Context, l List) error { _, err := s.ListMove(ctx, intruder, l.ID, nil); return err }},
		{"ListMoveAfterOwnList", "ListMove", func(ctx context.Context, l List) error {
			_, err := s.ListMove(ctx, intruder, l.ID, &myList.ID)
			return err
		}},
		{"MemberList", "MemberList", func(ctx context.Context, l List) error { _, err := s.MemberList(ctx, intruder, l.ID); return err }},
		{"MemberSetRole", "MemberSetRole", func(ctx context.Context, l List) error {
			_, err := s.MemberSetRole(ctx, intruder, l.ID, owner, RoleViewer)
			return err
		}},
		{"MemberRemoveOwner", "MemberRemove", func(ctx context.Context, l List) error { return s.MemberRemove(ctx, intruder, l.ID, owner) }},
		{"MemberLeave", "MemberRemove", func(ctx context.Context, l List) error { return s.MemberRemove(ctx, intruder, l.ID, intruder) }},
		{"InviteCreate", "InviteCreate", func(ctx context.Context, l List) error {
			_, err := s.InviteCreate(ctx, intruder, "", l.ID, RoleEditor, time.Hour)
			return err
		}},
		{"InviteListPending", "InviteListPending", func(ctx context.Context, l List) error {
			_, err := s.InviteListPending(ctx, intruder, l.ID)
			return err
		}},
		{"InviteRevoke", "InviteRevoke", func(ctx context.Context, l List) error { return s.InviteRevoke(ctx, intruder, l.ID, ownerInvite.ID) }},
		{"ListClock", "ListClock", func(ctx context.Context, l List) error { _, err := s.ListClock(ctx, intruder, l.ID); return err }},
		{"ListFeed", "ListFeed", func(ctx context.Context, l List) error {
			_, _, err := s.ListFeed(ctx, intruder, l.ID, ChangesParams{Limit: 200})
			return err
		}},
		{"ListFeedUpdatedAfter", "ListFeed", func(ctx context.Context, l List) error {
			_, _, err := s.ListFeed(ctx, intruder, l.ID, ChangesParams{Limit: 200, UpdatedAfter: ptr(time.Time{})})
			return err
		}},
	}
	for _, tt := range listByID {
		call(tt.method)
		t.Run(tt.name+"OnForeignListIsNotFound", func(t *testing.T) {
			for _, l := range ownedLists {
				if err := tt.do(t.Context(), l); !errors.Is(err, ErrNotFound) {
					t.Errorf("list %q: err = %v, want ErrNotFound", l.Name, err)
				}
			}
		})
	}
	t.Run("ListMoveAfterForeignListIsLikeAfterNoList", func(t *testing.T) {
		for _, after := range ownedLists {
			if _, err := s.ListMove(t.Context(), intruder, myList.ID, &after.ID); !errors.Is(err, ErrNoSuchAfterList) {
				t.Errorf("move after %q: %v, want ErrNoSuchAfterList", after.Name, err)
			}
		}
	})
	call("InviteLookup")
	call("InviteAccept")
	t.Run("InviteWithoutItsTokenIsNotFound", func(t *testing.T) {
		for _, token := range []string{"", ownerInvite.ID.String(), base64url(inviteTokenHash(ownerInvite.Token)), ownerInvite.Token + "x", ownerInvite.Token[1:]} {
			if _, err := s.InviteLookup(t.Context(), intruder, token); !errors.Is(err, ErrNotFound) {
				t.Errorf("lookup %q: %v, want ErrNotFound", token, err)
			}
			if _, err := s.InviteAccept(t.Context(), intruder, "", token); !errors.Is(err, ErrNotFound) {
				t.Errorf("accept %q: %v, want ErrNotFound", token, err)
			}
		}
		if pending, err := s.InviteListPending(t.Context(), owner, keyedList.ID); err != nil || len(pending) != 1 || pending[0].ID != ownerInvite.ID {
			t.Errorf("the owner's pending invites: %+v, %v; want the one, untouched", pending, err)
		}
	})
	call("ListAll")
	call("EnsureInbox")
	t.Run("ListAllAndEnsureInboxHaveOwnListsOnly", func(t *testing.T) {
		lists, err := s.ListAll(t.Context(), intruder)
		if err != nil || len(lists) != 2 || !lists[0].Inbox || lists[1].ID != myList.ID {
			t.Fatalf("the intruder's lists: %+v, %v; want its own inbox and list", lists, err)
		}
		inbox, err := s.EnsureInbox(t.Context(), intruder)
		if err != nil || inbox != lists[0].ID || inbox == ownerInbox {
			t.Fatalf("the intruder's inbox %v, %v; listed %v, the owner's %v", inbox, err, lists[0].ID, ownerInbox)
		}
	})
	call("EventMemberLists")
	call("EventListsChanged")
	t.Run("EventsNameOwnListsOnly", func(t *testing.T) {
		lists, err := s.EventMemberLists(t.Context(), intruder)
		if err != nil || len(lists) != 2 {
			t.Fatalf("the intruder's member lists: %+v, %v; want its inbox and list", lists, err)
		}
		for _, l := range lists {
			if l.OwnerID != intruder || l.ListID == ownerInbox || l.ListID == keyedList.ID {
				t.Errorf("the intruder's member lists name %+v", l)
			}
		}
		changes, err := s.EventListsChanged(t.Context(), intruder, time.Time{}, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			if c.ListID == ownerInbox || c.ListID == keyedList.ID || c.ListID == deletedList.ID {
				t.Errorf("the intruder's changed lists name the owner's %v", c.ListID)
			}
		}
	})
	call("ListCreate")
	t.Run("ListCreateWithOwnersKeyCreatesOwnList", func(t *testing.T) {
		got, replayed, err := s.ListCreate(t.Context(), intruder, ListFields{Name: "Owner secret list"}, ownerListKey, ownerHash)
		if err != nil || replayed || got.ID == keyedList.ID {
			t.Fatalf("the owner's key: %+v, replayed=%v, %v; want a fresh list", got, replayed, err)
		}
		again, replayed, err := s.ListCreate(t.Context(), intruder, ListFields{Name: "Owner secret list"}, ownerListKey, ownerHash)
		if err != nil || !replayed || again.ID != got.ID {
			t.Fatalf("repeated: %+v, replayed=%v, %v; want its own list %v", again, replayed, err, got.ID)
		}
	})

	t.Run("EveryStoreMethodIsCovered", func(t *testing.T) {
		typ := reflect.TypeFor[*Store]()
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; !covered[name] {
				t.Errorf("Store.%s is not called by this test: add it", name)
			}
		}
	})

	if after := userRows(t, pool, owner); after != before {
		t.Fatalf("the owner's rows changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func base64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
