package store

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestOneListInCreatedOrderReadsAPage: one list's page in the default order (created, either
// direction) — what a client showing one list asks first — is read in that order from
// tasks_user_list_created, about a page of rows, for a user with 10 lists × 500 tasks: no
// sort of the list's rows (through tasks_user_list_position) and no walk over the other
// lists' rows (through tasks_user_created), which is what it cost before that index (issue
// 14's speed check, docs/performance.md).
func TestOneListInCreatedOrderReadsAPage(t *testing.T) {
	t.Parallel()
	const (
		user     = "one-list"
		lists    = 10
		perList  = 500
		pageSize = 50
	)
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	ids := make([]uuid.UUID, lists)
	for i := range ids {
		ids[i] = newList(t, admin, user)
	}
	_, err := admin.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, priority, created_at, updated_at, position, list_id)
		SELECT $1, gen_random_uuid(), 'task ' || g, 'medium', now() - g * interval '1 minute', now(),
		       'a0' || md5(g::text), ($2::uuid[])[1 + g % $3::int]
		FROM generate_series(1, $3::int * $4::int) g`, user, ids, lists, perList)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := admin.Exec(t.Context(), "ANALYZE tasks"); err != nil {
		t.Fatal(err)
	}
	log := &queryLog{}
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	s := New(app, Options{})

	for _, desc := range []bool{true, false} {
		log.take()
		page, _, err := s.TaskList(t.Context(), user, ListParams{Sort: SortCreated, Desc: desc, Limit: pageSize, ListID: &ids[3]})
		if err != nil || len(page) != pageSize {
			t.Fatalf("desc=%v: %d tasks, %v", desc, len(page), err)
		}
		ran := log.take()
		listing := ran[len(ran)-1] // after the list's check
		tx, err := app.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), setUserAndPlanSQL, user); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		err = tx.QueryRow(t.Context(), "EXPLAIN (ANALYZE, FORMAT JSON) "+listing.sql, listing.args...).Scan(&raw)
		_ = tx.Rollback(t.Context())
		if err != nil {
			t.Fatalf("desc=%v: explain: %v", desc, err)
		}
		var out []struct {
			Plan seekNode `json:"Plan"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
			t.Fatalf("decode plan: %v\n%s", err, raw)
		}
		var scans []seekNode
		out[0].Plan.walk(func(n seekNode) {
			if n.Loops == 0 { // a scan in a branch of the listing for shared lists: never run
				return
			}
			if n.NodeType == "Sort" && n.Rows > 0 { // (those branches' sorts run, on no rows)
				t.Errorf("desc=%v: the page is sorted, not read in order:\n%s", desc, raw)
			}
			if n.RelationName == "tasks" {
				scans = append(scans, n)
			}
		})
		if len(scans) != 1 || scans[0].IndexName != "tasks_user_list_created" || scans[0].Removed > pageSize {
			t.Errorf("desc=%v: want one scan of tasks_user_list_created removing at most a page of rows; plan:\n%s", desc, raw)
		}
	}
}
