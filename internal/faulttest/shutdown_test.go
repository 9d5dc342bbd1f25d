package faulttest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
)

// TestSIGTERMUnderLoad sends SIGTERM while writes stream in and one PATCH waits for a row
// lock held from outside the service.
func TestSIGTERMUnderLoad(t *testing.T) {
	t.Parallel()
	const grace = 15 * time.Second // cmd/todo-api's shutdownGrace
	db := startDatabase(t)
	iss := authtest.NewIssuer(t)
	api := startAPI(t, withRace, db, iss, map[string]string{"DB_STATEMENT_TIMEOUT": "10s"})
	ctx := t.Context()
	c := newClient(30 * time.Second)

	// A slow request: its row is locked, so the PATCH waits in the database.
	token := iss.Token(t, "slow-user")
	created := request(ctx, c, "create", http.MethodPost, api.URL()+"/api/tasks", token, map[string]any{"title": "before"}, nil)
	if created.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	id := taskID(created.Body)
	lock, err := db.Admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(context.Background())
	if _, err := lock.Exec(ctx, "SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE", id); err != nil {
		t.Fatal(err)
	}
	patched := make(chan outcome, 1)
	go func() {
		patched <- request(context.WithoutCancel(ctx), c, "patch", http.MethodPatch, api.URL()+"/api/tasks/"+id, token,
			map[string]any{"title": "after"}, nil)
	}()
	db.waitLockWaiters(t, 1)

	load := newWriteLoad(t, api, iss, 4)
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	waitLoad := load.start(loadCtx, 10*time.Millisecond)
	time.Sleep(time.Second)

	termAt := time.Now()
	api.signal(t, syscall.SIGTERM)

	// New connections are refused while the held request is still in flight. The ceiling
	// only stops a server that never closes its listener: the held PATCH's statement
	// timeout (10 s) is further off still.
	var refusedAt time.Time
	for deadline := termAt.Add(5 * time.Second); refusedAt.IsZero(); time.Sleep(10 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", api.addr, time.Second)
		if err == nil {
			conn.Close()
		} else if errors.Is(err, syscall.ECONNREFUSED) {
			refusedAt = time.Now()
		}
		if time.Now().After(deadline) && refusedAt.IsZero() {
			t.Fatalf("the service still accepts connections 5 s after SIGTERM")
		}
	}
	select {
	case o := <-patched:
		t.Fatalf("the held PATCH ended before its lock was released: %d %v %s", o.Status, o.Err, o.Body)
	case <-api.exited():
		t.Fatalf("the service exited with a request in flight: %v", api.exitErr())
	default:
	}
	t.Logf("connections refused %v after SIGTERM, with the PATCH still waiting", refusedAt.Sub(termAt).Round(time.Millisecond))

	// Release the row a moment later: the in-flight request completes.
	sleepUntil(termAt.Add(1500 * time.Millisecond))
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var patch outcome
	select {
	case patch = <-patched:
	case <-time.After(grace):
		t.Fatal("the PATCH did not complete after its row was released")
	}
	// Exit status 0 is the mechanism: serve exits non-zero when its shutdown outlasts the
	// grace (srv.Shutdown's deadline). The wait is a ceiling only a hang reaches.
	code := api.waitExit(t, grace+30*time.Second)
	exitAfter := time.Since(termAt)
	stopLoad()
	waitLoad()

	if patch.Status != http.StatusOK || patch.Start.After(termAt) || patch.end().Before(termAt) {
		t.Errorf("the in-flight PATCH: status %d (%v), sent %v before SIGTERM, answered %v after it; want 200 across the signal",
			patch.Status, patch.Err, termAt.Sub(patch.Start).Round(time.Millisecond), patch.end().Sub(termAt).Round(time.Millisecond))
	} else {
		var task struct{ Title string }
		if err := json.Unmarshal(patch.Body, &task); err != nil || task.Title != "after" {
			t.Errorf("the in-flight PATCH answered %s", patch.Body)
		}
	}
	var title string
	if err := db.Admin.QueryRow(ctx, "SELECT title FROM tasks WHERE id = $1", id).Scan(&title); err != nil || title != "after" {
		t.Errorf("the PATCH's task is stored with title %q (%v), want %q", title, err, "after")
	}
	if code != 0 {
		t.Errorf("exit status %d %v after SIGTERM; want 0 (a shutdown within the %v grace)", code, exitAfter.Round(time.Millisecond), grace)
	}
	t.Logf("exited with status %d %v after SIGTERM", code, exitAfter.Round(time.Millisecond))

	outcomes, acked := load.results()
	var afterTerm, refused int
	var bad violations
	for _, o := range outcomes {
		if o.Start.After(termAt) {
			afterTerm++
		}
		switch {
		case o.Err != nil:
			refused++ // a connection closed or refused by the stopping server: not acknowledged
		case o.Status != http.StatusCreated:
			bad.add("answered other than 201", "at %s: status %d: %s", o.Start.Format("15:04:05.000"), o.Status, o.Body)
		}
	}
	bad.report(t, len(outcomes))
	if afterTerm == 0 || refused == 0 {
		t.Errorf("%d writes were sent after SIGTERM, %d refused: the load did not overlap the shutdown", afterTerm, refused)
	}
	if missing := db.missingWrites(t, acked); len(missing) > 0 {
		t.Errorf("%d of %d acknowledged writes are not in the database: %s", len(missing), len(acked), few(missing))
	}
	t.Logf("%d writes, %d acknowledged, %d refused during the shutdown", len(outcomes), len(acked), refused)
	if n := api.raceReports(); n > 0 {
		t.Errorf("the race detector reported %d data races in the service", n)
	}
}
