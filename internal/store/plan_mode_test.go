package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestOnlyListingsArePlannedWithTheirValues: on a direct connection (named prepared
// statements), the listing statements are planned with their values on every execution and
// never generically, while primary-key reads keep a cached generic plan.
func TestOnlyListingsArePlannedWithTheirValues(t *testing.T) {
	t.Parallel()
	cfg, err := pgxpool.ParseConfig(dbtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1 // one session, whose prepared statements pg_prepared_statements shows
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := New(pool, Options{})
	ctx := t.Context()
	task, _, err := s.TaskCreate(ctx, "planner", TaskFields{Title: "one", Priority: "low"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	const runs = 8 // PostgreSQL considers a generic plan from the sixth execution
	for range runs {
		if _, _, err := s.TaskList(ctx, "planner", ListParams{Sort: SortCreated, Desc: true, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := s.TaskListWithClock(ctx, "planner", ListParams{Sort: SortCreated, Desc: true, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TaskChanges(ctx, "planner", ChangesParams{Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TaskGet(ctx, "planner", task.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserClock(ctx, "planner"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := pool.Query(context.WithoutCancel(ctx), `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var sql string
		var generic, custom int64
		if err := rows.Scan(&sql, &generic, &custom); err != nil {
			t.Fatal(err)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(sql, "-- name: "), " ")
		switch name {
		case "TaskListCreatedDesc", "TaskChanges":
			seen[name] = true
			if generic != 0 || custom < runs {
				t.Errorf("%s: %d generic plans, %d custom plans; want 0 and at least %d", name, generic, custom, runs)
			}
		case "TaskGet", "UserClockGet":
			seen[name] = true
			if generic == 0 {
				t.Errorf("%s: %d generic plans, %d custom plans; want a cached generic plan", name, generic, custom)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 {
		t.Fatalf("pg_prepared_statements showed only %v", seen)
	}
}

// TestFailedWritesLeaveNothing: a create whose insert fails (a due time without a date) leaves
// nothing behind — no task, no idempotency key, the clock where it was — and the connection
// idle and usable (rolled back, not dropped): without a key (one statement, its own
// transaction) and with one (a transaction of several statements).
func TestFailedWritesLeaveNothing(t *testing.T) {
	t.Parallel()
	cfg, err := pgxpool.ParseConfig(dbtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := New(pool, Options{})
	ctx := t.Context()
	if _, _, err := s.TaskCreate(ctx, "roller", TaskFields{Title: "kept", Priority: "low"}, "", nil); err != nil {
		t.Fatal(err)
	}
	pid := func() (p uint32) {
		c, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		return c.Conn().PgConn().PID()
	}
	at := "09:00"
	refused := TaskFields{Title: "refused", Priority: "low", DueTime: &at}
	for _, key := range []string{"", "a-key"} {
		before, err := s.UserClock(ctx, "roller")
		if err != nil {
			t.Fatal(err)
		}
		conn := pid()
		if _, _, err := s.TaskCreate(ctx, "roller", refused, key, []byte("h")); !errors.Is(err, ErrDueTimeWithoutDate) {
			t.Fatalf("key %q: create with a due time and no date: %v", key, err)
		}
		if pid() != conn {
			t.Errorf("key %q: the connection was dropped, not rolled back", key)
		}
		after, err := s.UserClock(ctx, "roller")
		if err != nil {
			t.Fatal(err)
		}
		tasks, _, err := s.TaskList(ctx, "roller", ListParams{Sort: SortCreated, Desc: true, Limit: 10})
		if err != nil || len(tasks) != 1 || !after.Last.Equal(before.Last) {
			t.Fatalf("key %q: after the failed create: %d tasks (%v), clock %v (was %v)", key, len(tasks), err, after.Last, before.Last)
		}
		var keys int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM idempotency_keys").Scan(&keys); err != nil || keys != 0 {
			t.Fatalf("key %q: %d idempotency keys stored (%v), want none", key, keys, err)
		}
	}
}
