package failovertest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

var (
	rounds = flag.Int("failover.rounds", 1, "failovers of each kind (make test-long: 5)")
	noKey  = flag.Bool("failover.nokey", false, "broken on purpose: retry without Idempotency-Key (duplicates)")
	async  = flag.Bool("failover.async", false, "broken on purpose: synchronous_commit=local, the standby's stream held up (lost writes)")
)

const (
	writers = 8
	// promoteDelay is the orchestrator's: how long after the fault it promotes the standby.
	promoteDelay = time.Second
	// clientTimeout is the writers' own: a request longer than this counts as hanging.
	clientTimeout = 15 * time.Second
	// maxWindow bounds the time from the promotion until writes are acknowledged again;
	// maxWindowAll until every writer has had one acknowledged: a writer may have just
	// begun a wait for a connection (DB_ACQUIRE_TIMEOUT, 2 s) that ends in a 503.
	maxWindow, maxWindowAll = 2 * time.Second, 4 * time.Second
	// maxRequest bounds the longest request: DB_STATEMENT_TIMEOUT and DB_ACQUIRE_TIMEOUT
	// (5 s and 2 s by default) together.
	maxRequest = 7 * time.Second
	// acksBefore and acksAfter are how many acknowledged writes each writer needs before the
	// fault and after the promotion: the test counts, it does not wait for time to pass.
	acksBefore, acksAfter = 10, 20
)

func TestFailover(t *testing.T) {
	for _, f := range []fault{
		{name: "Crash", sig: syscall.SIGKILL},
		{name: "Hang", sig: syscall.SIGSTOP},
	} {
		for round := range *rounds {
			t.Run(fmt.Sprintf("%s/%d", f.name, round+1), func(t *testing.T) {
				if _, err := pgcluster.FindBinDir(); err != nil {
					proctest.MissingTool(t, err.Error())
				}
				r := failover(t, f)
				t.Logf("%s: acknowledged %d, lost %d, duplicated %d; after the promotion: first write acknowledged %s, every writer %s; longest request %s; %d retries (503 %d, dropped %d)",
					f.name, r.acked, len(r.lost), len(r.duplicated), r.first.Round(time.Millisecond), r.all.Round(time.Millisecond),
					r.longest.Round(time.Millisecond), r.retries503+r.retriesDropped, r.retries503, r.retriesDropped)
				if len(r.lost) > 0 {
					t.Errorf("%d acknowledged writes lost: %s", len(r.lost), few(r.lost))
				}
				if len(r.duplicated) > 0 {
					t.Errorf("%d writes duplicated: %s", len(r.duplicated), few(r.duplicated))
				}
				if r.first > maxWindow {
					t.Errorf("writes acknowledged again %s after the promotion, want at most %s", r.first.Round(time.Millisecond), maxWindow)
				}
				if r.all > maxWindowAll {
					t.Errorf("writes acknowledged again for every writer %s after the promotion, want at most %s", r.all.Round(time.Millisecond), maxWindowAll)
				}
				if r.longest > maxRequest {
					t.Errorf("the longest request took %s, want at most %s", r.longest.Round(time.Millisecond), maxRequest)
				}
				for _, e := range r.unexpected {
					t.Error(e)
				}
			})
		}
	}
}

// fault is what happens to the primary: every process gets sig.
type fault struct {
	name string
	sig  syscall.Signal
}

// result is one failover's count.
type result struct {
	acked                      int
	lost, duplicated           []string
	first, all                 time.Duration // from the promotion to the first write acknowledged, to every writer's
	longest                    time.Duration
	retries503, retriesDropped int
	unexpected                 []string
}

// failover runs the writers against a fresh pair and the service, applies f to the primary,
// promotes the standby promoteDelay later and counts.
func failover(t *testing.T, f fault) result {
	p := startPair(t, *async)
	iss := authtest.NewIssuer(t)
	base := startServe(t, p.appURL(), iss).URL()

	w := newWriterSet(base, false)
	for i := range writers {
		w.tokens = append(w.tokens, iss.Token(t, fmt.Sprintf("writer-%d", i)))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() { w.run(i, stop) })
	}
	stopped := false
	stopWriters := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer stopWriters()

	w.waitAcks(t, time.Time{}, acksBefore)
	if *async {
		// The standby falls behind: its stream is held up, and commits do not wait for it.
		senders := walSenders(t, p.primary)
		signalPIDs(t, syscall.SIGSTOP, senders)
		t.Cleanup(func() { signalPIDs(t, syscall.SIGCONT, senders) })
		w.waitAcks(t, time.Now(), acksBefore)
	}
	if _, err := p.primary.Signal(f.sig); err != nil {
		t.Fatalf("%s the primary: %v", f.name, err)
	}
	time.Sleep(promoteDelay) // the orchestrator's delay, part of the scenario
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	promoted := time.Now()
	w.waitAcks(t, promoted, acksAfter)
	stopWriters()

	r := w.result(promoted)
	r.lost, r.duplicated = check(t, p.standby, w.acks)
	return r
}

// writerSet is the writers' shared record.
type writerSet struct {
	tokens []string
	// mixed: after each create, the writer reads the task and a page of its list (retried
	// like the create on a 503 or a dropped connection).
	mixed bool

	mu             sync.Mutex
	bases          []string // the service's base URLs, taken in turn by the requests
	next           int
	byHost         map[string]int // requests by the host:port they went to
	acks           map[string]ack // by task id
	longest        time.Duration
	retries503     int
	retriesDropped int
	requests       int
	statuses       map[int]int // answers by status
	unexpected     []string
}

func newWriterSet(base string, mixed bool) *writerSet {
	return &writerSet{bases: []string{base}, mixed: mixed, byHost: map[string]int{}, acks: map[string]ack{}, statuses: map[int]int{}}
}

// setBases makes the requests from now on go to bases in turn.
func (w *writerSet) setBases(bases ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.bases = bases
}

// base returns the base URL for the next request.
func (w *writerSet) base() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	return w.bases[w.next%len(w.bases)]
}

// ack is one acknowledged write.
type ack struct {
	writer int
	key    string
	at     time.Time
}

// run creates tasks as writer i until stop: each with a new Idempotency-Key (its title
// too), retried with the same key on a 503 or a dropped connection until acknowledged.
func (w *writerSet) run(i int, stop <-chan struct{}) {
	client := &http.Client{Timeout: clientTimeout}
	for {
		key := uuid.NewString()
		for attempt := 0; ; attempt++ {
			select {
			case <-stop:
				return
			default:
			}
			if attempt > 0 {
				time.Sleep(20 * time.Millisecond) // a client's back-off
			}
			id, status, err := w.create(client, i, key)
			if err == nil && (status == http.StatusCreated || status == http.StatusOK) {
				w.mu.Lock()
				w.acks[id] = ack{writer: i, key: key, at: time.Now()}
				w.mu.Unlock()
				if w.mixed {
					w.read(client, i, "/api/tasks/"+id, stop)
					w.read(client, i, "/api/tasks?limit=5", stop)
				}
				break
			}
			w.mu.Lock()
			switch {
			case err != nil:
				w.retriesDropped++
			case status == http.StatusServiceUnavailable:
				w.retries503++
			default:
				w.unexpected = append(w.unexpected, fmt.Sprintf("writer %d: status %d", i, status))
			}
			w.mu.Unlock()
			if *noKey {
				key = uuid.NewString() // broken on purpose: the retry is a new write
			}
		}
	}
}

// read GETs path as writer i until it is answered 200, retrying on a 503 or a dropped
// connection; any other answer is unexpected.
func (w *writerSet) read(client *http.Client, i int, path string, stop <-chan struct{}) {
	for attempt := 0; ; attempt++ {
		select {
		case <-stop:
			return
		default:
		}
		if attempt > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		req, err := http.NewRequest(http.MethodGet, w.base()+path, nil)
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer "+w.tokens[i])
		res, err := w.do(client, req, io.Discard)
		w.mu.Lock()
		switch {
		case err != nil:
			w.retriesDropped++
		case res.StatusCode == http.StatusOK:
			w.mu.Unlock()
			return
		case res.StatusCode == http.StatusServiceUnavailable:
			w.retries503++
		default:
			w.unexpected = append(w.unexpected, fmt.Sprintf("writer %d: GET %s: status %d", i, path, res.StatusCode))
		}
		w.mu.Unlock()
	}
}

// do sends req, reads the answer's body into body and counts the request, its time and its
// status.
func (w *writerSet) do(client *http.Client, req *http.Request, body io.Writer) (*http.Response, error) {
	start := time.Now()
	res, err := client.Do(req)
	if err == nil {
		_, err = io.Copy(body, res.Body)
		res.Body.Close()
	}
	took := time.Since(start)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.requests++
	w.byHost[req.URL.Host]++
	w.longest = max(w.longest, took)
	if err != nil {
		return nil, err
	}
	w.statuses[res.StatusCode]++
	return res, nil
}

// create sends one POST /api/tasks and returns the task's id and the status.
func (w *writerSet) create(client *http.Client, i int, key string) (string, int, error) {
	req, err := http.NewRequest(http.MethodPost, w.base()+"/api/tasks", strings.NewReader(`{"title":"`+key+`"}`))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Authorization", "Bearer "+w.tokens[i])
	req.Header.Set("Content-Type", "application/json")
	if !*noKey {
		req.Header.Set("Idempotency-Key", key)
	}
	var body bytes.Buffer
	res, err := w.do(client, req, &body)
	if err != nil {
		return "", 0, err
	}
	var task struct{ ID string }
	if res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body.Bytes(), &task); err != nil || task.ID == "" {
			return "", 0, fmt.Errorf("task without an id: %s", body.Bytes())
		}
	}
	return task.ID, res.StatusCode, nil
}

// waitAcks waits until every writer has n writes acknowledged after since.
func (w *writerSet) waitAcks(t *testing.T, since time.Time, n int) {
	t.Helper()
	const limit = 2 * time.Minute // only stops a broken test from hanging
	deadline := time.Now().Add(limit)
	for {
		counts := make([]int, writers)
		w.mu.Lock()
		for _, a := range w.acks {
			if a.at.After(since) {
				counts[a.writer]++
			}
		}
		unexpected := slices.Clone(w.unexpected)
		w.mu.Unlock()
		if slices.Min(counts) >= n {
			return
		}
		if len(unexpected) > 0 {
			t.Fatalf("unexpected answers: %s", few(unexpected))
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, writes acknowledged per writer since %s: %v, want %d each", limit, since.Format(time.TimeOnly), counts, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// result sums up the writers' record around the promotion.
func (w *writerSet) result(promoted time.Time) result {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := result{acked: len(w.acks), longest: w.longest, retries503: w.retries503, retriesDropped: w.retriesDropped, unexpected: w.unexpected}
	firstOf := make([]time.Duration, writers)
	for _, a := range w.acks {
		if d := a.at.Sub(promoted); d > 0 && (firstOf[a.writer] == 0 || d < firstOf[a.writer]) {
			firstOf[a.writer] = d
		}
	}
	r.first, r.all = slices.Min(firstOf), slices.Max(firstOf)
	return r
}

// check reads the tasks on the new primary: the acknowledged ones missing there (lost) and
// the titles — each write's key — that more than one task has (duplicated).
func check(t *testing.T, primary *pgcluster.Cluster, acks map[string]ack) (lost, duplicated []string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, primary.URL("todo"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT id::text, title FROM tasks")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	perTitle := map[string]int{}
	for rows.Next() {
		var id, title string
		if err := rows.Scan(&id, &title); err != nil {
			t.Fatal(err)
		}
		found[id] = title
		perTitle[title]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for id, a := range acks {
		if found[id] != a.key {
			lost = append(lost, id)
		}
	}
	for title, n := range perTitle {
		if n > 1 {
			duplicated = append(duplicated, fmt.Sprintf("%s ×%d", title, n))
		}
	}
	if *noKey {
		// Without keys every retry has a title of its own: count the writes whose retries
		// left more than one task, from the writers' point of view.
		duplicated = append(duplicated, extraTasks(len(found), len(acks))...)
	}
	slices.Sort(lost)
	slices.Sort(duplicated)
	return lost, duplicated
}

// extraTasks names the tasks beyond the acknowledged writes (retries without a key that the
// database committed although the client saw an error).
func extraTasks(tasks, acked int) []string {
	var out []string
	for i := acked; i < tasks; i++ {
		out = append(out, fmt.Sprintf("extra task %d", i-acked+1))
	}
	return out
}

// few returns the first ten of s, saying how many more there are.
func few(s []string) string {
	if len(s) <= 10 {
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(s[:10], ", "), len(s)-10)
}
