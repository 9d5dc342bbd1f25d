package store

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestFirstPageIsOneCachedStatement: issue 14's and 19's listing cost — the first page of a
// listing (all the caller's tasks; one own list; one list shared with the caller; also with
// the web app's filters, completion and top_level) is one statement, the list's membership
// checked inside it, and that statement's plan is cached: each connection plans it once
// (pg_prepared_statements: generic plans only), where a statement planned with its values on
// every call spent half of its cost planning under row-level security (docs/performance.md,
// "Attribution"). Run as a role the policies bind, on a pool of one connection, so that the
// connection the store used is the one asked.
func TestFirstPageIsOneCachedStatement(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	log := &queryLog{}
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) {
		c.ConnConfig.Tracer = log
		c.MaxConns = 1
	})
	s := New(app, Options{})
	ctx := t.Context()
	const owner, member = "first-owner", "first-member"
	own, shared := newList(t, admin, owner), newList(t, admin, owner)
	create(t, s, owner, TaskFields{Title: "in the inbox"})
	create(t, s, owner, TaskFields{Title: "in a list", ListID: &own})
	create(t, s, owner, TaskFields{Title: "in the shared list", ListID: &shared})
	create(t, s, member, TaskFields{Title: "the member's own"})
	if _, err := admin.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'viewer', 'b1')`, owner, shared, member); err != nil {
		t.Fatal(err)
	}
	const calls = 7 // more than the five custom plans of plan_cache_mode = auto
	tests := []struct {
		name   string
		caller string
		p      ListParams
		tasks  int
	}{
		{"AllOwnTasks", owner, ListParams{Sort: SortCreated, Desc: true, Limit: 50}, 3},
		{"OwnList", owner, ListParams{Sort: SortCreated, Desc: true, Limit: 50, ListID: &own}, 1},
		{"OwnListOpenTopLevel", owner, ListParams{Sort: SortPosition, Limit: 50, ListID: &own, Completed: ptr(false), TopLevel: ptr(true)}, 1},
		{"SharedList", member, ListParams{Sort: SortCreated, Desc: true, Limit: 50, ListID: &shared}, 1},
	}
	for _, tt := range tests {
		var sql string
		for i := range calls {
			log.take()
			_, tasks, _, err := s.TaskListWithClock(ctx, tt.caller, tt.p)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if len(tasks) != tt.tasks {
				t.Fatalf("%s: %d tasks, want %d", tt.name, len(tasks), tt.tasks)
			}
			ran := log.take()
			if len(ran) != 1 {
				var names []string
				for _, q := range ran {
					if m := queryName.FindStringSubmatch(q.sql); m != nil {
						names = append(names, m[1])
					}
				}
				t.Fatalf("%s: the store ran %d statements %v, want one", tt.name, len(ran), names)
			}
			if i == 0 {
				sql = ran[0].sql
			} else if ran[0].sql != sql {
				t.Fatalf("%s: call %d ran another statement", tt.name, i)
			}
		}
		conn, err := app.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var generic, custom int64
		err = conn.QueryRow(ctx, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", sql).Scan(&generic, &custom)
		conn.Release()
		if err != nil {
			t.Fatalf("%s: the statement is not prepared on the store's connection: %v", tt.name, err)
		}
		if custom != 0 || generic < calls {
			t.Errorf("%s: %s planned %d times with its values and %d times generically over %d calls: want its plan cached (generic only)",
				tt.name, queryName.FindStringSubmatch(sql)[1], custom, generic, calls)
		}
	}

	// A list the caller may not read is still "not found", also when it is another owner's.
	stranger := uuid.New()
	for _, list := range []uuid.UUID{own, stranger} {
		if _, _, _, err := s.TaskListWithClock(ctx, member, ListParams{Sort: SortCreated, Desc: true, Limit: 50, ListID: &list}); !errors.Is(err, ErrNotFound) {
			t.Errorf("list %v of nobody's the member reads: %v, want ErrNotFound", list, err)
		}
	}
}
