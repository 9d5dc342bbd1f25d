package apitest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

const fakeUser = "fakeUserIdOf32CharsLikeBetterAu1"

func ptr[T any](v T) *T { return &v }

func validFields() store.TaskFields {
	return store.TaskFields{Title: "Buy milk", Description: ptr("semi-skimmed"), Priority: "medium",
		DueDate: ptr(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)), Tags: []string{"shopping", "home"}}
}

func TestFakeStoreAcceptsWhatTheContractAllows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewFakeStore()
	f := validFields()
	f.Title = strings.Repeat("é", 200)
	f.Description = ptr(strings.Repeat("d", 2000))
	f.Tags = []string{strings.Repeat("t", 32), "a", "b", "c", "d", "e", "f", "g", "h", "i"}
	hash := sha256.Sum256([]byte("body"))
	task, replayed, err := s.TaskCreate(ctx, fakeUser, f, strings.Repeat("k", 255), hash[:])
	if err != nil || replayed {
		t.Fatalf("TaskCreate = %v, %v", replayed, err)
	}
	again, replayed, err := s.TaskCreate(ctx, fakeUser, f, strings.Repeat("k", 255), hash[:])
	if err != nil || !replayed || again.ID != task.ID {
		t.Fatalf("replay = %v, %v, %v", again.ID, replayed, err)
	}
	other := sha256.Sum256([]byte("other"))
	if _, _, err := s.TaskCreate(ctx, fakeUser, f, strings.Repeat("k", 255), other[:]); !errors.Is(err, store.ErrIdempotencyMismatch) {
		t.Fatalf("same key, other body: %v", err)
	}
	if _, err := s.TaskUpdate(ctx, fakeUser, task.ID, store.TaskChanges{Fields: store.TaskFields{Title: "x"}, SetTitle: true}, &store.Precondition{Versions: []int64{99}}); !errors.Is(err, store.ErrPreconditionFailed) {
		t.Fatalf("stale If-Match: %v", err)
	}
	updated, err := s.TaskUpdate(ctx, fakeUser, task.ID, store.TaskChanges{Fields: store.TaskFields{Title: "x"}, SetTitle: true}, &store.Precondition{Versions: []int64{task.Version}})
	if err != nil || updated.Title != "x" || updated.Version != task.Version+1 || updated.Priority != "medium" {
		t.Fatalf("TaskUpdate = %+v, %v", updated, err)
	}
	if done, err := s.TaskToggle(ctx, fakeUser, task.ID); err != nil || !done.Completed || done.CompletedAt == nil {
		t.Fatalf("TaskToggle = %+v, %v", done, err)
	}
	if _, err := s.TaskGet(ctx, "someone-else", task.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another user's read of the task: %v, want ErrNotFound", err)
	}
	// Pages: two tasks more, one per page, each position issued and accepted back.
	for range 2 {
		if _, _, err := s.TaskCreate(ctx, fakeUser, validFields(), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	p := store.ListParams{Sort: store.SortTitle, Limit: 1, Q: ptr("x"), Tags: []string{"a"}, Priority: ptr(store.PriorityMedium)}
	if page, next, err := s.TaskList(ctx, fakeUser, p); err != nil || len(page) != 1 || next != nil {
		t.Fatalf("filtered list = %d tasks, next %v, %v", len(page), next, err)
	}
	var seen int
	p = store.ListParams{Sort: store.SortCreated, Desc: true, Limit: 1}
	for {
		page, next, err := s.TaskList(ctx, fakeUser, p)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(page)
		if next == nil {
			break
		}
		p.After = next
	}
	if seen != 3 {
		t.Fatalf("paged through %d tasks, want 3", seen)
	}
	if err := s.TaskDelete(ctx, fakeUser, task.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TaskGet(ctx, fakeUser, task.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted task: %v", err)
	}
	if v := s.Violations(); len(v) > 0 {
		t.Fatalf("violations for valid input: %q", v)
	}
}

func TestFakeStoreRecordsEveryBrokenPromise(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hash := sha256.Sum256([]byte("body"))
	with := func(edit func(*store.TaskFields)) store.TaskFields {
		f := validFields()
		edit(&f)
		return f
	}
	cases := []struct {
		name string
		call func(s *FakeStore) error
		want string // in the violation
	}{
		{"UntrimmedTitle", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Title = " x" }), "", nil)
			return err
		}, "not trimmed"},
		{"EmptyTitle", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Title = "" }), "", nil)
			return err
		}, "title has 0 characters"},
		{"Title201", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Title = strings.Repeat("é", 201) }), "", nil)
			return err
		}, "title has 201"},
		{"TitleNUL", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Title = "a\x00b" }), "", nil)
			return err
		}, "NUL"},
		{"TitleInvalidUTF8", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Title = "a\xff" }), "", nil)
			return err
		}, "UTF-8"},
		{"Description2001", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Description = ptr(strings.Repeat("d", 2001)) }), "", nil)
			return err
		}, "description has 2001"},
		{"UpperCaseTag", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Tags = []string{"Work"} }), "", nil)
			return err
		}, "lower-case"},
		{"UntrimmedTag", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Tags = []string{"work "} }), "", nil)
			return err
		}, "not trimmed"},
		{"DuplicateTag", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Tags = []string{"a", "a"} }), "", nil)
			return err
		}, "twice"},
		{"Tag33", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Tags = []string{strings.Repeat("t", 33)} }), "", nil)
			return err
		}, "33 characters"},
		{"EmptyTag", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Tags = []string{""} }), "", nil)
			return err
		}, "0 characters"},
		{"ElevenTags", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) {
				f.Tags = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}
			}), "", nil)
			return err
		}, "11 tags"},
		{"UnknownPriority", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.Priority = "urgent" }), "", nil)
			return err
		}, "priority"},
		{"DueDateNotMidnightUTC", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, with(func(f *store.TaskFields) { f.DueDate = ptr(time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC)) }), "", nil)
			return err
		}, "00:00 UTC"},
		{"IdempotencyKey256", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, validFields(), strings.Repeat("k", 256), hash[:])
			return err
		}, "idempotency key has 256"},
		{"IdempotencyKeyWithoutHash", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, validFields(), "k", nil)
			return err
		}, "request hash of 0 bytes"},
		{"HashWithoutKey", func(s *FakeStore) error {
			_, _, err := s.TaskCreate(ctx, fakeUser, validFields(), "", hash[:])
			return err
		}, "without an idempotency key"},
		{"UnknownUser", func(s *FakeStore) error {
			_, err := s.TaskGet(ctx, "mallory", uuid.New())
			return err
		}, "not one of the users"},
		{"EmptyUser", func(s *FakeStore) error {
			_, err := s.TaskStats(ctx, "", time.Now())
			return err
		}, "user id"},
		{"PatchSetsBadTitle", func(s *FakeStore) error {
			_, err := s.TaskUpdate(ctx, fakeUser, uuid.New(), store.TaskChanges{Fields: store.TaskFields{Title: ""}, SetTitle: true}, nil)
			return err
		}, "title has 0"},
		{"Limit0", func(s *FakeStore) error {
			_, _, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortCreated, Limit: 0})
			return err
		}, "limit 0"},
		{"Limit201", func(s *FakeStore) error {
			_, _, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortCreated, Limit: 201})
			return err
		}, "limit 201"},
		{"UnknownSort", func(s *FakeStore) error {
			_, _, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: "id", Limit: 1})
			return err
		}, "unknown sort"},
		{"Q201", func(s *FakeStore) error {
			_, _, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortCreated, Limit: 1, Q: ptr(strings.Repeat("q", 201))})
			return err
		}, "q has 201"},
		{"FilterTagUpperCase", func(s *FakeStore) error {
			_, _, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortCreated, Limit: 1, Tags: []string{"A"}})
			return err
		}, "lower-case"},
		{"PositionOfAnotherOrder", func(s *FakeStore) error {
			for range 2 {
				if _, _, err := s.TaskCreate(ctx, fakeUser, validFields(), "", nil); err != nil {
					return err
				}
			}
			_, next, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortCreated, Desc: true, Limit: 1})
			if err != nil || next == nil {
				return fmt.Errorf("no next position: %v", err)
			}
			_, _, err = s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortTitle, Limit: 1, After: next})
			return err
		}, "used with title asc"},
		{"ForgedPosition", func(s *FakeStore) error {
			_, _, err := s.TaskList(ctx, fakeUser, store.ListParams{Sort: store.SortCreated, Limit: 1, After: &store.Position{Key: "x", ID: uuid.New()}})
			return err
		}, "never issued"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := NewFakeStore(FakeStoreOptions{Users: []string{fakeUser}})
			if err := tc.call(s); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
			v := s.TakeViolations()
			if len(v) == 0 || !strings.Contains(strings.Join(v, "; "), tc.want) {
				t.Fatalf("violations %q, want one about %q", v, tc.want)
			}
			if len(s.Violations()) != 0 {
				t.Fatal("TakeViolations did not forget them")
			}
		})
	}
}

func TestFakeStoreBoundsMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewFakeStore(FakeStoreOptions{MaxTasksPerUser: 5})
	pinned := store.Task{ID: uuid.New(), Title: "pinned", Priority: "low"}
	s.Put(fakeUser, pinned)
	for range 20 {
		if _, _, err := s.TaskCreate(ctx, fakeUser, validFields(), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.TaskStats(ctx, fakeUser, time.Now())
	if err != nil || st.Total != 5 {
		t.Fatalf("%d tasks kept, want 5 (%v)", st.Total, err)
	}
	if _, err := s.TaskGet(ctx, fakeUser, pinned.ID); err != nil {
		t.Fatalf("the pinned task was dropped: %v", err)
	}
}
