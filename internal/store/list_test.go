package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// listNames are the names of user's live lists, in ListAll's order.
func listNames(t *testing.T, s *Store, user string) []string {
	t.Helper()
	lists, err := s.ListAll(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(lists))
	for i, l := range lists {
		names[i] = l.Name
	}
	return names
}

// listText renders a list for comparisons (times as instants, the colour's value).
func listText(l List) string {
	color := "none"
	if l.Color != nil {
		color = *l.Color
	}
	return fmt.Sprintf("%s %q %s inbox=%v %s members=%d %s %s %s v%d", l.ID, l.Name, color, l.Inbox, l.Role, l.MemberCount,
		l.Position, l.CreatedAt.UTC().Format(time.RFC3339Nano), l.UpdatedAt.UTC().Format(time.RFC3339Nano), l.Version)
}

func createList(t *testing.T, s *Store, user, name string) List {
	t.Helper()
	l, replayed, err := s.ListCreate(t.Context(), user, ListFields{Name: name}, "", nil)
	if err != nil || replayed {
		t.Fatalf("create list %q for %s: replayed=%v, %v", name, user, replayed, err)
	}
	return l
}

// putInList moves task into list, as the tests' role (the task-side API is issue 14's other
// half).
func putInList(t *testing.T, pool *pgxpool.Pool, user string, task, list uuid.UUID) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), "UPDATE tasks SET list_id = $3 WHERE user_id = $1 AND id = $2", user, task, list); err != nil {
		t.Fatal(err)
	}
}

func TestInboxIsCreatedOnceUnderConcurrentFirstRequests(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user, n = "first-comer", 20
	ids := make([]uuid.UUID, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if i%2 == 0 {
				ids[i], errs[i] = s.EnsureInbox(t.Context(), user)
				return
			}
			lists, err := s.ListAll(t.Context(), user)
			if errs[i] = err; err == nil {
				ids[i] = lists[0].ID
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("request %d: inbox %v, %v; request 0: %v", i, ids[i], errs[i], ids[0])
		}
	}
	var inboxes, members int
	if err := pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM lists WHERE owner_id = $1),
		(SELECT count(*) FROM list_members WHERE owner_id = $1)`, user).Scan(&inboxes, &members); err != nil {
		t.Fatal(err)
	}
	if inboxes != 1 || members != 1 {
		t.Fatalf("%d lists and %d memberships after %d concurrent first requests, want 1 and 1", inboxes, members, n)
	}
}

func TestListCreateGoesLastWithItsFields(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "lister"
	a := createList(t, s, user, "A")
	green := "#2e7d32"
	b, _, err := s.ListCreate(t.Context(), user, ListFields{Name: "B", Color: &green}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := listNames(t, s, user); !slices.Equal(got, []string{InboxName, "A", "B"}) {
		t.Fatalf("lists %q, want the inbox, then in creation order", got)
	}
	if a.Inbox || a.Role != RoleOwner || a.MemberCount != 1 || a.Color != nil || a.Version != 1 || !a.CreatedAt.Equal(a.UpdatedAt) {
		t.Fatalf("created list %+v", a)
	}
	if b.Color == nil || *b.Color != green || b.Position <= a.Position {
		t.Fatalf("second list %+v after %+v", b, a)
	}
	got, err := s.ListGet(t.Context(), user, b.ID)
	if err != nil || listText(got) != listText(b) {
		t.Fatalf("get: %+v, %v; want %+v", got, err, b)
	}
	lists, err := s.ListAll(t.Context(), user)
	if err != nil || !lists[0].Inbox || lists[0].Name != InboxName || lists[0].Role != RoleOwner {
		t.Fatalf("first list %+v, %v; want the inbox", lists[0], err)
	}
}

func TestListCreateReplaysItsIdempotencyKey(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "retrier"
	first, replayed, err := s.ListCreate(t.Context(), user, ListFields{Name: "Once"}, "k1", []byte("h1"))
	if err != nil || replayed {
		t.Fatalf("first: %v, replayed=%v", err, replayed)
	}
	again, replayed, err := s.ListCreate(t.Context(), user, ListFields{Name: "Once"}, "k1", []byte("h1"))
	if err != nil || !replayed || listText(again) != listText(first) {
		t.Fatalf("repeat: %+v, replayed=%v, %v; want %+v replayed", again, replayed, err, first)
	}
	if _, _, err := s.ListCreate(t.Context(), user, ListFields{Name: "Other"}, "k1", []byte("h2")); !errors.Is(err, ErrIdempotencyMismatch) {
		t.Fatalf("the key with another body: %v, want ErrIdempotencyMismatch", err)
	}
	if got := listNames(t, s, user); !slices.Equal(got, []string{InboxName, "Once"}) {
		t.Fatalf("lists %q", got)
	}
}

func TestListQuotaCountsLiveListsWithTheInbox(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "collector"
	var last List
	for i := range MaxLists - 1 { // and the inbox
		last = createList(t, s, user, fmt.Sprint("list ", i))
	}
	if _, _, err := s.ListCreate(t.Context(), user, ListFields{Name: "one too many"}, "", nil); !errors.Is(err, ErrListQuota) || !errors.Is(err, ErrQuotaExceeded) {
		t.Fatalf("list %d: %v, want ErrListQuota", MaxLists+1, err)
	}
	if err := s.ListDelete(t.Context(), user, last.ID, nil); err != nil {
		t.Fatal(err)
	}
	createList(t, s, user, "in its place")
	if _, err := s.ListRestore(t.Context(), user, last.ID); !errors.Is(err, ErrListQuota) {
		t.Fatalf("restoring a list beyond the quota: %v, want ErrListQuota", err)
	}
	if n := len(listNames(t, s, user)); n != MaxLists {
		t.Fatalf("%d live lists, want %d", n, MaxLists)
	}
}

func TestTheInboxKeepsItsNameAndPlace(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "keeper"
	inbox, err := s.EnsureInbox(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	other := createList(t, s, user, "Other")
	red := "#ff0000"
	for name, write := range map[string]func() error{
		"rename": func() error {
			_, err := s.ListUpdate(t.Context(), user, inbox, ListChanges{Fields: ListFields{Name: "Mine"}, SetName: true}, nil)
			return err
		},
		"delete": func() error { return s.ListDelete(t.Context(), user, inbox, nil) },
		"move":   func() error { _, err := s.ListMove(t.Context(), user, inbox, &other.ID); return err },
	} {
		if err := write(); !errors.Is(err, ErrInboxConflict) {
			t.Errorf("%s the inbox: %v, want ErrInboxConflict", name, err)
		}
	}
	// Its colour may change, and "renaming" it to its own name is no rename.
	l, err := s.ListUpdate(t.Context(), user, inbox, ListChanges{Fields: ListFields{Name: InboxName, Color: &red}, SetName: true, SetColor: true}, nil)
	if err != nil || l.Name != InboxName || l.Color == nil || *l.Color != red || !l.Inbox {
		t.Fatalf("recolour the inbox: %+v, %v", l, err)
	}
	if got := listNames(t, s, user); !slices.Equal(got, []string{InboxName, "Other"}) {
		t.Fatalf("lists %q", got)
	}
}

func TestListUpdateChecksItsPrecondition(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "renamer"
	l := createList(t, s, user, "Before")
	rename := ListChanges{Fields: ListFields{Name: "After"}, SetName: true}
	if _, err := s.ListUpdate(t.Context(), user, l.ID, rename, &Precondition{Versions: []int64{l.Version + 1}}); !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("stale If-Match: %v, want ErrPreconditionFailed", err)
	}
	got, err := s.ListUpdate(t.Context(), user, l.ID, rename, &Precondition{Versions: []int64{l.Version}})
	if err != nil || got.Name != "After" || got.Version != l.Version+1 || !got.UpdatedAt.After(l.UpdatedAt) || got.Color != nil {
		t.Fatalf("rename: %+v, %v (was %+v)", got, err, l)
	}
	if err := s.ListDelete(t.Context(), user, l.ID, &Precondition{Versions: []int64{l.Version}}); !errors.Is(err, ErrPreconditionFailed) {
		t.Fatalf("delete with the old version: %v, want ErrPreconditionFailed", err)
	}
}

func TestListDeleteAndRestoreTakeExactlyItsTasks(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "tidier"
	l := createList(t, s, user, "Doomed")
	other := createList(t, s, user, "Other")
	before := create(t, s, user, TaskFields{Title: "deleted before"})
	with1 := create(t, s, user, TaskFields{Title: "deleted with it 1"})
	with2 := create(t, s, user, TaskFields{Title: "deleted with it 2"})
	elsewhere := create(t, s, user, TaskFields{Title: "in another list"})
	for _, task := range []Task{before, with1, with2} {
		putInList(t, pool, user, task.ID, l.ID)
	}
	putInList(t, pool, user, elsewhere.ID, other.ID)
	if err := s.TaskDelete(t.Context(), user, before.ID, nil); err != nil {
		t.Fatal(err)
	}

	if err := s.ListDelete(t.Context(), user, l.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListGet(t.Context(), user, l.ID); !errors.Is(err, ErrListNotFound) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("get a deleted list: %v, want ErrListNotFound", err)
	}
	for _, write := range []func() error{
		func() error { return s.ListDelete(t.Context(), user, l.ID, nil) },
		func() error { _, err := s.ListMove(t.Context(), user, l.ID, nil); return err },
		func() error {
			_, err := s.ListUpdate(t.Context(), user, l.ID, ListChanges{Fields: ListFields{Name: "x"}, SetName: true}, nil)
			return err
		},
	} {
		if err := write(); !errors.Is(err, ErrListNotFound) {
			t.Fatalf("a write of a deleted list: %v, want ErrListNotFound", err)
		}
	}
	// One deleted_at for the list and the tasks deleted with it.
	var stamps int
	if err := pool.QueryRow(t.Context(), `SELECT count(DISTINCT deleted_at) FROM
		(SELECT deleted_at FROM lists WHERE owner_id = $1 AND id = $2
		 UNION ALL SELECT deleted_at FROM tasks WHERE user_id = $1 AND id = ANY($3::uuid[])) x`,
		user, l.ID, []uuid.UUID{with1.ID, with2.ID}).Scan(&stamps); err != nil || stamps != 1 {
		t.Fatalf("%d deleted_at values among the list and its tasks (%v), want 1", stamps, err)
	}
	for _, task := range []Task{with1, with2} {
		if _, err := s.TaskGet(t.Context(), user, task.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a task of the deleted list: %v, want ErrNotFound", err)
		}
	}
	if _, err := s.TaskGet(t.Context(), user, elsewhere.ID); err != nil {
		t.Fatalf("a task of another list: %v", err)
	}
	if got := listNames(t, s, user); !slices.Equal(got, []string{InboxName, "Other"}) {
		t.Fatalf("lists after the delete %q", got)
	}

	restored, err := s.ListRestore(t.Context(), user, l.ID)
	if err != nil || restored.Name != "Doomed" || restored.Version <= l.Version || !restored.UpdatedAt.After(l.UpdatedAt) {
		t.Fatalf("restore: %+v, %v", restored, err)
	}
	if got := listNames(t, s, user); !slices.Equal(got, []string{InboxName, "Other", "Doomed"}) {
		t.Fatalf("lists after the restore %q, want the restored list last", got)
	}
	for _, task := range []Task{with1, with2} {
		if got, err := s.TaskGet(t.Context(), user, task.ID); err != nil || got.Version <= task.Version {
			t.Fatalf("a task deleted with the list after the restore: %+v, %v", got, err)
		}
	}
	if _, err := s.TaskGet(t.Context(), user, before.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the task deleted before the list came back: %v", err)
	}
	again, err := s.ListRestore(t.Context(), user, l.ID)
	if err != nil || listText(again) != listText(restored) {
		t.Fatalf("restoring a live list: %+v, %v; want it unchanged %+v", again, err, restored)
	}
}

func TestListMoveOrdersTheUsersLists(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "arranger"
	inbox, err := s.EnsureInbox(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := createList(t, s, user, "A"), createList(t, s, user, "B"), createList(t, s, user, "C")
	foreign := createList(t, s, "stranger", "Foreign")
	steps := []struct {
		move  List
		after *uuid.UUID
		want  []string
	}{
		{c, nil, []string{"C", "A", "B"}},
		{a, &b.ID, []string{"C", "B", "A"}},
		{a, &inbox, []string{"A", "C", "B"}},
		{a, nil, []string{"A", "C", "B"}}, // already there
		{b, &a.ID, []string{"A", "B", "C"}},
	}
	for _, step := range steps {
		moved, err := s.ListMove(t.Context(), user, step.move.ID, step.after)
		if err != nil {
			t.Fatalf("move %s after %v: %v", step.move.Name, step.after, err)
		}
		if got := listNames(t, s, user); !slices.Equal(got, append([]string{InboxName}, step.want...)) {
			t.Fatalf("move %s after %v: %q, want %q", step.move.Name, step.after, got, step.want)
		}
		if moved.Name != step.move.Name {
			t.Fatalf("moved %+v", moved)
		}
	}
	for _, after := range []uuid.UUID{a.ID, foreign.ID, uuid.New()} {
		if _, err := s.ListMove(t.Context(), user, a.ID, &after); !errors.Is(err, ErrNoSuchAfterList) {
			t.Errorf("move after %v: %v, want ErrNoSuchAfterList", after, err)
		}
	}
}

func TestAnotherUsersListIsNotFound(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	mine := createList(t, s, "owner", "Mine")
	const intruder = "intruder"
	patch := ListChanges{Fields: ListFields{Name: "Theirs"}, SetName: true}
	for name, op := range map[string]func() error{
		"get":     func() error { _, err := s.ListGet(t.Context(), intruder, mine.ID); return err },
		"update":  func() error { _, err := s.ListUpdate(t.Context(), intruder, mine.ID, patch, nil); return err },
		"delete":  func() error { return s.ListDelete(t.Context(), intruder, mine.ID, nil) },
		"restore": func() error { _, err := s.ListRestore(t.Context(), intruder, mine.ID); return err },
		"move":    func() error { _, err := s.ListMove(t.Context(), intruder, mine.ID, nil); return err },
	} {
		if err := op(); !errors.Is(err, ErrListNotFound) {
			t.Errorf("%s another user's list: %v, want ErrListNotFound", name, err)
		}
	}
	if got, err := s.ListGet(t.Context(), "owner", mine.ID); err != nil || listText(got) != listText(mine) {
		t.Fatalf("the owner's list after the intruder: %+v, %v", got, err)
	}
	if got := listNames(t, s, intruder); !slices.Equal(got, []string{InboxName}) {
		t.Fatalf("the intruder's lists %q", got)
	}
}
