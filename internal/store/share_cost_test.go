package store

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestSharedListingCost: a page of a list shared with the caller costs PostgreSQL about what a
// page of an own list of the same size costs (issue 16: at most 1.5×). The member lists the
// owner's list and their own list of as many tasks; the very statements and arguments the
// store ran are run again under EXPLAIN (ANALYZE, BUFFERS), alternately, and compared by the
// pages they touch (the work, stable from run to run; the assertion) and by the database's
// planning and execution time (logged: the machine's load moves it). Both as the tests' role
// and as a role row-level security binds: a policy that checks the caller's membership once
// per row of the shared list (0015's app_list_role call, before 0021) reads list_access for
// every row, and this test sees those pages.
func TestSharedListingCost(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	pool := newPool(t, dbURL, nil)
	ctx := t.Context()
	const owner, member, size = "cost-owner", "cost-member", 2000
	shared, own := newList(t, pool, owner), newList(t, pool, member)
	for _, l := range []struct {
		user string
		list any
	}{{owner, shared}, {member, own}} {
		_, err := pool.Exec(ctx, `
			INSERT INTO tasks (user_id, id, title, position, list_id, created_at, updated_at)
			SELECT $1, gen_random_uuid(), 'task ' || i, 'a' || lpad(i::text, 6, '0'), $2,
			       now() - i * interval '1 minute', now() - i * interval '1 minute'
			FROM generate_series(1, $3) i`, l.user, l.list, size)
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'editor', 'b1')`, owner, shared, member); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	for _, role := range []struct {
		name string
		url  string
	}{{"BypassingRole", dbURL}, {"BoundRole", appRoleURL(t, dbURL)}} {
		t.Run(role.name, func(t *testing.T) {
			log := &queryLog{}
			pool := newPool(t, role.url, func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
			sharedListingCost(t, New(pool, Options{}), pool, log, member, shared, own, size)
		})
	}
}

// sharedListingCost compares pages of list shared and list own of member's, of size tasks
// each, through s (whose pool is pool, its statements logged by log).
func sharedListingCost(t *testing.T, s *Store, pool *pgxpool.Pool, log *queryLog, member string, shared, own uuid.UUID, size int) {
	ctx := t.Context()

	// cost is the median of runs of sql: pages touched, and planning plus execution time.
	cost := func(q loggedQuery, runs int) (int, time.Duration) {
		var pages []int
		var times []time.Duration
		for range runs {
			var raw []byte
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, setUserSQL, member); err != nil {
				t.Fatal(err)
			}
			err = tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+q.sql, q.args...).Scan(&raw)
			_ = tx.Rollback(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []struct {
				Plan     planBuffers `json:"Plan"`
				Planning struct {
					SharedHit  int `json:"Shared Hit Blocks"`
					SharedRead int `json:"Shared Read Blocks"`
				} `json:"Planning"`
				PlanningTime  float64 `json:"Planning Time"`
				ExecutionTime float64 `json:"Execution Time"`
			}
			if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
				t.Fatalf("decode plan: %v\n%s", err, raw)
			}
			o := out[0]
			pages = append(pages, o.Plan.SharedHit+o.Plan.SharedRead+o.Planning.SharedHit+o.Planning.SharedRead)
			times = append(times, time.Duration((o.PlanningTime+o.ExecutionTime)*float64(time.Millisecond)))
		}
		slices.Sort(pages)
		slices.Sort(times)
		return pages[len(pages)/2], times[len(times)/2]
	}
	statement := func(p ListParams) loggedQuery {
		log.take()
		if _, _, err := s.TaskList(ctx, member, p); err != nil {
			t.Fatal(err)
		}
		ran := log.take()
		return ran[len(ran)-1]
	}
	for _, k := range []orderKey{{SortPosition, false}, {SortCreated, true}, {SortTitle, false}} {
		for _, page := range []string{"FirstPage", "Middle"} {
			p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 50}
			name := orderName(k) + "/" + page
			var qs [2]loggedQuery
			for i, list := range []uuid.UUID{shared, own} {
				lp := p
				lp.ListID = &list
				if page == "Middle" {
					half := lp
					half.Limit = size / 2
					_, next, err := s.TaskList(ctx, member, half)
					if err != nil || next == nil {
						t.Fatalf("%s: %v %v", name, next, err)
					}
					lp.After = next
				}
				qs[i] = statement(lp)
			}
			cost(qs[0], 3) // warm
			cost(qs[1], 3)
			sharedPages, sharedTime := cost(qs[0], 21)
			ownPages, ownTime := cost(qs[1], 21)
			t.Logf("%-22s shared list: %4d pages %8v   own list: %4d pages %8v   ratio pages %.2f time %.2f",
				name, sharedPages, sharedTime, ownPages, ownTime, float64(sharedPages)/float64(ownPages), float64(sharedTime)/float64(ownTime))
			// The membership checks read a few pages once per statement (list_access, the
			// caller's list_members row): fixedPages; what grows with the page is held to 1.5×.
			const fixedPages = 6
			if float64(sharedPages) > 1.5*float64(ownPages) && sharedPages-ownPages > fixedPages {
				t.Errorf("%s: a page of the shared list touches %d pages, of an own list %d: more than 1.5× and %d pages more", name, sharedPages, ownPages, fixedPages)
			}
		}
	}
}
