package failovertest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

// noTrigger breaks the lists migration on purpose: once the new replica has migrated, the
// trigger that gives a previous-version insert (list_id NULL) the owner's inbox is dropped.
var noTrigger = flag.Bool("failover.notrigger", false, "broken on purpose: drop 0011's NULL-list_id trigger after the migration (the previous version's creates fail)")

// expandMigration is the migration the rolling deploy crosses: the previous release is the
// commit before the one that brought it into the first-parent history.
const expandMigration = "db/migrations/0011_lists.sql"

// TestRollingDeploy is a rolling deploy across the lists migration (0011, 0012): a replica of
// the previous release serves at its schema version under the writers (create with
// Idempotency-Key, read it, read a page) and a client going through the previous contract's
// task life cycle; a replica of this version starts beside it, migrates and serves, the
// requests alternate between the two; then the previous replica stops and this one serves
// everything. The previous replica keeps working throughout — every answer within its own
// contract, no 5xx but 503 — nothing acknowledged is lost or duplicated, and every task ends
// up in its owner's inbox.
func TestRollingDeploy(t *testing.T) {
	if _, err := pgcluster.FindBinDir(); err != nil {
		t.Skip(err) // proctest.MissingTool is TestFailover's to report
	}
	prev := buildPrevious(t)
	for round := range *rounds {
		t.Run(fmt.Sprint(round+1), func(t *testing.T) { rollingDeploy(t, prev) })
	}
}

// previousRelease is the release before expandMigration, built from this checkout's history.
type previousRelease struct {
	commit   string
	bin      string
	contract *apitest.Contract
	took     time.Duration // to extract and build it
}

// buildPrevious builds the previous release's todo-api. Outside a git checkout, or in one
// whose history lacks the commit (a shallow clone), the test cannot run (proctest.MissingTool).
func buildPrevious(t *testing.T) previousRelease {
	t.Helper()
	start := time.Now()
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		proctest.MissingTool(t, fmt.Sprintf("the rolling deploy test builds the previous release from git history, and this is not a git checkout (git rev-parse: %v)", err))
	}
	git := func(args ...string) ([]byte, error) {
		return exec.Command("git", append([]string{"-C", strings.TrimSpace(string(root))}, args...)...).Output()
	}
	out, err := git("log", "--first-parent", "--diff-filter=A", "--format=%H", "--", expandMigration)
	lines := strings.Fields(string(out))
	if err != nil || len(lines) == 0 {
		proctest.MissingTool(t, fmt.Sprintf("no commit in this checkout's history adds %s (a shallow clone? git fetch --unshallow): %v", expandMigration, err))
	}
	out, err = git("rev-parse", "--verify", lines[len(lines)-1]+"^1^{commit}")
	if err != nil {
		proctest.MissingTool(t, fmt.Sprintf("the parent of %s, the previous release, is not in this checkout (a shallow clone? git fetch --unshallow): %v", lines[len(lines)-1], err))
	}
	commit := strings.TrimSpace(string(out))
	src, tarball := t.TempDir(), filepath.Join(t.TempDir(), "previous.tar")
	if _, err := git("archive", "-o", tarball, commit); err != nil {
		t.Fatalf("git archive %s: %v", commit, err)
	}
	if out, err := exec.Command("tar", "-x", "-f", tarball, "-C", src).CombinedOutput(); err != nil {
		t.Fatalf("extract %s: %v\n%s", commit, err, out)
	}
	bin := filepath.Join(binDir, "todo-api-previous")
	// Without the race detector, like this version's binary: the test measures time.
	gobuild := exec.Command("go", "build", "-o", bin, "./cmd/todo-api")
	gobuild.Dir = src
	if out, err := gobuild.CombinedOutput(); err != nil {
		t.Fatalf("build the previous release (%s): %v\n%s", commit, err, out)
	}
	doc, err := os.ReadFile(filepath.Join(src, "api", "contracts", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	contract, err := apitest.LoadContract(doc)
	if err != nil {
		t.Fatalf("the previous release's contract: %v", err)
	}
	took := time.Since(start)
	t.Logf("previous release %.12s (the parent of the commit that added %s): extracted and built in %s", commit, expandMigration, took.Round(100*time.Millisecond))
	return previousRelease{commit: commit, bin: bin, contract: contract, took: took}
}

// rollingDeploy is one round of TestRollingDeploy.
func rollingDeploy(t *testing.T, prev previousRelease) {
	db, dbURL := startDatabase(t)
	iss := authtest.NewIssuer(t)
	old := startServeOf(t, func() (string, error) { return prev.bin, nil }, dbURL, iss)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("PostgreSQL's errors (the last 20):\n%s", databaseErrors(db, 20))
		}
	})

	w := newWriterSet(old.URL(), true)
	for i := range writers {
		w.tokens = append(w.tokens, iss.Token(t, fmt.Sprintf("rolling-%d", i)))
	}
	lc := &lifeCycle{w: w, base: old.URL(), previous: old.URL(), token: iss.Token(t, "life-cycle"), contract: prev.contract}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() { w.run(i, stop) })
	}
	wg.Go(func() { lc.run(stop) })
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
	lc.waitRounds(t, w, time.Time{}, 1)

	// The new version starts beside it: `serve` migrates, then serves. (Built first: the
	// build is not part of the deploy.)
	if _, err := build(); err != nil {
		t.Fatal(err)
	}
	before := w.snapshot()
	migrationStart := time.Now()
	next := startServe(t, dbURL, iss)
	migrated := time.Now()
	during := w.snapshot().minus(before)
	applied := appliedMigrations(t, next.logs.String())
	if *noTrigger {
		dropDefaultListTrigger(t, db)
	}

	// Both serve, the requests alternate; the previous one keeps to its contract.
	w.setBases(old.URL(), next.URL())
	w.waitAcks(t, time.Now(), acksBefore)
	lc.waitRounds(t, w, time.Now(), 2)
	side := w.snapshot()

	// The previous one stops (it drains on SIGTERM); the new one serves everything.
	w.setBases(next.URL())
	lc.setBase(next.URL())
	old.signal(syscall.SIGTERM)
	<-old.exited()
	w.waitAcks(t, time.Now(), acksBefore)
	stopClients()
	after := w.snapshot()

	lost, duplicated := check(t, db, w.acks)
	misplaced := notInInbox(t, db)
	inboxes := inboxTotals(t, w, next.URL())

	oldHost, newHost := old.Addr(), next.Addr()
	t.Logf("rolling deploy: migrations %v took %s under load (serve started to serving: %s); during it %d requests, all through the previous replica (statuses %s); side by side %d through the previous, %d through the new; after the previous stopped %d through the new; all: %d requests, statuses %s, %d dropped connections; %d writes acknowledged, lost %d, duplicated %d, %d tasks not in their owner's inbox; the previous contract's life cycle done %d times (%d after the migration); longest request %s",
		applied.versions, applied.took.Round(time.Millisecond), migrated.Sub(migrationStart).Round(time.Millisecond),
		during.requests, statusList(during.statuses),
		side.byHost[oldHost]-before.byHost[oldHost]-during.byHost[oldHost], side.byHost[newHost],
		after.byHost[newHost]-side.byHost[newHost],
		after.requests, statusList(after.statuses), w.retriesDropped, len(w.acks), len(lost), len(duplicated), misplaced,
		lc.rounds(time.Time{}), lc.rounds(migrated), w.longest.Round(time.Millisecond))
	if len(lost) > 0 || len(duplicated) > 0 {
		t.Errorf("lost %s; duplicated %s", few(lost), few(duplicated))
	}
	for status, n := range after.statuses {
		if status >= 500 && status != http.StatusServiceUnavailable {
			t.Errorf("5xx other than 503: %d ×%d", status, n)
		}
	}
	if misplaced > 0 {
		t.Errorf("%d tasks are not in their owner's inbox", misplaced)
	}
	for i, total := range inboxes {
		if want := w.acked(i); total != want {
			t.Errorf("writer %d: its inbox has %d tasks (stats on the new version), it had %d acknowledged", i, total, want)
		}
	}
	for _, e := range w.unexpected {
		t.Error(e)
	}
}

// databaseErrors returns the last n ERROR lines of db's server log, each with its detail
// (a deadlock's processes) and the statement that failed.
func databaseErrors(db *pgcluster.Cluster, n int) string {
	data, err := os.ReadFile(db.LogFile())
	if err != nil {
		return err.Error()
	}
	var lines []string
	for line := range strings.Lines(string(data)) {
		if strings.Contains(line, "ERROR:") || strings.Contains(line, "DETAIL:") || strings.HasPrefix(line, "\t") || strings.Contains(line, "STATEMENT:") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines[max(0, len(lines)-3*n):], "")
}

// snapshot is the writers' counts at one moment.
type snapshot struct {
	requests int
	statuses map[int]int
	byHost   map[string]int
}

// snapshot returns the counts so far.
func (w *writerSet) snapshot() snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	return snapshot{requests: w.requests, statuses: maps.Clone(w.statuses), byHost: maps.Clone(w.byHost)}
}

// minus returns what s counts beyond earlier.
func (s snapshot) minus(earlier snapshot) snapshot {
	out := snapshot{requests: s.requests - earlier.requests, statuses: map[int]int{}, byHost: map[string]int{}}
	for k, v := range s.statuses {
		if d := v - earlier.statuses[k]; d > 0 {
			out.statuses[k] = d
		}
	}
	for k, v := range s.byHost {
		if d := v - earlier.byHost[k]; d > 0 {
			out.byHost[k] = d
		}
	}
	return out
}

// acked returns how many writes writer i had acknowledged.
func (w *writerSet) acked(i int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, a := range w.acks {
		if a.writer == i {
			n++
		}
	}
	return n
}

// migrationsApplied is what serve's log says it applied: the versions and their total time.
type migrationsApplied struct {
	versions []int64
	took     time.Duration
}

// appliedMigrations reads serve's "migration applied" lines (JSON: version, took in ns).
func appliedMigrations(t *testing.T, log string) migrationsApplied {
	t.Helper()
	var out migrationsApplied
	for line := range strings.Lines(log) {
		var entry struct {
			Msg     string
			Version int64
			Took    time.Duration
		}
		if json.Unmarshal([]byte(line), &entry) != nil || entry.Msg != "migration applied" {
			continue
		}
		out.versions = append(out.versions, entry.Version)
		out.took += entry.Took
	}
	if len(out.versions) == 0 {
		t.Fatalf("the new version applied no migration:\n%s", log)
	}
	return out
}

// dropDefaultListTrigger is -failover.notrigger: 0011 as if it lacked its NULL-list_id trigger.
func dropDefaultListTrigger(t *testing.T, db *pgcluster.Cluster) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.URL("todo"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP TRIGGER tasks_default_list ON tasks"); err != nil {
		t.Fatal(err)
	}
	t.Log("broken on purpose: dropped the trigger tasks_default_list after the migration")
}

// notInInbox counts the tasks whose list is not their owner's inbox (every task the writers
// create, through either version, has no list_id of its own).
func notInInbox(t *testing.T, db *pgcluster.Cluster) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.URL("todo"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM tasks t
		WHERE NOT EXISTS (SELECT FROM lists l WHERE l.owner_id = t.user_id AND l.id = t.list_id AND l.inbox)`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// inboxTotals asks the new version, for each writer, for its lists (the inbox first) and the
// inbox's stats: the total of live tasks in it. Every answer is checked against this
// version's contract.
func inboxTotals(t *testing.T, w *writerSet, base string) []int {
	t.Helper()
	client := &http.Client{Timeout: clientTimeout}
	get := func(token, path string, v any) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := apitest.CheckResponse(req, nil, res.StatusCode, res.Header, body); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	totals := make([]int, len(w.tokens))
	for i, token := range w.tokens {
		var lists []struct {
			ID    string
			Inbox bool
		}
		get(token, "/api/lists", &lists)
		if len(lists) == 0 || !lists[0].Inbox {
			t.Fatalf("writer %d: lists %+v, want the inbox first", i, lists)
		}
		var stats struct{ Total int }
		get(token, "/api/tasks/stats?list_id="+lists[0].ID, &stats)
		totals[i] = stats.Total
	}
	return totals
}

// lifeCycle goes through the previous contract's task operations again and again, as one
// user, checking every answer against that contract: create (with Idempotency-Key), read,
// replace (If-Match), merge patch, complete, delete, restore, bulk uncomplete, the change
// feed. Its requests count among the writers' (w.do).
type lifeCycle struct {
	w        *writerSet
	token    string
	previous string            // the previous replica's base URL
	contract *apitest.Contract // its contract

	mu         sync.Mutex
	base       string
	done       []time.Time // when each pass through the cycle ended
	unexpected []string
}

// setBase sends the next requests to base.
func (l *lifeCycle) setBase(base string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.base = base
}

// rounds returns how many cycles ended after since.
func (l *lifeCycle) rounds(since time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, d := range l.done {
		if d.After(since) {
			n++
		}
	}
	return n
}

// waitRounds waits until n cycles ended after since; the writers' unexpected answers and the
// cycle's own end the test.
func (l *lifeCycle) waitRounds(t *testing.T, w *writerSet, since time.Time, n int) {
	t.Helper()
	const limit = 2 * time.Minute // only stops a broken test from hanging
	deadline := time.Now().Add(limit)
	for l.rounds(since) < n {
		l.mu.Lock()
		unexpected := append([]string(nil), l.unexpected...)
		l.mu.Unlock()
		w.mu.Lock()
		unexpected = append(unexpected, w.unexpected...)
		w.mu.Unlock()
		if len(unexpected) > 0 {
			t.Fatalf("unexpected answers: %s", few(unexpected))
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %d life cycles since %s, want %d", limit, l.rounds(since), since.Format(time.TimeOnly), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// run goes through the cycle until stop; a cycle that went wrong is recorded and ends it.
func (l *lifeCycle) run(stop <-chan struct{}) {
	client := &http.Client{Timeout: clientTimeout}
	for {
		select {
		case <-stop:
			return
		default:
		}
		if err := l.cycle(client, stop); err != nil {
			if err == errStopped {
				return
			}
			l.mu.Lock()
			l.unexpected = append(l.unexpected, "life cycle: "+err.Error())
			l.mu.Unlock()
			return
		}
		l.mu.Lock()
		l.done = append(l.done, time.Now())
		l.mu.Unlock()
	}
}

// errStopped ends a cycle that the test stopped.
var errStopped = fmt.Errorf("stopped")

// cycle is one pass: each step must get its status, within the contract.
func (l *lifeCycle) cycle(client *http.Client, stop <-chan struct{}) error {
	key := uuid.NewString()
	var task struct {
		ID        string
		Title     string
		Completed bool
		UpdatedAt string `json:"updated_at"`
	}
	_, body, err := l.send(client, stop, http.MethodPost, "/api/tasks", `{"title":"cycle `+key+`"}`, http.StatusCreated, "Idempotency-Key", key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, &task); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	created := task.UpdatedAt
	path := "/api/tasks/" + task.ID
	res, _, err := l.send(client, stop, http.MethodGet, path, "", http.StatusOK)
	if err != nil {
		return err
	}
	if _, _, err = l.send(client, stop, http.MethodPut, path, `{"title":"replaced `+key+`","tags":["rolling"]}`, http.StatusOK, "If-Match", res.Header.Get("ETag")); err != nil {
		return err
	}
	if _, _, err = l.send(client, stop, http.MethodPatch, path, `{"title":"patched `+key+`"}`, http.StatusOK, "Content-Type", "application/merge-patch+json"); err != nil {
		return err
	}
	if _, body, err = l.send(client, stop, http.MethodPatch, path+"/complete", `{"completed":true}`, http.StatusOK); err != nil {
		return err
	}
	if err := json.Unmarshal(body, &task); err != nil || !task.Completed {
		return fmt.Errorf("complete: not completed (%v): %s", err, body)
	}
	if _, _, err = l.send(client, stop, http.MethodDelete, path, "", http.StatusNoContent); err != nil {
		return err
	}
	if _, _, err = l.send(client, stop, http.MethodPost, path+"/restore", "", http.StatusOK); err != nil {
		return err
	}
	if _, body, err = l.send(client, stop, http.MethodPost, "/api/tasks/bulk", `{"ids":["`+task.ID+`"],"action":"uncomplete"}`, http.StatusOK); err != nil {
		return err
	}
	if !bytes.Contains(body, []byte(`"ok"`)) {
		return fmt.Errorf("bulk uncomplete: %s", body)
	}
	if _, body, err = l.send(client, stop, http.MethodGet, "/api/tasks/changes?limit=100&updated_after="+url.QueryEscape(created), "", http.StatusOK); err != nil {
		return err
	}
	if !bytes.Contains(body, []byte(`"`+task.ID+`"`)) || !bytes.Contains(body, []byte(`"patched `+key+`"`)) {
		return fmt.Errorf("the change feed after %s lacks the task %s as patched: %s", created, task.ID, body)
	}
	return nil
}

// send sends one request of the cycle, retried on a 503 or a dropped connection (each step
// is safe to repeat: the create has its key, the others set a state), and checks the answer
// against the contract and for want. extra is header name, value pairs.
func (l *lifeCycle) send(client *http.Client, stop <-chan struct{}, method, path, body string, want int, extra ...string) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		select {
		case <-stop:
			return nil, nil, errStopped
		default:
		}
		if attempt > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		l.mu.Lock()
		base := l.base
		l.mu.Unlock()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+l.token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(extra); i += 2 {
			req.Header.Set(extra[i], extra[i+1])
		}
		var out bytes.Buffer
		res, err := l.w.do(client, req, &out)
		if err != nil {
			l.w.mu.Lock()
			l.w.retriesDropped++
			l.w.mu.Unlock()
			continue
		}
		if res.StatusCode == http.StatusServiceUnavailable {
			l.w.mu.Lock()
			l.w.retries503++
			l.w.mu.Unlock()
			continue
		}
		if base == l.previous {
			// Answers of the previous replica: its own contract.
			if err := l.contract.Check(req, []byte(body), res.StatusCode, res.Header, out.Bytes()); err != nil {
				return nil, nil, err
			}
		} else if err := apitest.CheckResponse(req, []byte(body), res.StatusCode, res.Header, out.Bytes()); err != nil {
			return nil, nil, err
		}
		if res.StatusCode != want {
			return nil, nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, out.Bytes())
		}
		return res, out.Bytes(), nil
	}
}
