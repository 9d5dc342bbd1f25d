package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// completeOnce completes task id through TaskSetCompleted and returns it with its next
// occurrence, failing unless there is one.
func completeOnce(t *testing.T, s *Store, user string, id uuid.UUID) (Task, Task) {
	t.Helper()
	done, err := s.taskSetCompleted(t.Context(), user, id, true)
	if err != nil {
		t.Fatal(err)
	}
	if !done.Completed || done.NextID == nil {
		t.Fatalf("completed %s: completed=%v next=%v, want a next occurrence", id, done.Completed, done.NextID)
	}
	return done, mustGet(t, s, user, *done.NextID)
}

func dateOf(p *time.Time) string {
	if p == nil {
		return "<none>"
	}
	return p.Format(time.DateOnly)
}

func TestRepeatCreatesTheNextOccurrence(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	tests := []struct {
		repeat Repeat
		due    *time.Time
		want   string
	}{
		{"daily", day(2027, 12, 31), "2028-01-01"},
		{"weekdays", day(2027, 11, 26), "2027-11-29"}, // a Friday
		{"weekly", day(2027, 12, 28), "2028-01-04"},
		{"monthly", day(2027, 1, 31), "2027-02-28"},
		{"yearly", day(2028, 2, 29), "2029-02-28"},
	}
	for _, tt := range tests {
		t.Run(string(tt.repeat), func(t *testing.T) {
			t.Parallel()
			user := "repeat-" + string(tt.repeat)
			create(t, s, user, TaskFields{Title: "unrelated, created first"})
			f := TaskFields{Title: "Water the plants " + string(tt.repeat), Description: ptr("the big one too"), Priority: "high",
				DueDate: tt.due, DueTime: ptr("08:30"), Tags: []string{"home", "plants"}, Repeat: tt.repeat}
			orig := create(t, s, user, f)
			if orig.Repeat != tt.repeat {
				t.Fatalf("created with repeat %q", orig.Repeat)
			}
			done, next := completeOnce(t, s, user, orig.ID)
			if dateOf(next.DueDate) != tt.want {
				t.Errorf("next occurrence due %s, want %s", dateOf(next.DueDate), tt.want)
			}
			if next.Title != f.Title || *next.Description != *f.Description || next.Priority != f.Priority ||
				!slices.Equal(next.Tags, f.Tags) || next.Repeat != tt.repeat || next.DueTime == nil || *next.DueTime != "08:30" {
				t.Errorf("next occurrence does not copy the task:\n%s\nfrom\n%s", render(next), render(done))
			}
			if next.Completed || next.CompletedAt != nil || next.Version != 1 || next.ID == orig.ID {
				t.Errorf("next occurrence is not a fresh pending task: %s", render(next))
			}
			// At the top of the manual order, and after the completion on the user's clock.
			order := manualOrder(t, s, user)
			if order[0].ID != next.ID {
				t.Errorf("manual order starts with %q, want the next occurrence", order[0].Title)
			}
			if !next.CreatedAt.After(done.UpdatedAt) || !next.UpdatedAt.Equal(next.CreatedAt) {
				t.Errorf("next occurrence created %v, completion at %v: not later on the user's clock", next.CreatedAt, done.UpdatedAt)
			}
			if n := countTasks(t, pool, user); n != 3 {
				t.Errorf("%d tasks, want 3", n)
			}
		})
	}
}

func TestRepeatNoneCreatesNothing(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "repeat-none"
	plain := create(t, s, user, TaskFields{Title: "once", DueDate: day(2027, 1, 1)})
	if plain.Repeat != "none" {
		t.Fatalf("default repeat %q, want none", plain.Repeat)
	}
	ctx := t.Context()
	for _, do := range []func() (Task, error){
		func() (Task, error) { return s.taskSetCompleted(ctx, user, plain.ID, true) },
		func() (Task, error) { return s.TaskToggle(ctx, user, plain.ID) },
		func() (Task, error) { return s.TaskToggle(ctx, user, plain.ID) },
		func() (Task, error) {
			return s.TaskUpdate(ctx, user, plain.ID, TaskChanges{SetCompleted: true, Fields: TaskFields{Completed: true}}, nil)
		},
	} {
		got, err := do()
		if err != nil || got.NextID != nil {
			t.Fatalf("next %v, %v", got.NextID, err)
		}
	}
	if res, _, err := s.TaskBulk(ctx, user, Bulk{Action: BulkComplete, IDs: []uuid.UUID{plain.ID}}, "", nil); err != nil || res[0].Status != BulkOK {
		t.Fatalf("bulk: %v, %v", res, err)
	}
	if n := countTasks(t, pool, user); n != 1 {
		t.Fatalf("%d tasks, want 1", n)
	}
}

// TestRepeatOnlyOnce: every way of completing a repeating task again gives no second
// occurrence, and each answers with the one that exists.
func TestRepeatOnlyOnce(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "repeat-once"
	ctx := t.Context()
	orig := create(t, s, user, TaskFields{Title: "stand-up", DueDate: day(2027, 3, 1), Repeat: "weekdays"})
	_, next := completeOnce(t, s, user, orig.ID)

	steps := []struct {
		name          string
		do            func() (Task, error)
		wantCompleted bool
	}{
		{"SetCompletedAgain", func() (Task, error) { return s.taskSetCompleted(ctx, user, orig.ID, true) }, true},
		{"Uncomplete", func() (Task, error) { return s.taskSetCompleted(ctx, user, orig.ID, false) }, false},
		{"CompleteAgain", func() (Task, error) { return s.taskSetCompleted(ctx, user, orig.ID, true) }, true},
		{"ToggleOff", func() (Task, error) { return s.TaskToggle(ctx, user, orig.ID) }, false},
		{"ToggleOn", func() (Task, error) { return s.TaskToggle(ctx, user, orig.ID) }, true},
		{"UpdateCompleted", func() (Task, error) {
			return s.TaskUpdate(ctx, user, orig.ID, TaskChanges{SetCompleted: true, Fields: TaskFields{Completed: true}}, nil)
		}, true},
		{"ReplaceCompleted", func() (Task, error) {
			return s.TaskUpdate(ctx, user, orig.ID, AllChanges(TaskFields{Title: "stand-up", Priority: "medium", Completed: true,
				DueDate: day(2027, 3, 1), Repeat: "weekdays"}), nil)
		}, true},
		{"UpdateTitle", func() (Task, error) {
			return s.TaskUpdate(ctx, user, orig.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "stand-up!"}}, nil)
		}, true},
	}
	for _, st := range steps {
		got, err := st.do()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got.Completed != st.wantCompleted || got.NextID == nil || *got.NextID != next.ID {
			t.Fatalf("%s: completed=%v next=%v, want completed=%v next=%s", st.name, got.Completed, got.NextID, st.wantCompleted, next.ID)
		}
	}
	res, _, err := s.TaskBulk(ctx, user, Bulk{Action: BulkComplete, IDs: []uuid.UUID{orig.ID}}, "", nil)
	if err != nil || res[0].Status != BulkOK {
		t.Fatalf("bulk: %v, %v", res, err)
	}
	if n := countTasks(t, pool, user); n != 2 {
		t.Fatalf("%d tasks, want 2: the task and its one next occurrence", n)
	}

	// A deleted next occurrence is not replaced, nor named any more.
	if err := s.TaskDelete(ctx, user, next.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, completed := range []bool{false, true} {
		got, err := s.taskSetCompleted(ctx, user, orig.ID, completed)
		if err != nil || got.NextID != nil {
			t.Fatalf("completed=%v after deleting the next occurrence: next %v, %v; want none", completed, got.NextID, err)
		}
	}
	if n := countTasks(t, pool, user); n != 2 {
		t.Fatalf("%d rows, want 2: no new occurrence for a deleted one", n)
	}
	// Restored, it is the next occurrence again.
	if _, err := s.TaskRestore(ctx, user, next.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.taskSetCompleted(ctx, user, orig.ID, true); err != nil || got.NextID == nil || *got.NextID != next.ID {
		t.Fatalf("after restoring it: next %v, %v", got.NextID, err)
	}
}

// TestRepeatConcurrentCompletions: 20 completions of one task at once create one occurrence,
// and each names it.
func TestRepeatConcurrentCompletions(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "repeat-race"
	orig := create(t, s, user, TaskFields{Title: "pay rent", DueDate: day(2027, 1, 31), Repeat: "monthly"})
	const n = 20
	var wg sync.WaitGroup
	got := make([]Task, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			if i%2 == 0 {
				got[i], errs[i] = s.taskSetCompleted(context.Background(), user, orig.ID, true)
			} else {
				got[i], errs[i] = s.TaskUpdate(context.Background(), user, orig.ID, TaskChanges{SetCompleted: true, Fields: TaskFields{Completed: true}}, nil)
			}
		})
	}
	wg.Wait()
	var next *uuid.UUID
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("completion %d: %v", i, errs[i])
		}
		if got[i].NextID == nil || (next != nil && *got[i].NextID != *next) {
			t.Fatalf("completion %d names next occurrence %v, others %v", i, got[i].NextID, next)
		}
		next = got[i].NextID
	}
	if c := countTasks(t, pool, user); c != 2 {
		t.Fatalf("%d tasks after %d concurrent completions, want 2", c, n)
	}
	if due := mustGet(t, s, user, *next).DueDate; dateOf(due) != "2027-02-28" {
		t.Fatalf("next due %s", dateOf(due))
	}
}

// TestRepeatSeriesKeepsItsDay follows month-end and leap-day series through the database,
// where the day a series keeps is stored with each occurrence.
func TestRepeatSeriesKeepsItsDay(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	follow := func(t *testing.T, user string, task Task, want []string) Task {
		t.Helper()
		for _, w := range want {
			_, task = completeOnce(t, s, user, task.ID)
			if dateOf(task.DueDate) != w {
				t.Fatalf("next due %s, want %s", dateOf(task.DueDate), w)
			}
		}
		return task
	}
	t.Run("MonthEnd", func(t *testing.T) {
		t.Parallel()
		const user = "series-month"
		task := create(t, s, user, TaskFields{Title: "invoice", DueDate: day(2027, 1, 31), Repeat: "monthly"})
		feb := follow(t, user, task, []string{"2027-02-28"})
		// Editing another field, even replacing it with the same date, keeps the series' day.
		feb, err := s.TaskUpdate(ctx, user, feb.ID, AllChanges(TaskFields{Title: "invoice (renamed)", Priority: "medium",
			DueDate: day(2027, 2, 28), Repeat: "monthly"}), nil)
		if err != nil {
			t.Fatal(err)
		}
		apr := follow(t, user, feb, []string{"2027-03-31", "2027-04-30"})
		// Moving the due date makes its day the series' day.
		moved, err := s.TaskUpdate(ctx, user, apr.ID, TaskChanges{SetDueDate: true, Fields: TaskFields{DueDate: day(2027, 4, 29)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		follow(t, user, moved, []string{"2027-05-29", "2027-06-29"})
	})
	t.Run("LeapDay", func(t *testing.T) {
		t.Parallel()
		const user = "series-leap"
		task := create(t, s, user, TaskFields{Title: "leap birthday", DueDate: day(2028, 2, 29), Repeat: "yearly"})
		follow(t, user, task, []string{"2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29", "2033-02-28"})
	})
}

func TestRepeatNeedsADueDate(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "repeat-date"
	ctx := t.Context()
	if _, _, err := s.TaskCreate(ctx, user, TaskFields{Title: "x", Priority: "medium", Repeat: "daily"}, "", nil); !errors.Is(err, ErrRepeatWithoutDate) {
		t.Fatalf("create without a date: %v, want ErrRepeatWithoutDate", err)
	}
	undated := create(t, s, user, TaskFields{Title: "undated"})
	if _, err := s.TaskUpdate(ctx, user, undated.ID, TaskChanges{SetRepeat: true, Fields: TaskFields{Repeat: "weekly"}}, nil); !errors.Is(err, ErrRepeatWithoutDate) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("repeat on an undated task: %v, want ErrRepeatWithoutDate", err)
	}
	// Clearing the date ends the repeat.
	dated := create(t, s, user, TaskFields{Title: "dated", DueDate: day(2027, 5, 5), Repeat: "weekly"})
	cleared, err := s.TaskUpdate(ctx, user, dated.ID, TaskChanges{SetDueDate: true}, nil)
	if err != nil || cleared.Repeat != "none" || cleared.DueDate != nil {
		t.Fatalf("cleared the date: repeat %q due %s, %v; want none", cleared.Repeat, dateOf(cleared.DueDate), err)
	}
}

// TestRepeatBulkComplete: bulk complete gives each repeating task its next occurrence in the
// same transaction, once, and leaves the others alone.
func TestRepeatBulkComplete(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "repeat-bulk"
	ctx := t.Context()
	daily := create(t, s, user, TaskFields{Title: "daily", DueDate: day(2027, 6, 30), Repeat: "daily"})
	yearly := create(t, s, user, TaskFields{Title: "yearly", DueDate: day(2027, 6, 30), Repeat: "yearly"})
	plain := create(t, s, user, TaskFields{Title: "plain", DueDate: day(2027, 6, 30)})
	ids := []uuid.UUID{daily.ID, yearly.ID, plain.ID, uuid.New()}
	for range 2 { // the retry creates nothing
		res, _, err := s.TaskBulk(ctx, user, Bulk{Action: BulkComplete, IDs: ids}, "", nil)
		if err != nil || !slices.Equal(statuses(res), []BulkStatus{BulkOK, BulkOK, BulkOK, BulkNotFound}) {
			t.Fatalf("bulk: %v, %v", res, err)
		}
	}
	if n := countTasks(t, pool, user); n != 5 {
		t.Fatalf("%d tasks, want 5", n)
	}
	due := map[string][]string{}
	tasks, _, err := s.TaskList(ctx, user, ListParams{Sort: SortPosition, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if !task.Completed {
			due[task.Title] = append(due[task.Title], dateOf(task.DueDate))
		}
	}
	if want := map[string][]string{"daily": {"2027-07-01"}, "yearly": {"2028-06-30"}}; len(due) != 2 ||
		!slices.Equal(due["daily"], want["daily"]) || !slices.Equal(due["yearly"], want["yearly"]) {
		t.Fatalf("pending tasks after bulk complete: %v, want %v", due, want)
	}
	for _, id := range []uuid.UUID{daily.ID, yearly.ID} {
		if got, err := s.taskSetCompleted(ctx, user, id, true); err != nil || got.NextID == nil {
			t.Fatalf("the bulk-completed task does not name its next occurrence: %v, %v", got.NextID, err)
		}
	}
	// Under an idempotency key: one occurrence, and the replay creates none.
	keyed := create(t, s, user, TaskFields{Title: "keyed", DueDate: day(2027, 6, 30), Repeat: "daily"})
	for i := range 2 {
		_, replayed, err := s.TaskBulk(ctx, user, Bulk{Action: BulkComplete, IDs: []uuid.UUID{keyed.ID}}, "bulk-key", []byte("request hash"))
		if err != nil || replayed != (i == 1) {
			t.Fatalf("request %d: replayed=%v, %v", i, replayed, err)
		}
	}
	if n := countTasks(t, pool, user); n != 7 {
		t.Fatalf("%d tasks, want 7", n)
	}
}

// TestRepeatSeriesEndsAtTheLastDate: a series whose next date would fall after 9999-12-31,
// the last date the API can write, ends — by every way of completing (the single-task
// completion, an update, bulk complete): the task is completed and no occurrence is created.
func TestRepeatSeriesEndsAtTheLastDate(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	ends := []struct {
		repeat Repeat
		due    *time.Time
	}{
		{"daily", day(9999, 12, 31)},
		{"weekdays", day(9999, 12, 31)}, // a Friday
		{"weekly", day(9999, 12, 25)},
		{"monthly", day(9999, 12, 1)},
		{"yearly", day(9999, 1, 1)},
	}
	for _, tt := range ends {
		t.Run(string(tt.repeat), func(t *testing.T) {
			t.Parallel()
			user := "series-end-" + string(tt.repeat)
			for _, complete := range []func(id uuid.UUID) (Task, error){
				func(id uuid.UUID) (Task, error) { return s.taskSetCompleted(ctx, user, id, true) },
				func(id uuid.UUID) (Task, error) { return s.TaskToggle(ctx, user, id) },
				func(id uuid.UUID) (Task, error) {
					return s.TaskUpdate(ctx, user, id, TaskChanges{Fields: TaskFields{Completed: true}, SetCompleted: true}, nil)
				},
			} {
				task := create(t, s, user, TaskFields{Title: "last", DueDate: tt.due, Repeat: tt.repeat})
				done, err := complete(task.ID)
				if err != nil || !done.Completed || done.NextID != nil {
					t.Fatalf("completed=%v next=%v err=%v, want completed without a next occurrence", done.Completed, done.NextID, err)
				}
			}
			task := create(t, s, user, TaskFields{Title: "last", DueDate: tt.due, Repeat: tt.repeat})
			if res, _, err := s.TaskBulk(ctx, user, Bulk{Action: BulkComplete, IDs: []uuid.UUID{task.ID}}, "", nil); err != nil || res[0].Status != BulkOK {
				t.Fatalf("bulk: %v, %v", res, err)
			}
			if n := countTasks(t, pool, user); n != 4 {
				t.Errorf("%d tasks, want the 4 completed ones alone", n)
			}
		})
	}
}
