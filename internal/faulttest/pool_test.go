package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
)

// TestPoolExhaustion holds both of the pool's connections with statements blocked on row locks
// and piles 200 concurrent requests on top.
func TestPoolExhaustion(t *testing.T) {
	t.Parallel()
	const (
		maxConns       = 2
		acquireTimeout = time.Second
		concurrency    = 200
		pileUp         = 6 * time.Second
		// A request waits for a connection at most acquireTimeout, which its 503 (and the
		// median wait, below) shows; this ceiling only catches a wait that did not end there
		// (the rows stay locked until every request has been answered), not a busy machine
		// running 200 clients.
		latencyBound = acquireTimeout + 10*time.Second
		// Memory the service may grow by while the requests pile up (about 13 MiB are used).
		rssBound = 64 << 20
		// And while they keep piling up, it must level off: growth from the first half of
		// the pile-up to the second.
		rssPlateau = 16 << 20
	)
	db := startDatabase(t)
	iss := authtest.NewIssuer(t)
	// The plain build: the race detector's shadow memory would swamp what is measured.
	api := startAPI(t, plain, db, iss, map[string]string{
		"DB_MAX_CONNS": fmt.Sprint(maxConns),
		// One user holds the whole pool here, which her share would otherwise forbid (her
		// second request: 429, see httpapi's TestOneUserCannotTakeThePool).
		"DB_MAX_CONNS_PER_USER": fmt.Sprint(maxConns),
		"DB_ACQUIRE_TIMEOUT":    acquireTimeout.String(),
		"DB_STATEMENT_TIMEOUT":  "30s", // the blocked statements wait for the test, not for a timeout
	})
	ctx := t.Context()
	c := newClient(30 * time.Second)

	// Two tasks whose rows a transaction outside the service locks: a PATCH of each holds one
	// pool connection while it waits.
	holder := iss.Token(t, "holder")
	var ids []string
	for i := range maxConns {
		o := request(ctx, c, "create", http.MethodPost, api.URL()+"/api/tasks", holder, map[string]any{"title": fmt.Sprint("held ", i)}, nil)
		if o.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", o.Status, o.Body)
		}
		ids = append(ids, taskID(o.Body))
	}
	// Warm up the request path, so that the baseline includes what any request allocates.
	for range 20 {
		request(ctx, c, "list", http.MethodGet, api.URL()+"/api/tasks", holder, nil, nil)
	}
	baseGoroutines, err := api.goroutines(c)
	if err != nil {
		t.Fatal(err)
	}
	baseRSS := api.rss()

	lock, err := db.Admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(context.Background())
	if _, err := lock.Exec(ctx, "SELECT 1 FROM tasks WHERE id = ANY($1::uuid[]) FOR UPDATE", ids); err != nil {
		t.Fatal(err)
	}
	held := make(chan outcome, len(ids))
	for _, id := range ids {
		go func() {
			held <- request(context.WithoutCancel(ctx), c, "patch", http.MethodPatch, api.URL()+"/api/tasks/"+id, holder, map[string]any{"title": "released"}, nil)
		}()
	}
	db.waitLockWaiters(t, maxConns)

	// The pile-up: 200 clients, each sending its next request as soon as the last is answered.
	tokens := make([]string, 10)
	for i := range tokens {
		tokens[i] = iss.Token(t, fmt.Sprint("crowd-", i))
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		rssFirst atomic.Int64 // peak in the first half of the pile-up
		peakRSS  atomic.Int64
		peakG    atomic.Int64
	)
	mid, end := time.Now().Add(pileUp/2), time.Now().Add(pileUp)
	var wg sync.WaitGroup
	for i := range concurrency {
		wg.Go(func() {
			for time.Now().Before(end) {
				o := request(ctx, c, "list", http.MethodGet, api.URL()+"/api/tasks", tokens[i%len(tokens)], nil, nil)
				o.Body = nil
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
			}
		})
	}
	sampler := make(chan struct{})
	go func() {
		defer close(sampler)
		mc := newClient(5 * time.Second)
		for time.Now().Before(end) {
			r := api.rss()
			if r > peakRSS.Load() {
				peakRSS.Store(r)
			}
			if time.Now().Before(mid) && r > rssFirst.Load() {
				rssFirst.Store(r)
			}
			if g, err := api.goroutines(mc); err == nil && int64(g) > peakG.Load() {
				peakG.Store(int64(g))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	wg.Wait()
	<-sampler
	stillHeld := db.lockWaiters(t)

	// Release the rows: the held requests complete and the pool serves again.
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range ids {
		select {
		case o := <-held:
			if o.Status != http.StatusOK {
				t.Errorf("a held PATCH: %d %v %s", o.Status, o.Err, o.Body)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a held PATCH did not complete after its row was released")
		}
	}
	if o := request(ctx, c, "list", http.MethodGet, api.URL()+"/api/tasks", holder, nil, nil); o.Status != http.StatusOK {
		t.Errorf("after the pile-up: %d %s", o.Status, o.Body)
	}

	if stillHeld != maxConns {
		t.Errorf("%d of the service's sessions still waited for the lock at the end of the pile-up, want %d", stillHeld, maxConns)
	}
	var took []time.Duration
	var bad violations
	for _, o := range outcomes {
		at := o.Start.Format("15:04:05.000")
		switch {
		case o.Err != nil:
			bad.add("no answer", "at %s: %v", at, o.Err)
		case o.Status != http.StatusServiceUnavailable || o.RetryAfter == "":
			bad.add("not 503 with Retry-After", "at %s: status %d, Retry-After %q", at, o.Status, o.RetryAfter)
		}
		if o.Took > latencyBound {
			bad.add("slower than "+latencyBound.String(), "at %s: %v", at, o.Took)
		}
		took = append(took, o.Took)
	}
	bad.report(t, len(outcomes))
	// They did wait for a connection (the 503 comes from the acquire timeout, not from
	// something failing early).
	if p50 := percentile(took, 50); p50 < acquireTimeout*9/10 {
		t.Errorf("median wait %v, want about the acquire timeout %v", p50, acquireTimeout)
	}
	t.Logf("%d requests during the pile-up: latency p50 %v, p99 %v, max %v", len(outcomes),
		percentile(took, 50).Round(time.Millisecond), percentile(took, 99).Round(time.Millisecond), percentile(took, 100).Round(time.Millisecond))

	mib := func(b int64) float64 { return float64(b) / (1 << 20) }
	t.Logf("RSS %.1f MiB before, peak %.1f MiB in the first half of the pile-up, %.1f MiB overall; goroutines %d before, peak %d",
		mib(baseRSS), mib(rssFirst.Load()), mib(peakRSS.Load()), baseGoroutines, peakG.Load())
	if grew := peakRSS.Load() - baseRSS; grew > rssBound {
		t.Errorf("RSS grew by %.1f MiB while requests piled up, more than %d MiB", mib(grew), rssBound>>20)
	}
	if grew := peakRSS.Load() - rssFirst.Load(); grew > rssPlateau {
		t.Errorf("RSS kept growing while the requests piled up: %.1f MiB in the second half", mib(grew))
	}
	// Each waiting request holds a few goroutines; nothing may be left behind once they end.
	if peakG.Load() > int64(baseGoroutines+4*concurrency+50) {
		t.Errorf("goroutines peaked at %d for %d concurrent requests (%d before)", peakG.Load(), concurrency, baseGoroutines)
	}
	// The crowd's keep-alive connections each hold a goroutine of the server until closed.
	c.CloseIdleConnections()
	var after int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if after, err = api.goroutines(c); err != nil {
			t.Fatal(err)
		}
		if after <= baseGoroutines+10 || time.Now().After(deadline) {
			break
		}
	}
	if after > baseGoroutines+10 {
		t.Errorf("goroutines: %d before the pile-up, %d after it", baseGoroutines, after)
	}
	if n := api.raceReports(); n > 0 {
		t.Errorf("the race detector reported %d data races in the service", n)
	}
}
