package store

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// seekUser has seekRows tasks; other users have tasks too, so the index holds more than one
// user's rows.
const (
	seekUser = "deep"
	seekRows = 10_000
)

// seekNode is the part of EXPLAIN (ANALYZE, FORMAT JSON) output TestTaskListSeeksUnderRowLevelSecurity
// reads.
type seekNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	Alias        string     `json:"Alias"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	Filter       string     `json:"Filter"`
	Removed      float64    `json:"Rows Removed by Filter"`
	Loops        float64    `json:"Actual Loops"`
	Rows         float64    `json:"Actual Rows"`
	Plans        []seekNode `json:"Plans"`
}

// walk calls fn for n and every node below it.
func (n seekNode) walk(fn func(seekNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

// seedSeekTable gives seekUser seekRows tasks — every priority, mixed-case titles with
// duplicates, due dates with and without times and none — and 40 other users 100 each, then
// ANALYZEs. pool's role must bypass row-level security (the tests' own role does).
func seedSeekTable(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, priority, due_date, due_time, created_at, updated_at, position)
		SELECT CASE WHEN g <= $1 THEN $2 ELSE 'other-' || (g % 40) END,
		       gen_random_uuid(),
		       CASE WHEN g % 2 = 0 THEN upper(substr(md5(g::text), 1, 3)) ELSE substr(md5(g::text), 1, 3) END || ' task',
		       (ARRAY['low', 'medium', 'high'])[1 + g % 3]::task_priority,
		       CASE WHEN g % 5 = 0 THEN NULL ELSE date '2026-01-01' + (g % 200) END,
		       CASE WHEN g % 5 <> 0 AND g % 2 = 0 THEN time '08:00' + (g % 40) * interval '15 minutes' END,
		       now() - g * interval '1 minute',
		       now() - ((g * 37) % 10000) * interval '1 minute',
		       'a0' || md5(g::text) || '1'
		FROM generate_series(1, $1 + 4000) g`, seekRows, seekUser)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := pool.Exec(t.Context(), "ANALYZE tasks"); err != nil {
		t.Fatal(err)
	}
}

// TestTaskListSeeksUnderRowLevelSecurity: every listing statement db/listgen generates, run
// as a role the policies bind with a cursor halfway down a 10,000-task list, seeks to its
// position through its index. Row-level security evaluates a statement's own conditions after
// the policy's unless every function they apply to a column is leakproof, and only then can
// they become index conditions; a keyset comparison that is not one is a filter over every
// row of the user before the position, so a deep page costs time in proportion to its depth.
// The test requires the keyset row comparison in the index scan's Index Cond, not in its
// Filter, no sequential scan of tasks, and (EXPLAIN ANALYZE) about a page of rows read.
func TestTaskListSeeksUnderRowLevelSecurity(t *testing.T) {
	t.Parallel()
	log := &queryLog{}
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	seedSeekTable(t, admin)
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	if super, bypass := roleFlags(t, app); super || bypass {
		t.Fatalf("the application role has rolsuper=%v rolbypassrls=%v: row-level security would not bind it", super, bypass)
	}
	// Each family reads a first half of seekRows/2 tasks to get its position: generous bounds,
	// for a loaded machine under -race.
	s := New(app, Options{StatementTimeout: 30 * time.Second, AcquireTimeout: 30 * time.Second})
	inbox := func(owner string) uuid.UUID {
		var id uuid.UUID
		if err := admin.QueryRow(t.Context(), "SELECT id FROM lists WHERE owner_id = $1 AND inbox", owner).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	join := func(owner string, list uuid.UUID, member string) {
		if _, err := admin.Exec(t.Context(), "INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'viewer', 'b1')", owner, list, member); err != nil {
			t.Fatal(err)
		}
	}
	// The families of db/listgen, in the order run: seekUser's own tasks; seekUser's list as
	// a member lists it (the owner's index seeks); then, once seekUser is a member of another
	// owner's list too, all of seekUser's lists, whose own tasks' branch seeks as before.
	seekList, seekMember := inbox(seekUser), seekUser+"-member"
	join(seekUser, seekList, seekMember)
	families := []struct {
		prefix, caller, alias string
		list                  *uuid.UUID
		before                func()
	}{
		{"TaskList", seekUser, "own", nil, func() {}},
		{"TaskListShared", seekMember, "one", &seekList, func() {}},
		{"TaskListMember", seekUser, "own", nil, func() { join("other-1", inbox("other-1"), seekUser) }},
	}

	for _, f := range families {
		f.before()
		var names []string
		for name := range generatedQueries(t) {
			rest, ok := strings.CutPrefix(name, f.prefix)
			// TaskListKey… reads one row by its primary key, no keyset (TestTaskListPlansUseIndexes).
			if ok && !strings.HasPrefix(name, "TaskListKey") && (f.prefix != "TaskList" || !strings.HasPrefix(rest, "Shared") && !strings.HasPrefix(rest, "Member")) {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		if len(names) == 0 {
			t.Fatalf("no generated %s… statements found", f.prefix)
		}
		seekFamily(t, s, app, log, f.caller, f.alias, f.list, f.prefix, names)
	}
}

// seekFamily checks the statements names of one family (prefix) as caller lists list.
func seekFamily(t *testing.T, s *Store, app *pgxpool.Pool, log *queryLog, caller, alias string, list *uuid.UUID, prefix string, names []string) {
	t.Helper()
	byName := map[string]orderKey{}
	for _, k := range orders() {
		byName[prefix+orderName(k)] = k
	}
	const pageSize = 20
	for _, name := range names {
		k, ok := byName[name]
		if !ok {
			t.Errorf("%s: no store order runs it (see TestListQueriesCoverEveryGeneratedListing)", name)
			continue
		}
		// The position halfway down, as the store hands it out.
		_, mid, err := s.TaskList(t.Context(), caller, ListParams{Sort: k.sort, Desc: k.desc, Limit: seekRows / 2, ListID: list})
		if err != nil || mid == nil {
			t.Fatalf("%s: first half: %v, next %v", name, err, mid)
		}
		log.take()
		page, _, err := s.TaskList(t.Context(), caller, ListParams{Sort: k.sort, Desc: k.desc, Limit: pageSize, After: mid, ListID: list})
		if err != nil || len(page) != pageSize {
			t.Fatalf("%s: page after %+v: %d tasks, %v", name, *mid, len(page), err)
		}
		ran := log.take()
		if prefix == "TaskList" && len(ran) != 1 {
			t.Fatalf("%s: the store ran %d statements, want 1", name, len(ran))
		}
		ran = ran[len(ran)-1:]
		if m := queryName.FindStringSubmatch(ran[0].sql); m == nil || m[1] != name {
			t.Fatalf("%s: the store ran %.60q last", name, ran[0].sql)
		}

		// EXPLAIN the very statement and arguments, as the application role, with the
		// setting in the same transaction.
		tx, err := app.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), setUserSQL, caller); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		err = tx.QueryRow(t.Context(), "EXPLAIN (ANALYZE, FORMAT JSON) "+ran[0].sql, ran[0].args...).Scan(&raw)
		_ = tx.Rollback(t.Context())
		if err != nil {
			t.Fatalf("%s: explain: %v", name, err)
		}
		var out []struct {
			Plan seekNode `json:"Plan"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
			t.Fatalf("%s: decode plan: %v\n%s", name, err, raw)
		}

		var scans []seekNode
		out[0].Plan.walk(func(n seekNode) {
			if n.RelationName != "tasks" {
				return
			}
			if n.NodeType == "Seq Scan" && n.Loops > 0 { // (a branch for another list_id never runs)
				t.Errorf("%s scans tasks sequentially:\n%s", name, raw)
			}
			// The branch of the seekRows tasks (db/listgen's alias): the caller's own
			// tasks, or the shared list's.
			if strings.Contains(n.NodeType, "Index") && n.Alias == alias {
				scans = append(scans, n)
			}
		})
		if len(scans) != 1 {
			t.Errorf("%s: %d index scans of %s, want 1:\n%s", name, len(scans), alias, raw)
			continue
		}
		scan := scans[0]
		t.Logf("%-22s %-20s rows removed by filter %5.0f  index cond %s", name, scan.IndexName, scan.Removed, scan.IndexCond)
		if !strings.Contains(scan.IndexCond, "ROW(") {
			t.Errorf("%s: the keyset comparison is not an index condition under row-level security\n  index cond: %s\n  filter: %s\n  rows removed by filter: %.0f",
				name, scan.IndexCond, scan.Filter, scan.Removed)
		}
		// Halfway down, seekRows/2 rows precede the position: a seek reads about a page.
		if scan.Removed > pageSize {
			t.Errorf("%s: %.0f rows removed by the filter for a page of %d", name, scan.Removed, pageSize)
		}
	}
}

// TestSortKeyColumnsKeepTheOrder: the generated sort-key columns of 0008_sort_keys.sql order
// the rows exactly as the expressions the listings sorted by before them, ties (broken by id)
// included — also for the edge cases: no due date, a date without a time (24:00, equal to the
// next day at 00:00), one with a time.
func TestSortKeyColumnsKeepTheOrder(t *testing.T) {
	t.Parallel()
	pool := newPool(t, dbtest.NewURL(t), nil)
	seedSeekTable(t, pool)
	if _, err := pool.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, priority, due_date, due_time, position)
		VALUES ($1, gen_random_uuid(), 'Edge', 'high', date '2026-03-01', NULL, 'z1'),
		       ($1, gen_random_uuid(), 'edge', 'low', date '2026-03-02', time '00:00', 'z2'),
		       ($1, gen_random_uuid(), 'EDGE', 'medium', date '2026-03-01', time '23:59', 'z3')`, seekUser); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ column, expr string }{
		{"title_key", "lower(title)"},
		{"priority_rank", "priority"},
		{"due_key_asc", "coalesce(due_date + coalesce(due_time, time '24:00'), 'infinity'::timestamp)"},
		{"due_key_desc", "coalesce(due_date + coalesce(due_time, time '24:00'), '-infinity'::timestamp)"},
	} {
		var differ, rows int
		err := pool.QueryRow(t.Context(), `
			SELECT count(*) FILTER (WHERE a <> b), count(*)
			FROM (SELECT row_number() OVER (PARTITION BY user_id ORDER BY `+c.column+`, id) AS a,
			             row_number() OVER (PARTITION BY user_id ORDER BY `+c.expr+`, id) AS b
			      FROM tasks) r`).Scan(&differ, &rows)
		if err != nil {
			t.Fatalf("%s: %v", c.column, err)
		}
		if differ != 0 || rows < seekRows {
			t.Errorf("ordered by %s, %d of %d rows are not where %s puts them", c.column, differ, rows, c.expr)
		}
	}
}
