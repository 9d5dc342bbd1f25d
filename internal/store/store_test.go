package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

func TestMain(m *testing.M) {
	dbtest.Main(m)
}

// newStore returns a Store with default options over a fresh, migrated database, connected
// as a role that row-level security binds (as production should be: see appRoleURL), and a
// pool for the SQL a test runs on its own, as the tests' role, which sees every row.
func newStore(t *testing.T) (*Store, *pgxpool.Pool) {
	t.Helper()
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	app := newPool(t, appRoleURL(t, dbURL), nil)
	return New(app, Options{}), admin
}

// newPool opens a pool on connString with cfg applied, closed at cleanup (before dbtest drops
// the database, as cleanups run last-in first-out).
func newPool(t testing.TB, connString string, cfg func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	pc, err := pgxpool.ParseConfig(connString)
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		cfg(pc)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// create stores a task through the Store (no idempotency key); priority defaults to medium.
func create(t *testing.T, s *Store, user string, f TaskFields) Task {
	t.Helper()
	if f.Priority == "" {
		f.Priority = "medium"
	}
	task, replayed, err := s.TaskCreate(t.Context(), user, f, "", nil)
	if err != nil || replayed {
		t.Fatalf("create task %q for %s: replayed=%v, %v", f.Title, user, replayed, err)
	}
	return task
}

func ptr[T any](v T) *T { return &v }

// day is a civil date as the store represents it: 00:00 UTC.
func day(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// render prints every field of a task in one canonical form (times in UTC), for comparing
// tasks that went through different decoders (pgx, JSON).
func render(t Task) string {
	tm := func(p *time.Time) string {
		if p == nil {
			return "<nil>"
		}
		return p.UTC().Format(time.RFC3339Nano)
	}
	desc := "<nil>"
	if t.Description != nil {
		desc = fmt.Sprintf("%q", *t.Description)
	}
	parent := "<nil>"
	if t.ParentID != nil {
		parent = t.ParentID.String()
	}
	return fmt.Sprintf("id=%s title=%q description=%s completed=%v priority=%s due=%s tags=%q created=%s updated=%s completed_at=%s version=%d position=%s deleted=%s repeat=%s list=%s parent=%s subtasks=%d/%d",
		t.ID, t.Title, desc, t.Completed, t.Priority, tm(t.DueDate), t.Tags, tm(&t.CreatedAt), tm(&t.UpdatedAt), tm(t.CompletedAt), t.Version, t.Position, tm(t.DeletedAt), t.Repeat,
		t.ListID, parent, t.SubtasksCompleted, t.SubtasksTotal)
}

// userRows prints all of user's rows in tasks, idempotency_keys, user_clocks, lists and
// list_members exactly as PostgreSQL stores them (row-to-text), so two snapshots are equal
// only if nothing changed.
func userRows(t *testing.T, pool *pgxpool.Pool, user string) string {
	t.Helper()
	var tasks, keys, clock, lists, members string
	err := pool.QueryRow(t.Context(), `
		SELECT (SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t.id), '') FROM tasks t WHERE t.user_id = $1),
		       (SELECT coalesce(string_agg(k::text, E'\n' ORDER BY k.key), '') FROM idempotency_keys k WHERE k.user_id = $1),
		       (SELECT coalesce(string_agg(c::text, E'\n'), '') FROM user_clocks c WHERE c.user_id = $1),
		       (SELECT coalesce(string_agg(l::text, E'\n' ORDER BY l.id), '') FROM lists l WHERE l.owner_id = $1),
		       (SELECT coalesce(string_agg(m::text, E'\n' ORDER BY m.list_id, m.user_id), '') FROM list_members m WHERE m.owner_id = $1)`,
		user).Scan(&tasks, &keys, &clock, &lists, &members)
	if err != nil {
		t.Fatalf("snapshot rows of %s: %v", user, err)
	}
	return "tasks:\n" + tasks + "\nidempotency_keys:\n" + keys + "\nuser_clocks:\n" + clock +
		"\nlists:\n" + lists + "\nlist_members:\n" + members
}

func countTasks(t *testing.T, pool *pgxpool.Pool, user string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM tasks WHERE user_id = $1", user).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStoreErrors(t *testing.T) {
	t.Parallel()

	t.Run("MissingTaskIsNotFound", func(t *testing.T) {
		t.Parallel()
		s, _ := newStore(t)
		_, err := s.TaskGet(t.Context(), "u", uuid.New())
		if !errors.Is(err, ErrNotFound) || !errors.Is(err, pgx.ErrNoRows) {
			t.Fatalf("TaskGet(missing) = %v, want ErrNotFound wrapping pgx.ErrNoRows", err)
		}
	})

	t.Run("UnreachableDatabaseIsUnavailableQuickly", func(t *testing.T) {
		t.Parallel()
		pool, err := pgxpool.New(t.Context(), "postgres://127.0.0.1:1/x?connect_timeout=2")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		s := New(pool, Options{})
		calls := map[string]func(ctx context.Context) error{
			"Ping":    s.Ping,
			"TaskGet": func(ctx context.Context) error { _, err := s.TaskGet(ctx, "u", uuid.New()); return err },
			"TaskList": func(ctx context.Context) error {
				_, _, err := s.TaskList(ctx, "u", ListParams{Sort: SortCreated, Desc: true})
				return err
			},
			"TaskCreateWithKey": func(ctx context.Context) error {
				_, _, err := s.TaskCreate(ctx, "u", TaskFields{Title: "t", Priority: "low"}, "k", []byte("h"))
				return err
			},
			"TaskDelete": func(ctx context.Context) error { return s.TaskDelete(ctx, "u", uuid.New(), nil) },
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				// "Quickly" is the mechanism, not a figure of this machine's speed: the
				// refused connection is the answer (no retrying until a deadline), so the
				// caller's generous deadline is still far off when the error comes back.
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()
				err := call(ctx)
				if !errors.Is(err, ErrUnavailable) || !errors.Is(err, syscall.ECONNREFUSED) {
					t.Fatalf("err = %v, want ErrUnavailable wrapping the refused connection", err)
				}
				if ctx.Err() != nil {
					t.Fatalf("the caller's deadline passed first (%v): the store waited instead of giving up", ctx.Err())
				}
			})
		}
	})

	t.Run("ExhaustedPoolIsUnavailableAfterAcquireTimeout", func(t *testing.T) {
		t.Parallel()
		pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.MaxConns = 1 })
		s := New(pool, Options{AcquireTimeout: 200 * time.Millisecond})
		held, err := pool.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// The caller's deadline is far beyond AcquireTimeout: the store's own timer must end
		// the wait (the acquire's deadline), not the caller's, and not before it is due.
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		_, err = s.TaskGet(ctx, "u", uuid.New())
		elapsed := time.Since(start)
		held.Release()
		if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want ErrUnavailable wrapping the acquire's deadline", err)
		}
		if ctx.Err() != nil {
			t.Fatalf("the caller's deadline passed first (%v), not the store's AcquireTimeout", ctx.Err())
		}
		if elapsed < 200*time.Millisecond {
			t.Fatalf("gave up after %v, before the 200 ms AcquireTimeout", elapsed)
		}
		// The connection is back: the same store works again.
		if _, err := s.TaskGet(t.Context(), "u", uuid.New()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after release: %v, want ErrNotFound", err)
		}
	})

	t.Run("LockWaitBeyondStatementTimeoutIsUnavailable", func(t *testing.T) {
		t.Parallel()
		s0, pool := newStore(t)
		task := create(t, s0, "u", TaskFields{Title: "locked"})
		s := New(pool, Options{StatementTimeout: 200 * time.Millisecond})
		tx, err := pool.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(context.Background())
		if _, err := tx.Exec(t.Context(), "SELECT 1 FROM tasks WHERE user_id = 'u' AND id = $1 FOR UPDATE", task.ID); err != nil {
			t.Fatal(err)
		}
		// The caller's deadline is far beyond StatementTimeout: the store's own bound must
		// end the lock wait, not the caller's, and not before it is due.
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		_, err = s.TaskToggle(ctx, "u", task.ID)
		elapsed := time.Since(start)
		if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want ErrUnavailable wrapping the statement's deadline", err)
		}
		if ctx.Err() != nil {
			t.Fatalf("the caller's deadline passed first (%v), not the store's StatementTimeout", ctx.Err())
		}
		if elapsed < 200*time.Millisecond {
			t.Fatalf("gave up after %v, before the 200 ms StatementTimeout", elapsed)
		}
	})

	t.Run("ConstraintViolationsAreInvalid", func(t *testing.T) {
		t.Parallel()
		s, pool := newStore(t)
		valid := TaskFields{Title: "ok", Priority: "medium"}
		with := func(change func(*TaskFields)) TaskFields {
			f := valid
			change(&f)
			return f
		}
		existing := create(t, s, "u", valid)
		tests := []struct {
			name   string
			fields TaskFields
			want   error // nil: accepted
		}{
			{"Title201Chars", with(func(f *TaskFields) { f.Title = strings.Repeat("x", 201) }), ErrInvalid},
			{"TitleEmpty", with(func(f *TaskFields) { f.Title = "" }), ErrInvalid},
			{"TitleUntrimmed", with(func(f *TaskFields) { f.Title = " padded" }), ErrInvalid},
			{"Title200MultibyteChars", with(func(f *TaskFields) { f.Title = strings.Repeat("é", 200) }), nil},
			{"Description2001Chars", with(func(f *TaskFields) { f.Description = ptr(strings.Repeat("d", 2001)) }), ErrInvalid},
			{"ElevenTags", with(func(f *TaskFields) { f.Tags = strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",") }), ErrInvalid},
			{"UnknownPriority", with(func(f *TaskFields) { f.Priority = "urgent" }), ErrInvalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Run("Create", func(t *testing.T) {
					before := countTasks(t, pool, "u")
					_, _, err := s.TaskCreate(t.Context(), "u", tt.fields, "", nil)
					if !errors.Is(err, tt.want) {
						t.Fatalf("TaskCreate = %v, want %v", err, tt.want)
					}
					if tt.want != nil && countTasks(t, pool, "u") != before {
						t.Fatal("a refused task was stored")
					}
				})
				t.Run("Update", func(t *testing.T) {
					_, err := s.TaskUpdate(t.Context(), "u", existing.ID, AllChanges(tt.fields), nil)
					if !errors.Is(err, tt.want) {
						t.Fatalf("TaskUpdate = %v, want %v", err, tt.want)
					}
				})
				t.Run("CreateWithIdempotencyKey", func(t *testing.T) {
					_, _, err := s.TaskCreate(t.Context(), "u", tt.fields, "key-"+tt.name, []byte("h"))
					if !errors.Is(err, tt.want) {
						t.Fatalf("TaskCreate = %v, want %v", err, tt.want)
					}
					var claimed bool
					if err := pool.QueryRow(t.Context(), "SELECT EXISTS (SELECT 1 FROM idempotency_keys WHERE user_id = 'u' AND key = $1)", "key-"+tt.name).Scan(&claimed); err != nil {
						t.Fatal(err)
					}
					if claimed != (tt.want == nil) {
						t.Fatalf("idempotency key stored = %v after TaskCreate = %v", claimed, err)
					}
				})
			})
		}
	})
}

// TestCursorKey: the key is 32 bytes, read back the same each time (so replicas agree), as
// the service's role that row-level security binds; a database without one is a server
// error, not a caller's 404. (internal/migrate's TestCursorKeyIsRandomPerDatabase shows each
// database gets its own; the tests' databases are clones of one template, so share one.)
func TestCursorKey(t *testing.T) {
	t.Parallel()
	s1, pool1 := newStore(t)
	k1, err := s1.CursorKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	again, err := s1.CursorKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 || !bytes.Equal(k1, again) || bytes.Equal(k1, make([]byte, 32)) {
		t.Fatalf("keys: %x, again %x; want 32 random bytes, stable", k1, again)
	}
	if _, err := pool1.Exec(t.Context(), "DELETE FROM cursor_keys"); err != nil {
		t.Fatal(err)
	}
	_, err = s1.CursorKey(t.Context())
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("no key: %v, want an error that is neither ErrNotFound nor ErrUnavailable", err)
	}
}

// taskSetCompleted is TaskComplete or TaskUncomplete, as completed says.
func (s *Store) taskSetCompleted(ctx context.Context, userID string, id uuid.UUID, completed bool) (Task, error) {
	if completed {
		return s.TaskComplete(ctx, userID, id)
	}
	return s.TaskUncomplete(ctx, userID, id)
}
