package failovertest

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/pgcluster"
)

// TestReplicas runs three replicas behind HAProxy under the writers' mixed load (create with
// Idempotency-Key, read it, read a page), SIGKILLs one and starts it again, then restarts the
// other two in turn with SIGTERM (a rolling restart): nothing acknowledged is lost or
// duplicated, and no answer is a 5xx other than 503.
func TestReplicas(t *testing.T) {
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Skip(err) // proctest.MissingTool is TestFailover's to report
	}
	for round := range *rounds {
		t.Run(fmt.Sprint(round+1), func(t *testing.T) {
			db, url := startDatabase(t)
			iss := authtest.NewIssuer(t)
			replicas := make([]*serveProc, 3)
			for i := range replicas {
				replicas[i] = startServe(t, url, iss)
			}
			lb := startHAProxy(t, replicas)
			for i := range replicas {
				lb.waitStatus(t, fmt.Sprintf("r%d", i+1), "UP")
			}

			w := newWriterSet(lb.URL(), true)
			for i := range writers {
				w.tokens = append(w.tokens, iss.Token(t, fmt.Sprintf("client-%d", i)))
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() { w.run(i, stop) })
			}
			stopped := false
			stopClients := func() {
				if !stopped {
					stopped = true
					close(stop)
					wg.Wait()
				}
			}
			defer stopClients()
			w.waitAcks(t, time.Time{}, acksBefore)

			// SIGKILL r1: HAProxy finds it down by its checks.
			killed := time.Now()
			replicas[0].signal(syscall.SIGKILL)
			<-replicas[0].exited()
			down := lb.waitStatus(t, "r1", "DOWN")
			untilDown := down.Sub(killed)
			w.waitAcks(t, down, acksBefore)
			restart(t, lb, replicas[0], "r1")
			w.waitAcks(t, time.Now(), acksBefore)

			// Rolling restart: r2, then r3, each SIGTERMed (it drains), started again and
			// back in HAProxy before the next.
			for i, r := range replicas[1:] {
				name := fmt.Sprintf("r%d", i+2)
				r.signal(syscall.SIGTERM)
				<-r.exited()
				restart(t, lb, r, name)
				w.waitAcks(t, time.Now(), acksBefore)
			}
			stopClients()

			lost, duplicated := check(t, db, w.acks)
			w.mu.Lock()
			defer w.mu.Unlock()
			var other5xx []string
			for status, n := range w.statuses {
				if status >= 500 && status != http.StatusServiceUnavailable {
					other5xx = append(other5xx, fmt.Sprintf("%d ×%d", status, n))
				}
			}
			t.Logf("replicas: %d requests, statuses %s, %d dropped connections; %d writes acknowledged, lost %d, duplicated %d; HAProxy took r1 out %s after its SIGKILL (checks every %s, %d to fail); longest request %s",
				w.requests, statusList(w.statuses), w.retriesDropped, len(w.acks), len(lost), len(duplicated),
				untilDown.Round(time.Millisecond), checkInterval, checkFall, w.longest.Round(time.Millisecond))
			if len(lost) > 0 || len(duplicated) > 0 {
				t.Errorf("lost %s; duplicated %s", few(lost), few(duplicated))
			}
			if len(other5xx) > 0 {
				t.Errorf("5xx other than 503: %s", strings.Join(other5xx, ", "))
			}
			if w.retriesDropped > 0 {
				t.Errorf("%d requests saw a dropped connection through HAProxy", w.retriesDropped)
			}
			// Down after checkFall failed checks: within one interval more (the check under
			// way when the replica died) and the check's own timeout.
			if limit := (checkFall+1)*checkInterval + time.Second; untilDown > limit {
				t.Errorf("HAProxy took r1 out %s after its SIGKILL, want at most %s", untilDown, limit)
			}
			for _, e := range w.unexpected {
				t.Error(e)
			}
		})
	}
}

// restart starts r again (on a new port), points HAProxy's server at it and waits until
// HAProxy has it up.
func restart(t *testing.T, lb *haproxy, r *serveProc, server string) {
	t.Helper()
	r.start(t)
	lb.moveServer(t, server, r.Addr())
	lb.waitStatus(t, server, "UP")
}

// statusList renders answers by status, sorted: "200 ×120, 503 ×3".
func statusList(m map[int]int) string {
	var out []string
	for _, s := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%d ×%d", s, m[s]))
	}
	return strings.Join(out, ", ")
}

// TestReplicasRateLimit measures what one user gets through three replicas whose per-user
// limit is RATE_LIMIT_PER_USER=5 (bursts of 10) each: balanced round robin, the user gets up
// to three times the limit; balanced by the token's sub (HAProxy's jwt_payload_query), the
// user stays on one replica and gets the limit.
func TestReplicasRateLimit(t *testing.T) {
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Skip(err)
	}
	_, url := startDatabase(t)
	iss := authtest.NewIssuer(t)
	replicas := make([]*serveProc, 3)
	for i := range replicas {
		replicas[i] = startServe(t, url, iss, "RATE_LIMIT_PER_USER=5")
	}
	lb := startHAProxy(t, replicas)
	for i := range replicas {
		lb.waitStatus(t, fmt.Sprintf("r%d", i+1), "UP")
	}
	const rate, burst, sent = 5, 10, 60
	for _, balance := range []string{"roundrobin", "sticky"} {
		token := iss.Token(t, "limited-"+balance)
		client := &http.Client{Timeout: clientTimeout}
		ok, limited := 0, 0
		start := time.Now()
		for range sent {
			req, err := http.NewRequest(http.MethodGet, lb.URL()+"/api/tasks?limit=1", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			if balance == "sticky" {
				req.Header.Set("X-Balance", "sticky")
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			switch res.StatusCode {
			case http.StatusOK:
				ok++
			case http.StatusTooManyRequests:
				limited++
			default:
				t.Fatalf("%s: status %d", balance, res.StatusCode)
			}
		}
		took := time.Since(start)
		// What one replica's bucket allows in that time.
		oneReplica := burst + int(rate*took.Seconds()) + 1
		t.Logf("rate limit %d/s (burst %d) per replica, 3 replicas, %s: %d of %d requests in %s allowed, %d got 429 (one replica allows at most %d)",
			rate, burst, balance, ok, sent, took.Round(time.Millisecond), limited, oneReplica)
		if balance == "sticky" && ok > oneReplica {
			t.Errorf("balanced by sub, the user got %d requests through, more than one replica's %d", ok, oneReplica)
		}
	}
}
