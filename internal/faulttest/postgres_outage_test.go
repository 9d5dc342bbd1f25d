package faulttest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
)

// readySample is one /readyz answer.
type readySample struct {
	at     time.Time // when the answer arrived
	status int       // 0: no answer
}

// pollReadyz asks /readyz every interval until ctx ends; the returned function waits for the
// poller and returns the samples.
func pollReadyz(ctx context.Context, api *apiProc, interval time.Duration) func() []readySample {
	var mu sync.Mutex
	var samples []readySample
	done := make(chan struct{})
	c := newClient(5 * time.Second)
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			o := request(context.WithoutCancel(ctx), c, "readyz", http.MethodGet, api.URL()+"/readyz", "", nil, nil)
			mu.Lock()
			samples = append(samples, readySample{o.end(), o.Status})
			mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(interval):
			}
		}
	}()
	return func() []readySample {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return samples
	}
}

// TestPostgresOutage stops PostgreSQL for 5 s under a steady write load and starts it again.
func TestPostgresOutage(t *testing.T) {
	t.Parallel()
	const (
		acquireTimeout   = time.Second
		statementTimeout = 2 * time.Second
		outage           = 5 * time.Second
		// A request ends at a connection wait plus a statement at the latest, answered 201
		// or 503 (the mechanism, checked per request); this ceiling only catches a request
		// that no timeout ended, not a shared machine running the race detector.
		latencyBound = acquireTimeout + statementTimeout + 10*time.Second
	)
	db := startDatabase(t)
	iss := authtest.NewIssuer(t)
	api := startAPI(t, withRace, db, iss, map[string]string{
		"DB_ACQUIRE_TIMEOUT":   acquireTimeout.String(),
		"DB_STATEMENT_TIMEOUT": statementTimeout.String(),
	})
	pid := api.PID()

	load := newWriteLoad(t, api, iss, 6)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	waitLoad := load.start(ctx, 20*time.Millisecond)
	readyz := pollReadyz(ctx, api, 100*time.Millisecond)

	time.Sleep(2 * time.Second) // a baseline of acknowledged writes
	stopAt := time.Now()
	db.Stop(t)
	downAt := time.Now()
	time.Sleep(outage)
	startAt := time.Now()
	db.Start(t)
	upAt := time.Now()
	t.Logf("PostgreSQL stopped in %v, down for %v, started in %v", downAt.Sub(stopAt).Round(time.Millisecond),
		startAt.Sub(downAt).Round(time.Millisecond), upAt.Sub(startAt).Round(time.Millisecond))

	// The service recovers on its own: writes succeed again without a restart.
	var recoveredAt time.Time
	for deadline := upAt.Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if at, ok := load.firstCreatedAfter(upAt); ok {
			recoveredAt = at
			break
		}
		if time.Now().After(deadline) {
			cancel()
			waitLoad()
			t.Fatalf("no write succeeded within 15 s of PostgreSQL starting again")
		}
	}
	time.Sleep(2 * time.Second) // a steady state after recovery
	cancel()
	waitLoad()
	samples := readyz()
	outcomes, acked := load.results()
	t.Logf("recovered %v after PostgreSQL was up; %d requests, %d acknowledged writes",
		recoveredAt.Sub(upAt).Round(time.Millisecond), len(outcomes), len(acked))

	if api.PID() != pid {
		t.Fatal("the service was restarted")
	}
	select {
	case <-api.exited():
		t.Fatalf("the service exited: %v", api.exitErr())
	default:
	}

	t.Run("EveryRequestIsAnsweredQuicklyWith201Or503", func(t *testing.T) {
		var during []outcome
		var bad violations
		for _, o := range outcomes {
			at := o.Start.Format("15:04:05.000")
			switch {
			case o.Err != nil || o.Status == 0:
				bad.add("no answer", "at %s: %v", at, o.Err)
			case o.Status != http.StatusCreated && o.Status != http.StatusServiceUnavailable:
				bad.add("neither 201 nor 503", "at %s: status %d: %s", at, o.Status, o.Body)
			case o.Status == http.StatusServiceUnavailable && o.RetryAfter == "":
				bad.add("503 without Retry-After", "at %s", at)
			}
			if o.Took > latencyBound {
				bad.add("slower than "+latencyBound.String(), "at %s: %v", at, o.Took)
			}
			if o.Start.After(downAt) && o.end().Before(startAt) {
				during = append(during, o)
				if o.Status != http.StatusServiceUnavailable {
					bad.add("not 503 while the database was down", "at %s: status %d", at, o.Status)
				}
			}
		}
		bad.report(t, len(outcomes))
		// While the database is down, every request fails fast.
		if len(during) < 20 {
			t.Fatalf("only %d requests were answered while PostgreSQL was down", len(during))
		}
		var took []time.Duration
		for _, o := range during {
			took = append(took, o.Took)
		}
		t.Logf("during the outage: %d requests; latency p50 %v, max %v", len(during),
			percentile(took, 50).Round(time.Millisecond), percentile(took, 100).Round(time.Millisecond))
	})

	t.Run("ReadyzFollowsTheDatabase", func(t *testing.T) {
		var down, up int
		var bad violations
		for _, s := range samples {
			switch {
			case s.at.After(downAt.Add(200*time.Millisecond)) && s.at.Before(startAt):
				down++
				if s.status != http.StatusServiceUnavailable {
					bad.add("not 503 while the database was down", "at %s: %d", s.at.Format("15:04:05.000"), s.status)
				}
			case s.at.After(recoveredAt.Add(time.Second)):
				up++
				if s.status != http.StatusOK {
					bad.add("not 200 after the database was back", "at %s: %d", s.at.Format("15:04:05.000"), s.status)
				}
			}
		}
		bad.report(t, len(samples))
		if down == 0 || up == 0 {
			t.Fatalf("%d /readyz answers during the outage and %d after it: too few to tell", down, up)
		}
	})

	t.Run("EveryAcknowledgedWriteIsStored", func(t *testing.T) {
		if missing := db.missingWrites(t, acked); len(missing) > 0 {
			t.Fatalf("%d of %d acknowledged writes are not in the database: %s", len(missing), len(acked), few(missing))
		}
	})

	if n := api.raceReports(); n > 0 {
		t.Errorf("the race detector reported %d data races in the service", n)
	}
}
