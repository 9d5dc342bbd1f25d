package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/migrate"
)

// searchUser has searchRows tasks with long descriptions; other users have tasks too.
const (
	searchUser = "searcher"
	searchRows = 4000
)

// ownedDatabase creates a database owned by a new ordinary role (no superuser, no BYPASSRLS)
// and migrates it as that role — as `todo-api serve` does where the service's role owns its
// tables (Neon's default, make bench) — unlike dbtest's databases, whose owner bypasses
// row-level security. It returns the owner's URL and the administrator's URL of the
// database; both go at cleanup.
func ownedDatabase(t *testing.T) (ownerURL, adminDBURL string) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "own_" + hex.EncodeToString(b[:])
	ident := pgx.Identifier{name}.Sanitize()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, stmt := range []string{
		"CREATE ROLE " + ident + " LOGIN PASSWORD '" + name + "' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
		"CREATE DATABASE " + ident + " OWNER " + ident,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, dbtest.ServerURL())
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		for _, stmt := range []string{"DROP DATABASE " + ident + " WITH (FORCE)", "DROP ROLE " + ident} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Errorf("%s: %v", stmt, err)
			}
		}
	})
	u, err := url.Parse(dbtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	adminDBURL = u.String()
	u.User = url.UserPassword(name, name)
	ownerURL = u.String()
	mctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := migrate.Up(mctx, ownerURL, nil); err != nil {
		t.Fatalf("migrate as the owner: %v", err)
	}
	return ownerURL, adminDBURL
}

// seedSearchTable gives searchUser searchRows tasks whose descriptions are about 1000
// characters of words from a vocabulary of 5000 (titles "task N"), one task mentioning
// "zebrafish", and 30 other users 100 tasks each; then ANALYZEs. pool's role must bypass
// row-level security.
func seedSearchTable(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(t.Context(), `
		WITH vocab AS (
			SELECT array_agg(translate(substr(md5(i::text), 1, 3 + i % 7), '0123456789', 'ghijklmnop')) AS w
			FROM generate_series(1, 5000) i
		)
		INSERT INTO tasks (user_id, id, title, description, position)
		SELECT CASE WHEN g <= $1 THEN $2 ELSE 'other-' || (g % 30) END,
		       gen_random_uuid(),
		       'task ' || g,
		       left((SELECT string_agg(w[1 + (g * 7919 + k * 104729) % 5000], ' ') FROM generate_series(1, 180) k), 1000)
		           || CASE WHEN g = 17 THEN ' zebrafish' ELSE '' END,
		       'a0' || lpad(g::text, 8, '0')
		FROM generate_series(1, $1 + 3000) g, vocab`, searchRows, searchUser)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := pool.Exec(t.Context(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
}

// planBuffers is the part of EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) the search test reads.
type planBuffers struct {
	NodeType     string        `json:"Node Type"`
	RelationName string        `json:"Relation Name"`
	IndexName    string        `json:"Index Name"`
	Removed      float64       `json:"Rows Removed by Filter"`
	RecheckLost  float64       `json:"Rows Removed by Index Recheck"`
	SharedHit    int           `json:"Shared Hit Blocks"`
	SharedRead   int           `json:"Shared Read Blocks"`
	Loops        float64       `json:"Actual Loops"`
	Plans        []planBuffers `json:"Plans"`
}

func (n planBuffers) walk(fn func(planBuffers)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

// explainBuffers runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of sql in tx.
func explainBuffers(t *testing.T, tx pgx.Tx, sql string, args ...any) (planBuffers, string) {
	t.Helper()
	var raw []byte
	if err := tx.QueryRow(t.Context(), "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args...).Scan(&raw); err != nil {
		t.Fatalf("explain: %v\n%s", err, sql)
	}
	var out []struct {
		Plan planBuffers `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
		t.Fatalf("decode plan: %v\n%s", err, raw)
	}
	return out[0].Plan, string(raw)
}

// TestTaskSearchUsesTheTrigramIndexUnderRowLevelSecurity: a listing with q (three or more
// characters) finds its tasks through the trigram index, as a role that row-level security
// binds — both where the service's role owns the tables and where it is another role with
// grants. Under the policies PostgreSQL makes a condition an index condition only when its
// operator is leakproof, and LIKE and pg_trgm's operators are not, so a trigram index on tasks
// itself would be ignored (a filter over every one of the user's rows). The search therefore
// reads task_search through task_search_ids, which runs as the tables' owner (task_search does
// not force row-level security on its owner) and applies the caller's user id itself.
//
// The check is the work done: EXPLAIN (ANALYZE, BUFFERS) of each statement the store ran,
// executed as the service's role with app.user_id set, must touch a few dozen pages where a
// scan of the user's searchRows long descriptions touches thousands; and the search function's
// own query, planned as its owner, must be a bitmap scan of the trigram index.
func TestTaskSearchUsesTheTrigramIndexUnderRowLevelSecurity(t *testing.T) {
	t.Parallel()
	ownerURL, adminDB := ownedDatabase(t)
	seedSearchTable(t, newPool(t, adminDB, nil))
	appURL := appRoleURL(t, ownerURL)

	for _, role := range []struct{ name, url string }{{"OwnerRole", ownerURL}, {"GrantedRole", appURL}} {
		t.Run(role.name, func(t *testing.T) {
			log := &queryLog{}
			app := newPool(t, role.url, func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
			if super, bypass := roleFlags(t, app); super || bypass {
				t.Fatalf("role has rolsuper=%v rolbypassrls=%v: row-level security would not bind it", super, bypass)
			}
			s := New(app, Options{})
			for _, q := range []string{"nomatch", "zebrafish", "ZebraFish", "task 3999"} {
				log.take()
				page, _, err := s.TaskList(t.Context(), searchUser, ListParams{Sort: SortCreated, Desc: true, Limit: 50, Q: ptr(q)})
				if err != nil {
					t.Fatalf("q=%q: %v", q, err)
				}
				ran := log.take()
				if !slices.ContainsFunc(ran, func(r loggedQuery) bool { return strings.Contains(r.sql, "task_search_ids") }) {
					t.Errorf("q=%q: the store ran no search through task_search_ids (%d statements: %q)", q, len(ran), names(ran))
				}
				// The work of every statement the store ran, as the service's role with
				// app.user_id set — run twice, counting the second: a session's first call also
				// loads catalogs, the same for any number of tasks.
				blocks := 0
				for _, r := range ran {
					blocks += explainWarm(t, app, q, r.sql, r.args...)
				}
				// What filtering the user's rows reads (the listing without the index).
				scan := explainWarm(t, app, q, `SELECT id FROM tasks WHERE user_id = $1 AND deleted_at IS NULL
					AND (strpos(lower(title), lower($2)) > 0 OR strpos(lower(description), lower($2)) > 0)
					ORDER BY created_at DESC, id DESC LIMIT 51`, searchUser, q)
				t.Logf("q=%-11q %d tasks: %d statements read %d buffers; a scan of the user's tasks reads %d", q, len(page), len(ran), blocks, scan)
				if 3*blocks > scan {
					t.Errorf("q=%q: %d buffers read for %d tasks, a scan reads %d — the trigram index did not serve the search", q, blocks, len(page), scan)
				}
			}
		})
	}

	t.Run("OnlyTheCallersTasks", func(t *testing.T) {
		// The service's role may not read task_search itself, and task_search_ids answers only
		// for the user in app.user_id (a role row-level security binds gets nothing without it).
		app := newPool(t, appURL, nil)
		inTx(t, app, func(tx pgx.Tx) {
			_, err := tx.Exec(t.Context(), "SELECT 1 FROM task_search LIMIT 1")
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
				t.Errorf("the service's role reads task_search directly: %v, want insufficient_privilege", err)
			}
		})
		for _, c := range []struct {
			setting, user string
			found         bool
		}{
			{searchUser, searchUser, true},
			{searchUser, "other-1", false},
			{"other-1", "other-1", true},
			{"", "other-1", false},
		} {
			inTx(t, app, func(tx pgx.Tx) {
				if c.setting != "" {
					if _, err := tx.Exec(t.Context(), setUserSQL, c.setting); err != nil {
						t.Fatal(err)
					}
				}
				var ids []uuid.UUID
				if err := tx.QueryRow(t.Context(), "SELECT task_search_ids($1, 'task', 10)", c.user).Scan(&ids); err != nil {
					t.Fatal(err)
				}
				if (len(ids) > 0) != c.found {
					t.Errorf("app.user_id %q searching %q's tasks: %d ids", c.setting, c.user, len(ids))
				}
			})
		}
	})

	t.Run("FunctionPlanAsOwner", func(t *testing.T) {
		owner := newPool(t, ownerURL, nil)
		var definer bool
		if err := owner.QueryRow(t.Context(), `SELECT prosecdef FROM pg_proc WHERE proname = 'task_search_ids'`).Scan(&definer); err != nil {
			t.Fatalf("task_search_ids: %v", err)
		}
		if !definer {
			t.Error("task_search_ids is not SECURITY DEFINER: it would run under the caller's row-level security")
		}
		var forced bool
		if err := owner.QueryRow(t.Context(), `SELECT relforcerowsecurity FROM pg_class WHERE oid = 'task_search'::regclass`).Scan(&forced); err != nil || forced {
			t.Errorf("task_search forces row-level security on its owner (%v): the function's scan would be filtered, not indexed", err)
		}
		// The plan the function's own query runs with, from auto_explain (which takes a
		// superuser to load), as the service's owner role would call it.
		var notices []string
		var mu sync.Mutex
		admin := newPool(t, adminDB, func(c *pgxpool.Config) {
			c.MaxConns = 1
			c.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
				mu.Lock()
				defer mu.Unlock()
				notices = append(notices, n.Message)
			}
		})
		ownerName, _ := url.Parse(ownerURL)
		for _, q := range []string{"nomatch", "zebrafish", "task 17", "task"} {
			inTx(t, admin, func(tx pgx.Tx) {
				for _, stmt := range []string{
					"LOAD 'auto_explain'",
					"SET LOCAL auto_explain.log_min_duration = 0",
					"SET LOCAL auto_explain.log_nested_statements = on",
					"SET LOCAL auto_explain.log_analyze = on",
					"SET LOCAL auto_explain.log_buffers = on",
					"SET LOCAL auto_explain.log_format = json",
					"SET LOCAL auto_explain.log_level = notice",
					"SET LOCAL ROLE " + pgx.Identifier{ownerName.User.Username()}.Sanitize(),
				} {
					if _, err := tx.Exec(t.Context(), stmt); err != nil {
						t.Fatalf("%s: %v", stmt, err)
					}
				}
				if _, err := tx.Exec(t.Context(), setUserSQL, searchUser); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				notices = nil
				mu.Unlock()
				if _, err := tx.Exec(t.Context(), "SELECT task_search_ids($1, $2, 1001)", searchUser, q); err != nil {
					t.Fatal(err)
				}
			})
			mu.Lock()
			got := slices.Clone(notices)
			mu.Unlock()
			var plan *planBuffers
			var raw string
			for _, n := range got {
				_, js, ok := strings.Cut(n, "plan:\n")
				if !ok || !strings.Contains(js, "task_search s") {
					continue
				}
				var out struct {
					Plan planBuffers `json:"Plan"`
				}
				if err := json.Unmarshal([]byte(js), &out); err != nil {
					t.Fatalf("decode auto_explain output: %v\n%s", err, js)
				}
				plan, raw = &out.Plan, js
			}
			if plan == nil {
				t.Fatalf("q=%q: auto_explain logged no plan of the function's query: %q", q, got)
			}
			var trigram bool
			plan.walk(func(p planBuffers) {
				if p.NodeType == "Bitmap Index Scan" && p.IndexName == "task_search_trgm" {
					trigram = true
				}
				if (p.NodeType == "Seq Scan" || p.NodeType == "Index Scan") && p.RelationName == "task_search" {
					t.Errorf("q=%q: the function reads task_search with a %s:\n%s", q, p.NodeType, raw)
				}
			})
			t.Logf("q=%-10q the function's query as its owner: trigram index %v, %d buffers", q, trigram, plan.SharedHit+plan.SharedRead)
			if !trigram && q != "task" { // in every title: reading the user's rows may be as cheap
				t.Errorf("q=%q: the function's query does not use the trigram index:\n%s", q, raw)
			}
		}
	})
}

// explainWarm runs sql twice on pool as searchUser (app.user_id set) under EXPLAIN (ANALYZE,
// BUFFERS) and returns the buffers the second run touched, failing on a sequential scan of
// tasks or task_search.
func explainWarm(t *testing.T, pool *pgxpool.Pool, q, sql string, args ...any) int {
	t.Helper()
	var blocks int
	inTx(t, pool, func(tx pgx.Tx) {
		if _, err := tx.Exec(t.Context(), setUserSQL, searchUser); err != nil {
			t.Fatal(err)
		}
		explainBuffers(t, tx, sql, args...)
		plan, raw := explainBuffers(t, tx, sql, args...)
		blocks = plan.SharedHit + plan.SharedRead
		plan.walk(func(p planBuffers) {
			// (A listing's branch for another list_id is planned but never runs.)
			if p.NodeType == "Seq Scan" && p.Loops > 0 && (p.RelationName == "tasks" || p.RelationName == "task_search") {
				t.Errorf("q=%q: %s scans %s sequentially:\n%s", q, names([]loggedQuery{{sql: sql}}), p.RelationName, raw)
			}
		})
	})
	return blocks
}

// inTx runs fn in a transaction on pool, rolled back when fn returns (or fails the test), so
// that the connection goes back to the pool before the pool closes.
func inTx(t *testing.T, pool *pgxpool.Pool, fn func(tx pgx.Tx)) {
	t.Helper()
	tx, err := pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	fn(tx)
}

// names lists the sqlc query names of statements.
func names(qs []loggedQuery) []string {
	var out []string
	for _, q := range qs {
		if m := queryName.FindStringSubmatch(q.sql); m != nil {
			out = append(out, m[1])
		} else {
			out = append(out, q.sql)
		}
	}
	return slices.Compact(out)
}
