package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// appRoleURL creates a role like the one production should run as — neither superuser nor
// BYPASSRLS, with only the privileges the service uses on the database at dbURL — and
// returns dbURL with that role's credentials. The role is created NOLOGIN, granted its
// privileges, then allowed to log in; it is dropped at cleanup. Row-level security binds it,
// unlike the tests' own role (see dbtest), so what runs through it proves the policies.
func appRoleURL(t testing.TB, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	admin := adminURL(t, dbName)
	var b [6]byte
	_, _ = rand.Read(b[:])
	role, password := "app_"+hex.EncodeToString(b[:]), hex.EncodeToString(b[:])+"-pw"
	ident := pgx.Identifier{role}.Sanitize()

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect as administrator: %v", err)
	}
	defer conn.Close(ctx)
	for _, stmt := range []string{
		"CREATE ROLE " + ident + " NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
		"GRANT CONNECT ON DATABASE " + pgx.Identifier{dbName}.Sanitize() + " TO " + ident,
		"GRANT USAGE ON SCHEMA public TO " + ident,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON tasks, idempotency_keys, user_clocks, user_tags, lists, list_members, invites, task_departures TO " + ident,
		"GRANT SELECT ON cursor_keys TO " + ident,
		"ALTER ROLE " + ident + " LOGIN PASSWORD '" + password + "'",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		// Runs before the database is dropped (cleanups run last-in first-out) and after the
		// role's pools are closed (they were opened later).
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop role %s: %v", role, err)
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role)
		for _, stmt := range []string{"DROP OWNED BY " + ident, "DROP ROLE " + ident} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
	u.User = url.UserPassword(role, password)
	return u.String()
}

// adminURL connects to database dbName as the server's administrator.
func adminURL(t testing.TB, dbName string) string {
	t.Helper()
	u, err := url.Parse(dbtest.ServerURL())
	if err != nil || dbtest.ServerURL() == "" {
		t.Fatalf("no administrator URL: %v", err)
	}
	u.Path = "/" + dbName
	return u.String()
}

// roleFlags reports whether the pool's role is a superuser or bypasses row-level security.
func roleFlags(t *testing.T, pool *pgxpool.Pool) (super, bypass bool) {
	t.Helper()
	err := pool.QueryRow(t.Context(),
		"SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").Scan(&super, &bypass)
	if err != nil {
		t.Fatal(err)
	}
	return super, bypass
}

// TestRowLevelSecurity proves the policies of 0005_row_level_security.sql with a role they
// bind: statements that forget their user_id predicate still see and change only the rows of
// the user the store set, and nothing at all without the setting.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	// One connection, so that every statement of a subtest runs on the connection the store
	// used before it.
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.MaxConns = 1 })
	s := New(app, Options{})
	ctx := t.Context()
	const a, b = "rls-user-a", "rls-user-b"

	if super, bypass := roleFlags(t, app); super || bypass {
		t.Fatalf("the application role has rolsuper=%v rolbypassrls=%v: row-level security would not bind it", super, bypass)
	}
	if super, bypass := roleFlags(t, admin); super || !bypass {
		// Not a requirement of the service; says how to read the other tests.
		t.Logf("the tests' own role has rolsuper=%v rolbypassrls=%v", super, bypass)
	}

	fields := TaskFields{Title: "mine", Priority: "low", Tags: []string{"x"}}
	for range 3 {
		create(t, s, a, fields)
	}
	if _, _, err := s.TaskCreate(ctx, a, fields, "a-key", []byte("h")); err != nil {
		t.Fatal(err)
	}
	bTask := create(t, s, b, fields)
	if _, _, err := s.TaskCreate(ctx, b, fields, "b-key", []byte("h")); err != nil {
		t.Fatal(err)
	}

	// rlsAs runs fn with the store's DBTX for user on the application role's connection.
	rlsAs := func(t *testing.T, user string, fn func(q *statements)) {
		t.Helper()
		conn, err := app.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		fn(withUserSetting(conn, user))
	}

	t.Run("UnscopedReadsSeeOnlyTheCallersRows", func(t *testing.T) {
		rlsAs(t, b, func(q *statements) {
			for _, table := range []string{"tasks", "idempotency_keys", "user_clocks"} {
				rows, err := q.Query(t.Context(), "SELECT user_id FROM "+table)
				if err != nil {
					t.Fatal(err)
				}
				owners, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				if want := map[string]int{"tasks": 2, "idempotency_keys": 1, "user_clocks": 1}[table]; len(owners) != want {
					t.Errorf("SELECT * FROM %s as %s: %d rows %v", table, b, len(owners), owners)
				}
				for _, o := range owners {
					if o != b {
						t.Errorf("SELECT * FROM %s as %s returned a row of %s", table, b, o)
					}
				}
			}
			var n int
			if err := q.QueryRow(t.Context(), "SELECT count(*) FROM tasks WHERE id = $1", bTask.ID).Scan(&n); err != nil || n != 1 {
				t.Fatalf("own task by id: %d, %v", n, err)
			}
		})
	})

	t.Run("UnscopedWritesChangeOnlyTheCallersRows", func(t *testing.T) {
		before := userRows(t, admin, a)
		rlsAs(t, b, func(q *statements) {
			tag, err := q.Exec(t.Context(), "UPDATE tasks SET title = title")
			if err != nil || tag.RowsAffected() != 2 {
				t.Fatalf("UPDATE tasks as %s: %d rows, %v; want its own 2", b, tag.RowsAffected(), err)
			}
			tag, err = q.Exec(t.Context(), "DELETE FROM idempotency_keys WHERE key = 'a-key'")
			if err != nil || tag.RowsAffected() != 0 {
				t.Fatalf("DELETE of %s's key as %s: %d rows, %v", a, b, tag.RowsAffected(), err)
			}
		})
		if after := userRows(t, admin, a); after != before {
			t.Fatalf("%s's rows changed:\n%s\n---\n%s", a, before, after)
		}
	})

	t.Run("RowsForAnotherUserAreRefused", func(t *testing.T) {
		rlsAs(t, b, func(q *statements) {
			for _, stmt := range []string{
				"INSERT INTO tasks (user_id, id, title) VALUES ('" + a + "', gen_random_uuid(), 'planted')",
				"UPDATE tasks SET user_id = '" + a + "'",
				"INSERT INTO idempotency_keys (user_id, namespace, key, request_hash) VALUES ('" + a + "', 'tasks.create', 'planted', '\\x00')",
				"INSERT INTO user_clocks (user_id, last) VALUES ('" + a + "-other', now())",
				"UPDATE user_clocks SET user_id = '" + a + "'",
			} {
				_, err := q.Exec(t.Context(), stmt)
				var pgErr *pgconn.PgError
				if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
					t.Errorf("%s as %s: %v, want insufficient_privilege (42501, row-level security)", stmt, b, err)
				}
			}
		})
	})

	t.Run("WithoutTheSettingNothingIsVisible", func(t *testing.T) {
		// The store has just used the connection for b: the setting must not outlive that.
		if _, err := s.TaskGet(ctx, b, bTask.ID); err != nil {
			t.Fatal(err)
		}
		var setting *string
		var tasks, keys int
		err := app.QueryRow(ctx, `SELECT current_setting('`+UserSetting+`', true),
			(SELECT count(*) FROM tasks), (SELECT count(*) FROM idempotency_keys) + (SELECT count(*) FROM user_clocks)`).Scan(&setting, &tasks, &keys)
		if err != nil {
			t.Fatal(err)
		}
		if setting != nil && *setting != "" {
			t.Errorf("%s = %q after the store's statement ended", UserSetting, *setting)
		}
		if tasks != 0 || keys != 0 {
			t.Errorf("without the setting the role sees %d tasks and %d keys and clocks, want none", tasks, keys)
		}
		if _, err := app.Exec(ctx, "INSERT INTO tasks (user_id, id, title) VALUES ('"+b+"', gen_random_uuid(), 't')"); err == nil {
			t.Error("an INSERT without the setting succeeded")
		}
	})

	t.Run("StoreWithoutTheSettingFindsNothing", func(t *testing.T) {
		// Why DetectRowSecurity skips the setting only for roles row-level security does not
		// bind: for one it binds, a store without the setting finds nothing.
		off := New(app, Options{})
		off.skipUserSetting = true
		if _, err := off.TaskGet(ctx, b, bTask.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("TaskGet without the setting: %v, want ErrNotFound", err)
		}
	})

	t.Run("ListingWithClockSeesTheCallersRows", func(t *testing.T) {
		// TaskListWithClock sends the setting and the listing, which reads the clock too, in
		// one batch; it sees the caller's rows and clock, as UserClock and TaskList do, and
		// neither the user nor the listing's plan mode outlives the batch.
		p := ListParams{Sort: SortCreated, Desc: true, Limit: 3}
		clock, page, next, err := s.TaskListWithClock(ctx, a, p)
		if err != nil {
			t.Fatal(err)
		}
		wantClock, err := s.MemberClock(ctx, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantPage, wantNext, err := s.TaskList(ctx, a, p)
		if err != nil {
			t.Fatal(err)
		}
		// a is a member of no other owner's list: the clock is a's own.
		if clock.Last.IsZero() || clock.View != "" || !clock.Last.Equal(wantClock.Last) || wantClock.View != "" || len(page) != 3 || next == nil || *next != *wantNext {
			t.Fatalf("with the clock: clock %+v, %d tasks, next %v; separately: clock %+v, next %v", clock, len(page), next, wantClock, wantNext)
		}
		for i := range page {
			if page[i].ID != wantPage[i].ID {
				t.Fatalf("task %d: %v, separately %v", i, page[i].ID, wantPage[i].ID)
			}
		}
		var setting *string
		var planMode string
		if err := app.QueryRow(ctx, `SELECT current_setting('`+UserSetting+`', true), current_setting('plan_cache_mode')`).Scan(&setting, &planMode); err != nil {
			t.Fatal(err)
		}
		if setting != nil && *setting != "" || planMode != "auto" {
			t.Fatalf("after the batch: %s = %v, plan_cache_mode = %s", UserSetting, setting, planMode)
		}
	})

	t.Run("TransactionKeepsTheSettingForEveryStatement", func(t *testing.T) {
		// TaskCreate with a key runs five statements in one transaction; the setting rides on
		// the first. A repeat replays through the transaction's reads.
		first, replayed, err := s.TaskCreate(ctx, a, fields, "tx-key", []byte("tx"))
		if err != nil || replayed {
			t.Fatalf("create: replayed=%v, %v", replayed, err)
		}
		again, replayed, err := s.TaskCreate(ctx, a, fields, "tx-key", []byte("tx"))
		if err != nil || !replayed || again.ID != first.ID {
			t.Fatalf("replay: %s, replayed=%v, %v", render(again), replayed, err)
		}
	})
}

// TestRLSMigrationUsesTheStoresSetting: the policies compare user_id with the very setting the
// store sets.
func TestRLSMigrationUsesTheStoresSetting(t *testing.T) {
	t.Parallel()
	sql, err := os.ReadFile(filepath.Join("..", "..", "db", "migrations", "0005_row_level_security.sql"))
	if err != nil {
		t.Fatal(err)
	}
	uses := regexp.MustCompile(`current_setting\('([^']+)', true\)`).FindAllStringSubmatch(string(sql), -1)
	if len(uses) != 6 {
		t.Fatalf("found %d current_setting(…, true) calls in the migration, want 6 (USING and WITH CHECK of three policies)", len(uses))
	}
	for _, u := range uses {
		if u[1] != UserSetting {
			t.Errorf("the migration reads %q, the store sets %q", u[1], UserSetting)
		}
	}
}

// TestTaskListPlansUnderRowLevelSecurity EXPLAINs the listing statements as a role the
// policies bind, with the setting in place, on the 10,000-row table of
// TestTaskListPlansUseIndexes: no plan may scan tasks sequentially or sort a heavy user's
// unfiltered page.
//
// Row-level security evaluates a statement's own conditions after the policy's unless they are
// leakproof, and only leakproof conditions can become index conditions. Every order's keyset
// seek compares stored columns with leakproof operators (timestamptz, text, smallint, uuid:
// the sort-key columns of db/migrations/0008_sort_keys.sql), so this test requires it as an
// index condition on every next page; TestTaskListSeeksUnderRowLevelSecurity also counts the
// rows a deep page reads.
func TestTaskListPlansUnderRowLevelSecurity(t *testing.T) {
	t.Parallel()
	log := &queryLog{}
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	seedPlanTable(t, admin)
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	s := New(app, Options{})
	const user = "heavy"
	filters := map[string]func(*ListParams){
		"NoFilter": func(*ListParams) {},
		"Search":   func(p *ListParams) { p.Q = ptr("ab") },
		"Tag":      func(p *ListParams) { p.Tags = []string{"urgent"} },
		"Combined": func(p *ListParams) {
			p.Completed, p.Priority, p.Tags, p.DueBefore = ptr(false), ptr(PriorityMedium), []string{"work", "home"}, day(2026, 3, 1)
		},
	}
	for _, k := range orders() {
		for fname, set := range filters {
			for _, page := range []string{"FirstPage", "NextPage"} {
				name := orderName(k) + "/" + fname + "/" + page
				p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 20}
				set(&p)
				if page == "NextPage" {
					_, next, err := s.TaskList(t.Context(), user, p)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if next == nil {
						continue
					}
					p.After = next
				}
				log.take()
				if _, _, err := s.TaskList(t.Context(), user, p); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				ran := log.take()
				if len(ran) != 1 {
					t.Fatalf("%s: the store ran %d statements, want 1", name, len(ran))
				}
				tx, err := app.Begin(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tx.Exec(t.Context(), setUserSQL, user); err != nil {
					t.Fatal(err)
				}
				plan := explain(t, tx, ran[0].sql, ran[0].args...)
				_ = tx.Rollback(t.Context())
				if plan.has("Seq Scan") {
					t.Errorf("%s scans tasks sequentially:\n%s", name, plan)
				}
				if fname != "NoFilter" {
					continue
				}
				// The caller's own tasks in order (db/listgen's branch "own").
				if plan.sortsAbove("own") || !plan.has("Index Scan") {
					t.Errorf("%s does not read its index in order:\n%s", name, plan)
				}
				if page == "NextPage" {
					seeks := plan.hasIndexCond("ROW(")
					t.Logf("%-28s keyset position as index condition: %v", name, seeks)
					if !seeks {
						t.Errorf("%s: the position is not an index condition under row-level security:\n%s", name, plan)
					}
				}
			}
		}
	}
}

// searchTable is a user table whose row-level security is not forced: its owner reads it
// through a trigram index (see 0009_quotas_search.sql and
// TestTaskSearchUsesTheTrigramIndexUnderRowLevelSecurity).
const searchTable = "task_search"

// unforcedTables have row-level security enabled but not forced, because SECURITY DEFINER
// functions running as their owner must read them whoever calls: task_search (searchTable),
// of 0015_sharing.sql the membership mirror the policies consult (list_access) and the
// invites a token's bearer looks up and accepts before being a member (invites), and the
// event hubs' leases of live owners (live_owners, 0022_live_owners.sql).
var unforcedTables = []string{searchTable, "list_access", "invites", "live_owners"}

// TestEveryUserTableHasRowLevelSecurity: every table with a user column — owner_id (lists
// and what belongs to a list: keyed by the list's owner) or else user_id — has row-level
// security enabled and forced, and a policy that compares that column with the store's
// setting — so a new table of per-user rows cannot ship without it. unforcedTables have it
// enabled, not forced.
func TestEveryUserTableHasRowLevelSecurity(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	rows, err := pool.Query(t.Context(), `
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		       coalesce((SELECT bool_and(p.qual ~ ('(^|[^a-z_])' || u.col || ' = current_setting\(''`+UserSetting+`''::text, true\)')
		                              AND p.with_check ~ ('(^|[^a-z_])' || u.col || ' = current_setting\(''`+UserSetting+`''::text, true\)'))
		                 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname), false)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
		     LATERAL (SELECT a.attname::text AS col FROM pg_attribute a
		              WHERE a.attrelid = c.oid AND a.attname IN ('owner_id', 'user_id') AND NOT a.attisdropped
		              ORDER BY a.attname = 'owner_id' DESC LIMIT 1) u
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		var enabled, forced, policy bool
		if err := rows.Scan(&name, &enabled, &forced, &policy); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
		if slices.Contains(unforcedTables, name) {
			forced = !forced
		}
		if !enabled || !forced || !policy {
			t.Errorf("table %s has user rows but row-level security enabled=%v forced=%v, policy on %s=%v",
				name, enabled, forced, UserSetting, policy)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(tables, "tasks") || !slices.Contains(tables, "idempotency_keys") ||
		!slices.Contains(tables, "lists") || !slices.Contains(tables, "list_members") {
		t.Fatalf("found the user tables %v; the query is missing some", tables)
	}
	t.Logf("user tables: %v", tables)
}

// settingLog counts the statements, batched or not, that set app.user_id.
type settingLog struct{ n atomic.Int32 }

func (l *settingLog) count(sql string) {
	if strings.Contains(sql, "set_config('"+UserSetting+"'") {
		l.n.Add(1)
	}
}

func (l *settingLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	l.count(data.SQL)
	return ctx
}

func (l *settingLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (l *settingLog) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (l *settingLog) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	l.count(data.SQL)
}

func (l *settingLog) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestDetectRowSecurity: a role row-level security binds keeps getting app.user_id with its
// statements; a role it does not bind (the tests' BYPASSRLS role) stops getting it, and both
// still read and write the caller's tasks.
func TestDetectRowSecurity(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	for _, tc := range []struct {
		name   string
		url    string
		active bool
	}{
		{"BoundRole", appRoleURL(t, dbURL), true},
		{"BypassingRole", dbURL, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &settingLog{}
			s := New(newPool(t, tc.url, func(c *pgxpool.Config) { c.ConnConfig.Tracer = log }), Options{})
			active, err := s.DetectRowSecurity(t.Context())
			if err != nil || active != tc.active {
				t.Fatalf("DetectRowSecurity = %v, %v; want %v", active, err, tc.active)
			}
			user := "detect-" + tc.name
			task := create(t, s, user, TaskFields{Title: "mine"})
			if got, err := s.TaskGet(t.Context(), user, task.ID); err != nil || got.ID != task.ID {
				t.Fatalf("read back: %+v, %v", got, err)
			}
			if n := log.n.Load(); (n > 0) != tc.active {
				t.Fatalf("%d statements set %s; want some: %v", n, UserSetting, tc.active)
			}
		})
	}
}
