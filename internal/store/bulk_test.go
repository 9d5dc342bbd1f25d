package store

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// statuses is the Status of each result, in order.
func statuses(results []BulkResult) []BulkStatus {
	out := make([]BulkStatus, len(results))
	for i, r := range results {
		out[i] = r.Status
	}
	return out
}

func mustGet(t *testing.T, s *Store, user string, id uuid.UUID) Task {
	t.Helper()
	task, err := s.TaskGet(t.Context(), user, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return task
}

func TestTaskBulk(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)

	// bulk runs b as user and fails unless the statuses are want.
	bulk := func(t *testing.T, user string, b Bulk, want ...BulkStatus) []BulkResult {
		t.Helper()
		results, replayed, err := s.TaskBulk(t.Context(), user, b, "", nil)
		if err != nil || replayed {
			t.Fatalf("bulk %s: replayed=%v, %v", b.Action, replayed, err)
		}
		for i, r := range results {
			if r.ID != b.IDs[i] {
				t.Fatalf("result %d is for %s, want %s: results follow the request's order", i, r.ID, b.IDs[i])
			}
		}
		if got := statuses(results); !slices.Equal(got, want) {
			t.Fatalf("bulk %s: statuses %q, want %q", b.Action, got, want)
		}
		return results
	}

	t.Run("CompleteChangesOnlyWhatDiffers", func(t *testing.T) {
		t.Parallel()
		const user = "bulk-complete"
		pending := create(t, s, user, TaskFields{Title: "pending"})
		pending2 := create(t, s, user, TaskFields{Title: "pending 2"})
		done := create(t, s, user, TaskFields{Title: "done", Completed: true})
		gone := create(t, s, user, TaskFields{Title: "deleted"})
		if err := s.TaskDelete(t.Context(), user, gone.ID, nil); err != nil {
			t.Fatal(err)
		}
		theirs := create(t, s, "bulk-someone-else", TaskFields{Title: "theirs"})
		missing := uuid.New()
		bulk(t, user, Bulk{Action: BulkComplete, IDs: []uuid.UUID{missing, pending.ID, done.ID, gone.ID, theirs.ID, pending2.ID}},
			BulkNotFound, BulkOK, BulkOK, BulkNotFound, BulkNotFound, BulkOK)
		p1, p2, d := mustGet(t, s, user, pending.ID), mustGet(t, s, user, pending2.ID), mustGet(t, s, user, done.ID)
		if !p1.Completed || p1.CompletedAt == nil || p1.Version != pending.Version+1 || !p1.UpdatedAt.After(done.UpdatedAt) {
			t.Errorf("completed: %s", render(p1))
		}
		if !p1.UpdatedAt.Equal(p2.UpdatedAt) || !p1.UpdatedAt.Equal(*p1.CompletedAt) {
			t.Errorf("the tasks completed together have updated_at %v and %v: want one time", p1.UpdatedAt, p2.UpdatedAt)
		}
		if render(d) != render(done) {
			t.Errorf("an already completed task changed:\n%s\n%s", render(done), render(d))
		}
		if th, err := s.TaskGet(t.Context(), "bulk-someone-else", theirs.ID); err != nil || render(th) != render(theirs) {
			t.Errorf("another user's task changed: %s, %v", render(th), err)
		}
		bulk(t, user, Bulk{Action: BulkUncomplete, IDs: []uuid.UUID{pending.ID, done.ID, pending2.ID}}, BulkOK, BulkOK, BulkOK)
		for _, id := range []uuid.UUID{pending.ID, done.ID, pending2.ID} {
			if got := mustGet(t, s, user, id); got.Completed || got.CompletedAt != nil {
				t.Errorf("uncompleted: %s", render(got))
			}
		}
	})

	t.Run("DeleteAndRestore", func(t *testing.T) {
		t.Parallel()
		const user = "bulk-delete"
		a := create(t, s, user, TaskFields{Title: "a"})
		b := create(t, s, user, TaskFields{Title: "b"})
		live := create(t, s, user, TaskFields{Title: "stays live"})
		old := create(t, s, user, TaskFields{Title: "deleted long ago"})
		if err := s.TaskDelete(t.Context(), user, old.ID, nil); err != nil {
			t.Fatal(err)
		}
		clock, err := s.UserClock(t.Context(), user)
		if err != nil {
			t.Fatal(err)
		}
		bulk(t, user, Bulk{Action: BulkDelete, IDs: []uuid.UUID{a.ID, b.ID, old.ID}}, BulkOK, BulkOK, BulkNotFound)
		for _, id := range []uuid.UUID{a.ID, b.ID} {
			if _, err := s.TaskGet(t.Context(), user, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("deleted task %s: %v", id, err)
			}
		}
		tombs := allChanges(t, s, user, ChangesParams{UpdatedAfter: &clock.Last})
		if len(tombs) != 2 || tombs[0].DeletedAt == nil || tombs[1].DeletedAt == nil || !tombs[0].DeletedAt.Equal(*tombs[1].DeletedAt) {
			t.Fatalf("feed after the bulk delete: %d changes; want two tombstones of one time", len(tombs))
		}
		age(t, pool, user, old.ID, tombstoneRetention(t, pool)+time.Minute)
		bulk(t, user, Bulk{Action: BulkRestore, IDs: []uuid.UUID{a.ID, live.ID, old.ID, uuid.New(), b.ID}},
			BulkOK, BulkOK, BulkNotFound, BulkNotFound, BulkOK)
		if got := mustGet(t, s, user, live.ID); render(got) != render(live) {
			t.Errorf("restoring a live task changed it:\n%s\n%s", render(live), render(got))
		}
		if got := mustGet(t, s, user, a.ID); got.Version != a.Version+2 || got.Title != "a" {
			t.Errorf("restored %s", render(got))
		}
	})

	t.Run("AddTags", func(t *testing.T) {
		t.Parallel()
		const user = "bulk-tags"
		plain := create(t, s, user, TaskFields{Title: "plain", Tags: []string{"b"}})
		has := create(t, s, user, TaskFields{Title: "has them", Tags: []string{"x", "y"}})
		nine := create(t, s, user, TaskFields{Title: "nine", Tags: []string{"1", "2", "3", "4", "5", "6", "7", "8", "x"}})
		eight := create(t, s, user, TaskFields{Title: "eight", Tags: []string{"1", "2", "3", "4", "5", "6", "7", "8"}})
		res := bulk(t, user, Bulk{Action: BulkAddTags, IDs: []uuid.UUID{plain.ID, has.ID, nine.ID, eight.ID}, Tags: []string{"y", "x"}},
			BulkOK, BulkOK, BulkOK, BulkOK)
		for _, r := range res {
			if r.Detail != "" {
				t.Errorf("ok with detail %q", r.Detail)
			}
		}
		want := map[uuid.UUID][]string{
			plain.ID: {"b", "y", "x"}, // appended in the order given
			has.ID:   {"x", "y"},
			nine.ID:  {"1", "2", "3", "4", "5", "6", "7", "8", "x", "y"}, // ten: fits
			eight.ID: {"1", "2", "3", "4", "5", "6", "7", "8", "y", "x"},
		}
		for id, tags := range want {
			if got := mustGet(t, s, user, id); !slices.Equal(got.Tags, tags) {
				t.Errorf("%q: tags %q, want %q", got.Title, got.Tags, tags)
			}
		}
		if got := mustGet(t, s, user, has.ID); render(got) != render(has) {
			t.Errorf("a task that had the tags changed:\n%s\n%s", render(has), render(got))
		}
		// Over ten: that task is invalid and unchanged, the others still get theirs.
		before := mustGet(t, s, user, nine.ID)
		res = bulk(t, user, Bulk{Action: BulkAddTags, IDs: []uuid.UUID{nine.ID, plain.ID}, Tags: []string{"z"}}, BulkInvalid, BulkOK)
		if res[0].Detail == "" {
			t.Error("invalid without a detail")
		}
		if got := mustGet(t, s, user, nine.ID); render(got) != render(before) {
			t.Errorf("the invalid task changed:\n%s\n%s", render(before), render(got))
		}
		if got := mustGet(t, s, user, plain.ID); !slices.Equal(got.Tags, []string{"b", "y", "x", "z"}) {
			t.Errorf("the valid task's tags %q", got.Tags)
		}

		bulk(t, user, Bulk{Action: BulkRemoveTags, IDs: []uuid.UUID{plain.ID, has.ID, eight.ID}, Tags: []string{"x", "b"}}, BulkOK, BulkOK, BulkOK)
		for id, tags := range map[uuid.UUID][]string{plain.ID: {"y", "z"}, has.ID: {"y"}, eight.ID: {"1", "2", "3", "4", "5", "6", "7", "8", "y"}} {
			if got := mustGet(t, s, user, id); !slices.Equal(got.Tags, tags) {
				t.Errorf("%q: tags %q after remove, want %q", got.Title, got.Tags, tags)
			}
		}
		unchanged := mustGet(t, s, user, has.ID)
		bulk(t, user, Bulk{Action: BulkRemoveTags, IDs: []uuid.UUID{has.ID}, Tags: []string{"absent"}}, BulkOK)
		if got := mustGet(t, s, user, has.ID); render(got) != render(unchanged) {
			t.Errorf("removing absent tags changed the task")
		}
	})

	t.Run("IdempotencyKey", func(t *testing.T) {
		t.Parallel()
		const user = "bulk-idem"
		a := create(t, s, user, TaskFields{Title: "a"})
		b := Bulk{Action: BulkDelete, IDs: []uuid.UUID{a.ID, uuid.New()}}
		first, replayed, err := s.TaskBulk(t.Context(), user, b, "k1", []byte("h1"))
		if err != nil || replayed || !slices.Equal(statuses(first), []BulkStatus{BulkOK, BulkNotFound}) {
			t.Fatalf("first: %v, replayed=%v, %v", first, replayed, err)
		}
		again, replayed, err := s.TaskBulk(t.Context(), user, b, "k1", []byte("h1"))
		if err != nil || !replayed || !slices.Equal(again, first) {
			t.Fatalf("repeat: %v, replayed=%v, %v; want the first results replayed", again, replayed, err)
		}
		if _, _, err := s.TaskBulk(t.Context(), user, b, "k1", []byte("other")); !errors.Is(err, ErrIdempotencyMismatch) {
			t.Fatalf("same key, other request: %v, want ErrIdempotencyMismatch", err)
		}
		// The same key on create is another key.
		if _, replayed, err := s.TaskCreate(t.Context(), user, TaskFields{Title: "t", Priority: "low"}, "k1", []byte("h1")); err != nil || replayed {
			t.Fatalf("create with a bulk request's key: replayed=%v, %v", replayed, err)
		}
	})

	t.Run("RefusedRequests", func(t *testing.T) {
		t.Parallel()
		for name, b := range map[string]Bulk{
			"NoIDs":         {Action: BulkComplete},
			"TooManyIDs":    {Action: BulkComplete, IDs: make([]uuid.UUID, MaxBulkIDs+1)},
			"UnknownAction": {Action: "archive", IDs: []uuid.UUID{uuid.New()}},
		} {
			if _, _, err := s.TaskBulk(t.Context(), "bulk-refused", b, "", nil); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
	})
}
