package store

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestListFeedIncrementalSyncReadsWhatChanged: an incremental sync of one list of an owner
// with 10 lists × 500 tasks, after a few writes to it, reads about what changed — through
// the owner's (updated_at, id) order or the list's — not the list's 500 tasks nor the owner's
// 5,000. Each statement of the feed (the list's tasks, its departures) is explained as it ran,
// as the member who syncs.
func TestListFeedIncrementalSyncReadsWhatChanged(t *testing.T) {
	t.Parallel()
	const (
		owner, member  = "feed-plan-owner", "feed-plan-member"
		lists, perList = 10, 500
		maxRows        = 60
	)
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	ids := make([]uuid.UUID, lists)
	for i := range ids {
		ids[i] = newList(t, admin, owner)
		if _, err := admin.Exec(t.Context(), `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'viewer', 'b0')`, owner, ids[i], member); err != nil {
			t.Fatal(err)
		}
	}
	_, err := admin.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, priority, created_at, updated_at, position, list_id)
		SELECT $1, gen_random_uuid(), 'task ' || g, 'medium', now() - interval '1 day', now() - interval '1 day' + g * interval '1 ms',
		       'a0' || md5(g::text), ($2::uuid[])[1 + g % $3::int]
		FROM generate_series(1, $3::int * $4::int) g`, owner, ids, lists, perList)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := admin.Exec(t.Context(), "ANALYZE tasks; ANALYZE task_departures; ANALYZE list_members"); err != nil {
		t.Fatal(err)
	}
	log := &queryLog{}
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	s := New(app, Options{})
	since := time.Now().Add(-time.Hour)
	for i, task := range listFeed(t, s, member, ids[3], ChangesParams{Limit: 200})[:3] {
		if i == 2 {
			_, err = s.TaskUpdate(t.Context(), owner, task.ID, TaskChanges{SetListID: true, Fields: TaskFields{ListID: &ids[4]}}, nil)
		} else {
			_, err = s.TaskUpdate(t.Context(), owner, task.ID, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "changed"}}, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	log.take()
	changes, next, err := s.ListFeed(t.Context(), member, ids[3], ChangesParams{Limit: 50, UpdatedAfter: &since})
	if err != nil || next != nil || len(changes) != 3 {
		t.Fatalf("incremental sync: %d changes, next %v, %v; want the 3 writes", len(changes), next, err)
	}
	for _, q := range log.take() {
		if !strings.Contains(q.sql, "list_members m") {
			continue // the membership and the clock: primary-key lookups
		}
		tx, err := app.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), setUserAndPlanSQL, member); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		err = tx.QueryRow(t.Context(), "EXPLAIN (ANALYZE, FORMAT JSON) "+q.sql, q.args...).Scan(&raw)
		_ = tx.Rollback(t.Context())
		if err != nil {
			t.Fatalf("explain: %v", err)
		}
		var out []struct {
			Plan seekNode `json:"Plan"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
			t.Fatalf("decode plan: %v\n%s", err, raw)
		}
		out[0].Plan.walk(func(n seekNode) {
			if n.RelationName == "" {
				return
			}
			read := (n.Rows + n.Removed) * max(n.Loops, 1)
			t.Logf("%s on %s (%s): %v rows read", n.NodeType, n.RelationName, n.IndexName, read)
			if read > maxRows {
				t.Errorf("%s on %s (%s %s, filter %s) read %v rows for an incremental sync of 3 changes, want at most %d\n%s",
					n.NodeType, n.RelationName, n.IndexName, n.IndexCond, n.Filter, read, maxRows, q.sql)
			}
		})
	}
}
