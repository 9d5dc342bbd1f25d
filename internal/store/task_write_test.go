package store

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// fieldsOf is the client-writable part of a task, comparable with ==.
type fieldsOf struct {
	Title, Description, Priority, Due, Tags string
	Completed                               bool
}

func fields(t Task) fieldsOf {
	f := fieldsOf{Title: t.Title, Description: "<nil>", Priority: string(t.Priority), Due: "<nil>", Completed: t.Completed}
	if t.Description != nil {
		f.Description = *t.Description
	}
	if t.DueDate != nil {
		f.Due = t.DueDate.Format(time.DateOnly)
	}
	f.Tags = render(Task{Tags: t.Tags})
	return f
}

func TestTaskCreate(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()

	t.Run("StoresEveryFieldAndStartsAtVersionOne", func(t *testing.T) {
		t.Parallel()
		in := TaskFields{Title: "Write tests", Description: ptr("all of them"), Priority: "high", DueDate: day(2030, 5, 6), Tags: []string{"work", "go"}}
		got := create(t, s, "creator", in)
		want := fieldsOf{Title: "Write tests", Description: "all of them", Priority: "high", Due: "2030-05-06", Tags: render(Task{Tags: []string{"work", "go"}})}
		if fields(got) != want {
			t.Fatalf("created %+v, want %+v", fields(got), want)
		}
		if got.Version != 1 || got.CompletedAt != nil || got.ID.Version() != 7 || !got.CreatedAt.Equal(got.UpdatedAt) {
			t.Fatalf("created %s", render(got))
		}
		read, err := s.TaskGet(ctx, "creator", got.ID)
		if err != nil || render(read) != render(got) {
			t.Fatalf("TaskGet = %s, %v; want %s", render(read), err, render(got))
		}
	})
	t.Run("CompletedSetsCompletedAt", func(t *testing.T) {
		t.Parallel()
		got := create(t, s, "creator", TaskFields{Title: "done already", Completed: true})
		if !got.Completed || got.CompletedAt == nil {
			t.Fatalf("created %s", render(got))
		}
	})
	t.Run("NilTagsAreEmpty", func(t *testing.T) {
		t.Parallel()
		got := create(t, s, "creator", TaskFields{Title: "no tags"})
		if got.Tags == nil || len(got.Tags) != 0 {
			t.Fatalf("tags = %#v, want empty non-nil", got.Tags)
		}
	})
}

func TestTaskUpdate(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "updater"
	base := TaskFields{Title: "Original", Description: ptr("original description"), Priority: "high", DueDate: day(2030, 1, 1), Tags: []string{"a", "b"}}
	baseView := fieldsOf{Title: "Original", Description: "original description", Priority: "high", Due: "2030-01-01", Tags: render(Task{Tags: []string{"a", "b"}})}

	t.Run("ChangesOnlyTheFieldsSet", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name    string
			changes TaskChanges
			want    func(*fieldsOf)
		}{
			{"Title", TaskChanges{SetTitle: true, Fields: TaskFields{Title: "Renamed", Priority: "low"}},
				func(f *fieldsOf) { f.Title = "Renamed" }},
			{"DescriptionSet", TaskChanges{SetDescription: true, Fields: TaskFields{Description: ptr("new")}},
				func(f *fieldsOf) { f.Description = "new" }},
			{"DescriptionCleared", TaskChanges{SetDescription: true},
				func(f *fieldsOf) { f.Description = "<nil>" }},
			{"Priority", TaskChanges{SetPriority: true, Fields: TaskFields{Priority: "low"}},
				func(f *fieldsOf) { f.Priority = "low" }},
			{"PriorityOmittedIsMedium", TaskChanges{SetPriority: true},
				func(f *fieldsOf) { f.Priority = "medium" }},
			{"DueDateSet", TaskChanges{SetDueDate: true, Fields: TaskFields{DueDate: day(2031, 12, 31)}},
				func(f *fieldsOf) { f.Due = "2031-12-31" }},
			{"DueDateCleared", TaskChanges{SetDueDate: true},
				func(f *fieldsOf) { f.Due = "<nil>" }},
			{"TagsReplaced", TaskChanges{SetTags: true, Fields: TaskFields{Tags: []string{"c"}}},
				func(f *fieldsOf) { f.Tags = render(Task{Tags: []string{"c"}}) }},
			{"TagsCleared", TaskChanges{SetTags: true},
				func(f *fieldsOf) { f.Tags = render(Task{Tags: []string{}}) }},
			{"Completed", TaskChanges{SetCompleted: true, Fields: TaskFields{Completed: true}},
				func(f *fieldsOf) { f.Completed = true }},
			{"Everything", AllChanges(TaskFields{Title: "All new", Priority: "low", Completed: true, Tags: []string{"x"}}),
				func(f *fieldsOf) {
					*f = fieldsOf{Title: "All new", Description: "<nil>", Priority: "low", Due: "<nil>", Completed: true, Tags: render(Task{Tags: []string{"x"}})}
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				before := create(t, s, user, base)
				got, err := s.TaskUpdate(t.Context(), user, before.ID, tt.changes, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := baseView
				tt.want(&want)
				if fields(got) != want {
					t.Fatalf("fields = %+v\nwant     %+v", fields(got), want)
				}
				if got.Version != before.Version+1 {
					t.Errorf("version = %d, want %d", got.Version, before.Version+1)
				}
				if !got.UpdatedAt.After(before.UpdatedAt) || !got.CreatedAt.Equal(before.CreatedAt) {
					t.Errorf("updated_at %v -> %v, created_at %v -> %v: want updated_at later, created_at kept",
						before.UpdatedAt, got.UpdatedAt, before.CreatedAt, got.CreatedAt)
				}
				if (got.CompletedAt != nil) != got.Completed {
					t.Errorf("completed=%v but completed_at=%v", got.Completed, got.CompletedAt)
				}
				read, err := s.TaskGet(t.Context(), user, before.ID)
				if err != nil || render(read) != render(got) {
					t.Fatalf("stored %s, %v\nreturned %s", render(read), err, render(got))
				}
			})
		}
	})

	t.Run("CompletedAtIsSetKeptAndCleared", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		task := create(t, s, user, base)
		complete := TaskChanges{SetCompleted: true, Fields: TaskFields{Completed: true}}
		done, err := s.TaskUpdate(ctx, user, task.ID, complete, nil)
		if err != nil || done.CompletedAt == nil {
			t.Fatalf("complete: %s, %v", render(done), err)
		}
		again, err := s.TaskUpdate(ctx, user, task.ID, complete, nil)
		if err != nil || again.CompletedAt == nil || !again.CompletedAt.Equal(*done.CompletedAt) {
			t.Fatalf("complete again: completed_at %v, want kept %v (%v)", again.CompletedAt, done.CompletedAt, err)
		}
		renamed, err := s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "Renamed"}}, nil)
		if err != nil || renamed.CompletedAt == nil || !renamed.CompletedAt.Equal(*done.CompletedAt) || !renamed.Completed {
			t.Fatalf("rename: %s, want completed_at kept %v (%v)", render(renamed), done.CompletedAt, err)
		}
		reopened, err := s.TaskUpdate(ctx, user, task.ID, TaskChanges{SetCompleted: true}, nil)
		if err != nil || reopened.Completed || reopened.CompletedAt != nil {
			t.Fatalf("reopen: %s, %v; want completed_at cleared", render(reopened), err)
		}
		if reopened.Version != task.Version+4 {
			t.Fatalf("version = %d after 4 updates of version %d", reopened.Version, task.Version)
		}
	})

	t.Run("Preconditions", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name    string
			missing bool
			pre     func(version int64) *Precondition
			want    error
		}{
			{"CurrentVersionSucceeds", false, func(v int64) *Precondition { return &Precondition{Versions: []int64{v}} }, nil},
			{"OneOfSeveralVersionsSucceeds", false, func(v int64) *Precondition { return &Precondition{Versions: []int64{v + 7, v, v + 1}} }, nil},
			{"NoPreconditionSucceeds", false, func(int64) *Precondition { return nil }, nil},
			{"StaleVersionFails", false, func(v int64) *Precondition { return &Precondition{Versions: []int64{v + 1}} }, ErrPreconditionFailed},
			{"NilVersionListFails", false, func(int64) *Precondition { return &Precondition{} }, ErrPreconditionFailed},
			{"EmptyVersionListFails", false, func(int64) *Precondition { return &Precondition{Versions: []int64{}} }, ErrPreconditionFailed},
			{"MissingTaskWithPreconditionIsNotFound", true, func(v int64) *Precondition { return &Precondition{Versions: []int64{v}} }, ErrNotFound},
			{"MissingTaskWithEmptyListIsNotFound", true, func(int64) *Precondition { return &Precondition{} }, ErrNotFound},
			{"MissingTaskWithoutPreconditionIsNotFound", true, func(int64) *Precondition { return nil }, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run("Update"+tt.name, func(t *testing.T) {
				t.Parallel()
				task := create(t, s, user, base)
				id := task.ID
				if tt.missing {
					id = uuid.New()
				}
				got, err := s.TaskUpdate(t.Context(), user, id, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "changed"}}, tt.pre(task.Version))
				if !errors.Is(err, tt.want) {
					t.Fatalf("TaskUpdate = %v, want %v", err, tt.want)
				}
				after, _ := s.TaskGet(t.Context(), user, task.ID)
				if tt.want == nil {
					if got.Title != "changed" || got.Version != task.Version+1 {
						t.Fatalf("updated %s", render(got))
					}
				} else if render(after) != render(task) {
					t.Fatalf("a refused update changed the task:\n%s\n%s", render(task), render(after))
				}
			})
			t.Run("Delete"+tt.name, func(t *testing.T) {
				t.Parallel()
				task := create(t, s, user, base)
				id := task.ID
				if tt.missing {
					id = uuid.New()
				}
				err := s.TaskDelete(t.Context(), user, id, tt.pre(task.Version))
				if !errors.Is(err, tt.want) {
					t.Fatalf("TaskDelete = %v, want %v", err, tt.want)
				}
				_, err = s.TaskGet(t.Context(), user, task.ID)
				if deleted := errors.Is(err, ErrNotFound); deleted != (tt.want == nil) {
					t.Fatalf("deleted = %v (%v), want %v", deleted, err, tt.want == nil)
				}
			})
		}
	})
}

func TestTaskToggle(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	task := create(t, s, "toggler", TaskFields{Title: "flip me"})
	prev := task
	for i, wantCompleted := range []bool{true, false, true} {
		got, err := s.TaskToggle(ctx, "toggler", task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Completed != wantCompleted || (got.CompletedAt != nil) != wantCompleted ||
			got.Version != prev.Version+1 || !got.UpdatedAt.After(prev.UpdatedAt) || fields(got).Title != "flip me" {
			t.Fatalf("toggle %d: %s after %s", i+1, render(got), render(prev))
		}
		prev = got
	}
	if _, err := s.TaskToggle(ctx, "toggler", uuid.New()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("toggle missing: %v, want ErrNotFound", err)
	}
}

func TestTaskSetCompleted(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "completer"
	tests := []struct {
		name        string
		from, to    bool
		wantChanged bool
	}{
		{"PendingToCompletedChanges", false, true, true},
		{"CompletedToPendingChanges", true, false, true},
		{"CompletedAgainIsUnchanged", true, true, false},
		{"PendingAgainIsUnchanged", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			task := create(t, s, user, TaskFields{Title: "t", Completed: tt.from})
			got, err := s.taskSetCompleted(t.Context(), user, task.ID, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if got.Completed != tt.to || (got.CompletedAt != nil) != tt.to {
				t.Fatalf("got %s, want completed=%v", render(got), tt.to)
			}
			if !tt.wantChanged {
				if render(got) != render(task) {
					t.Fatalf("an idempotent set changed the task:\n%s\n%s", render(task), render(got))
				}
			} else if got.Version != task.Version+1 || !got.UpdatedAt.After(task.UpdatedAt) {
				t.Fatalf("got %s after %s: want version and updated_at bumped", render(got), render(task))
			}
			read, err := s.TaskGet(t.Context(), user, task.ID)
			if err != nil || render(read) != render(got) {
				t.Fatalf("stored %s, %v\nreturned %s", render(read), err, render(got))
			}
		})
	}
	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		for _, v := range []bool{true, false} {
			if _, err := s.taskSetCompleted(t.Context(), user, uuid.New(), v); !errors.Is(err, ErrNotFound) {
				t.Fatalf("set completed=%v on missing: %v, want ErrNotFound", v, err)
			}
		}
	})
}

// TestTaskSetCompletedConcurrentCallsAgree: requests racing to set the same value must all
// report that value.
func TestTaskSetCompletedConcurrentCallsAgree(t *testing.T) {
	t.Parallel()
	pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.MaxConns = 16 })
	s := New(pool, Options{})
	const user, racers = "racer", 16
	var wrong []string
	for round := range 10 {
		task := create(t, s, user, TaskFields{Title: "race"})
		var wg sync.WaitGroup
		var mu sync.Mutex
		start := make(chan struct{})
		for range racers {
			wg.Go(func() {
				<-start
				got, err := s.taskSetCompleted(t.Context(), user, task.ID, true)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("round %d: %v", round, err)
				} else if !got.Completed {
					wrong = append(wrong, render(got))
				}
			})
		}
		close(start)
		wg.Wait()
	}
	if len(wrong) > 0 {
		t.Fatalf("%d calls of TaskSetCompleted(true) returned a pending task, e.g. %s", len(wrong), wrong[0])
	}
}

func TestTaskDelete(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	task := create(t, s, "deleter", TaskFields{Title: "bye"})
	keep := create(t, s, "deleter", TaskFields{Title: "stay"})
	if err := s.TaskDelete(ctx, "deleter", task.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TaskGet(ctx, "deleter", task.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get deleted: %v, want ErrNotFound", err)
	}
	if err := s.TaskDelete(ctx, "deleter", task.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete again: %v, want ErrNotFound", err)
	}
	if _, err := s.TaskGet(ctx, "deleter", keep.ID); err != nil {
		t.Fatalf("the other task: %v", err)
	}
}
