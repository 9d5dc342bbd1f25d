package failovertest

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

// TestHungPrimaryNotPromoted: the primary hangs and nobody promotes the standby. /readyz
// turns 503 (a load balancer takes the replica out), writes are answered 503 at once rather
// than hanging, and once the primary resumes both recover by themselves.
func TestHungPrimaryNotPromoted(t *testing.T) {
	if _, err := pgcluster.FindBinDir(); err != nil {
		proctest.MissingTool(t, err.Error())
	}
	p := startPair(t, false)
	iss := authtest.NewIssuer(t)
	base := startServe(t, p.appURL(), iss).URL()
	token := iss.Token(t, "alone")
	client := &http.Client{Timeout: clientTimeout}
	status := func(method, path string) (int, time.Duration) {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"title":"t"}`)
		}
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", uuid.NewString())
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, time.Since(start)
	}
	waitStatus := func(path string, want int) time.Time {
		t.Helper()
		const limit = time.Minute // only stops a broken test from hanging
		deadline := time.Now().Add(limit)
		for {
			if got, _ := status(http.MethodGet, path); got == want {
				return time.Now()
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s not %d after %s", path, want, limit)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if got, _ := status(http.MethodPost, "/api/tasks"); got != http.StatusCreated {
		t.Fatalf("create before the hang: %d", got)
	}

	hung := time.Now()
	if _, err := p.primary.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	notReady := waitStatus("/readyz", http.StatusServiceUnavailable).Sub(hung)
	var longest time.Duration
	for range 10 {
		got, took := status(http.MethodPost, "/api/tasks")
		if got != http.StatusServiceUnavailable {
			t.Fatalf("create with the primary hung: %d, want 503", got)
		}
		longest = max(longest, took)
	}
	if _, err := p.primary.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	resumed := time.Now()
	ready := waitStatus("/readyz", http.StatusOK).Sub(resumed)
	if got, _ := status(http.MethodPost, "/api/tasks"); got != http.StatusCreated {
		t.Fatalf("create after the primary resumed: %d", got)
	}
	t.Logf("hung primary, no promotion: /readyz 503 %s after the hang; creates answered 503 in at most %s; /readyz 200 again %s after the primary resumed",
		notReady.Round(time.Millisecond), longest.Round(time.Millisecond), ready.Round(time.Millisecond))
	// The probe finds the host down within 1.5 × DB_HOST_TIMEOUT (1 s); /readyz's own
	// bound is 2 s.
	if notReady > 4*time.Second {
		t.Errorf("/readyz turned 503 %s after the hang, want at most 4s", notReady)
	}
	if longest > time.Second {
		t.Errorf("a create with the primary hung (and found down) took %s, want at most 1s", longest)
	}
}
