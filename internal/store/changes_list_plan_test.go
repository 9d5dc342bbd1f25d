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
// with 10 lists × 500 tasks and 2,000 older departures, after a few writes to it, reads about
// what changed — through the owner's (updated_at, id) order — not the list's 500 tasks nor
// the owner's 5,000; so does the owner's own feed (GET /api/tasks/changes, with its
// departures to other owners). Each statement of a feed is explained as it ran, as the user
// who syncs. (Without tasks_user_updated they read 499 and 5,000 rows. The departures are
// read through task_departures_feed, the sync point an index condition: its entries before
// the point are skipped inside the index, which these row counts do not show.)
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
	_, err = admin.Exec(t.Context(), `
		INSERT INTO task_departures (owner_id, list_id, task_id, departed_at)
		SELECT $1, ($2::uuid[])[1 + g % $3::int], gen_random_uuid(), now() - interval '1 day' + g * interval '1 ms'
		FROM generate_series(1, 2000) g`, owner, ids, lists)
	if err != nil {
		t.Fatalf("seed departures: %v", err)
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
	explainFeed(t, app, member, log.take(), maxRows)
	log.take() // the explains
	changes, next, err = s.TaskChanges(t.Context(), owner, ChangesParams{Limit: 50, UpdatedAfter: &since})
	if err != nil || next != nil || len(changes) != 3 {
		t.Fatalf("the owner's incremental sync: %d changes, next %v, %v; want the 3 writes", len(changes), next, err)
	}
	explainFeed(t, app, owner, log.take(), maxRows)
}

// explainFeed explains, as user, each statement of ran that reads tasks or departures, and
// fails when a scan of it reads more than maxRows rows.
func explainFeed(t *testing.T, app *pgxpool.Pool, user string, ran []loggedQuery, maxRows float64) {
	t.Helper()
	explained := 0
	for _, q := range ran {
		if !strings.Contains(q.sql, "FROM tasks") && !strings.Contains(q.sql, "JOIN tasks") && !strings.Contains(q.sql, "task_departures") {
			continue // the membership and the clock: primary-key lookups
		}
		explained++
		tx, err := app.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), setUserAndPlanSQL, user); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		err = tx.QueryRow(t.Context(), "EXPLAIN (ANALYZE, FORMAT JSON) "+q.sql, q.args...).Scan(&raw)
		_ = tx.Rollback(t.Context())
		if err != nil {
			t.Fatalf("explain: %v\n%s", err, q.sql)
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
				t.Errorf("%s on %s (%s %s, filter %s) read %v rows for an incremental sync of 3 changes, want at most %v\n%s",
					n.NodeType, n.RelationName, n.IndexName, n.IndexCond, n.Filter, read, maxRows, q.sql)
			}
		})
	}
	if explained != 2 {
		t.Errorf("explained %d statements of the feed, want 2 (its tasks, its departures)", explained)
	}
}
