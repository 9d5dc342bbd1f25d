package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestOnlyListingsArePlannedWithTheirValues: on a direct connection (named prepared
// statements), the general listing statements are planned with their values on every
// execution and never generically, while primary-key reads and a listing's first page
// (TaskFirstPage…) keep a cached generic plan.
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
	const runs = 8         // PostgreSQL considers a generic plan from the sixth execution
	low := Priority("low") // a filter only the general listing statements take
	for range runs {
		if _, _, err := s.TaskList(ctx, "planner", ListParams{Sort: SortCreated, Desc: true, Limit: 10, Priority: &low}); err != nil {
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
		case "TaskFirstPageCreatedDesc": // a first page (task_list_first.go): generic only
			seen[name] = true
			if generic < runs || custom != 0 {
				t.Errorf("%s: %d generic plans, %d custom plans; want at least %d and 0", name, generic, custom, runs)
			}
		case "TaskGetAsMember", "UserClockGet":
			seen[name] = true
			if generic == 0 {
				t.Errorf("%s: %d generic plans, %d custom plans; want a cached generic plan", name, generic, custom)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 5 {
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

// withUserSetting returns the runner's db.DBTX for user on conn in autocommit mode: every
// statement goes with the setting, as the store sends them.
func withUserSetting(conn *pgxpool.Conn, user string) *statements {
	return &statements{conn: conn, prelude: prelude{set: setUserSQL, args: []any{user}}}
}

// TestStatementsRowSemantics: the runner's db.DBTX behaves as pgx's own Query/QueryRow/Exec
// do, including errors and empty results, in autocommit (a batch per statement) and in a
// transaction (BEGIN and the setting with the first), and leaves the connection usable.
func TestStatementsRowSemantics(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name    string
		prelude prelude
	}{
		{"Autocommit", prelude{set: setUserSQL, args: []any{"u"}}},
		{"Transaction", prelude{begin: beginSQL, set: setUserSQL, args: []any{"u"}, once: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := pool.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Release()
			q := &statements{conn: conn, prelude: tc.prelude}
			inTx := tc.prelude.begin != ""
			var got string
			if err := q.QueryRow(ctx, "SELECT current_setting($1)", UserSetting).Scan(&got); err != nil || got != "u" {
				t.Fatalf("setting seen by the statement: %q, %v", got, err)
			}
			if err := q.QueryRow(ctx, "SELECT 1 WHERE false").Scan(new(int)); !errors.Is(err, pgx.ErrNoRows) {
				t.Fatalf("empty QueryRow: %v, want pgx.ErrNoRows", err)
			}
			if err := q.QueryRow(ctx, "SELECT current_setting($1)", UserSetting).Scan(&got); err != nil || got != "u" {
				t.Fatalf("setting seen by a later statement: %q, %v", got, err)
			}
			rows, err := q.Query(ctx, "SELECT g FROM generate_series(1, 3) g")
			if err != nil {
				t.Fatal(err)
			}
			nums, err := pgx.CollectRows(rows, pgx.RowTo[int])
			if err != nil || len(nums) != 3 || rows.CommandTag().RowsAffected() != 3 {
				t.Fatalf("rows %v, tag %q, %v", nums, rows.CommandTag(), err)
			}
			// Rows closed early, without reading them all.
			rows, err = q.Query(ctx, "SELECT g FROM generate_series(1, 1000) g")
			if err != nil || !rows.Next() {
				t.Fatalf("first row: %v", err)
			}
			rows.Close()
			rows.Close()
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			tag, err := q.Exec(ctx, "SELECT 1 FROM generate_series(1, 2)")
			if err != nil || tag.RowsAffected() != 2 {
				t.Fatalf("Exec: %q, %v", tag, err)
			}
			if inTx {
				if status := conn.Conn().PgConn().TxStatus(); status != 'T' {
					t.Fatalf("transaction status %q, want T (in a transaction)", status)
				}
				if err := q.end(ctx, nil); err != nil {
					t.Fatal(err)
				}
				if status := conn.Conn().PgConn().TxStatus(); status != 'I' {
					t.Fatalf("after end: transaction status %q, want I (idle)", status)
				}
				return
			}
			// A failing statement: the error comes from Query (or the rows), the connection
			// stays usable.
			_, qerr := q.Query(ctx, "SELECT 1/0")
			rows, err = q.Query(ctx, "SELECT 1/(g - 2) FROM generate_series(1, 3) g")
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
			}
			var e1, e2 *pgconn.PgError
			if !errors.As(qerr, &e1) && !errors.As(err, &e2) {
				t.Fatalf("division by zero: %v / %v", qerr, err)
			}
			if err := q.QueryRow(ctx, "SELECT 1/0").Scan(new(int)); err == nil {
				t.Fatal("QueryRow of a failing statement succeeded")
			}
			if _, err := q.Exec(ctx, "SELECT 1/0"); err == nil {
				t.Fatal("Exec of a failing statement succeeded")
			}
			if err := q.QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
				t.Fatalf("the connection after errors: %v", err)
			}
		})
	}

	t.Run("FailedTransactionRollsBack", func(t *testing.T) {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		q := &statements{conn: conn, prelude: prelude{begin: beginSQL, set: setUserSQL, args: []any{"u"}, once: true}}
		if _, err := q.Exec(ctx, "SELECT 1/0"); err == nil {
			t.Fatal("a failing statement succeeded")
		}
		// fn went on as if nothing had failed: COMMIT finds the transaction failed.
		if err := q.end(ctx, nil); !errors.Is(err, errRolledBack) {
			t.Fatalf("end after a failed statement: %v, want errRolledBack", err)
		}
		if status := conn.Conn().PgConn().TxStatus(); status != 'I' {
			t.Fatalf("after end: transaction status %q, want I (idle)", status)
		}
	})
}
