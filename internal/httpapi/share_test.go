package httpapi_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/store"
)

const typeTooBusy = "urn:todo-api:problem:too-busy"

// TestOneUserCannotTakeThePool: user A's requests hold at most her share of the connection
// pool. Her writes are made to hang (another session holds her clock row); more of them than
// the pool has connections are in flight. User B's request still gets a connection and its
// answer, and A's requests beyond her share are refused with 429 too-busy and Retry-After
// instead of queueing for the pool — never 503, which says the database is down.
func TestOneUserCannotTakeThePool(t *testing.T) {
	t.Parallel()
	// The service's own bound on waiting for a connection, which turns A's requests away.
	f := setup(t, apitest.Options{StoreOptions: store.Options{AcquireTimeout: 2 * time.Second}})
	poolSize := int(f.Pool.Config().MaxConns)
	f.createA(t, map[string]any{"title": "gives A her clock row"})

	// A session of its own (not the service's pool) holds A's clock row until released.
	ctx := t.Context()
	admin, err := pgx.Connect(ctx, f.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	lock, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(ctx, `SELECT 1 FROM user_clocks WHERE user_id = $1 FOR UPDATE`, userA); err != nil {
		t.Fatal(err)
	}
	released := false
	release := func() {
		if !released {
			released = true
			_ = lock.Rollback(context.Background())
		}
	}
	defer release()
	watch, err := pgx.Connect(ctx, f.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close(context.Background())

	n := 2 * poolSize
	results := make([]*apitest.Response, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	answered := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "blocked"}})
			mu.Lock()
			results[i] = r
			answered++
			mu.Unlock()
		}()
	}

	// Wait until A holds whatever she can: every pool connection waits on her clock row, or
	// the service has already turned some of her requests away.
	deadline := time.Now().Add(time.Minute)
	for {
		var waiting int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%user_clocks%'
			  AND pid <> pg_backend_pid()`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		done := answered
		mu.Unlock()
		if waiting >= poolSize || done > 0 {
			t.Logf("A: %d statements wait on her clock row, %d of her %d requests answered (pool of %d)", waiting, done, n, poolSize)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("A's requests never filled her share: %d waiting, %d answered", waiting, done)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// B is served while A's work hangs.
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats", Token: f.tokB})
	if r.Status != http.StatusOK {
		t.Errorf("B's stats while A holds her share: status %d, want 200; body %s", r.Status, r.Body)
	}

	release()
	wg.Wait()
	created, busy := 0, 0
	for _, r := range results {
		switch r.Status {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
			busy++
			p := wantProblem(t, r, http.StatusTooManyRequests)
			if p.Type != typeTooBusy || r.Header.Get("Retry-After") == "" {
				t.Errorf("429 of type %q with Retry-After %q, want %q and a Retry-After", p.Type, r.Header.Get("Retry-After"), typeTooBusy)
			}
		default:
			t.Errorf("A's request: status %d, want 201 or 429; body %s", r.Status, r.Body)
		}
	}
	if busy == 0 {
		t.Errorf("none of A's %d concurrent requests was turned away (pool of %d)", n, poolSize)
	}
	if got := liveTasks(t, f.Pool, userA); got != created+1 {
		t.Errorf("%d live tasks for A, want %d: the 201s plus the first", got, created+1)
	}
}
