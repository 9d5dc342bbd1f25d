package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

// The binaries under test: built on first use into binDir (removed by TestMain), or
// FAULTTEST_BINARY.
var (
	binDir     string
	buildPlain = sync.OnceValues(func() (string, error) { return buildBinary(false) })
	buildRace  = sync.OnceValues(func() (string, error) { return buildBinary(true) })
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "faulttest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create binary directory:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	return m.Run()
}

// binaryKind says which build a test runs.
type binaryKind int

const (
	// withRace is built with the race detector when the tests run with it, so that a race
	// in the shutdown or reconnect paths shows up (raceReports).
	withRace binaryKind = iota
	// plain is never built with the race detector: for tests that measure memory, which the
	// detector's shadow memory inflates several times and keeps growing.
	plain
)

// binary returns the todo-api binary of kind.
func binary(t testing.TB, kind binaryKind) string {
	t.Helper()
	if p := os.Getenv("FAULTTEST_BINARY"); p != "" {
		return p
	}
	build := buildPlain
	if kind == withRace && proctest.Race {
		build = buildRace
	}
	path, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// buildBinary builds cmd/todo-api.
func buildBinary(race bool) (string, error) {
	name := "todo-api"
	if race {
		name += "-race"
	}
	return proctest.BuildServe(binDir, name, race)
}

// database is a PostgreSQL cluster of one test, which the test may stop and start, with the
// service's database owned by an ordinary role (no superuser, no BYPASSRLS), as on Neon.
type database struct {
	cluster *pgcluster.Cluster
	// Admin is the superuser on the service's database: it sees every row.
	Admin *pgxpool.Pool
	// AppURL is the service's DATABASE_URL.
	AppURL string
}

// startDatabase starts a throwaway cluster for t with the database "todo" owned by role
// todo_app; everything is removed at cleanup.
func startDatabase(t testing.TB) *database {
	t.Helper()
	tmp, err := os.MkdirTemp("", "faulttest-pg-")
	if err != nil {
		t.Fatal(err)
	}
	// As root, the server runs as postgres and must get through the directory.
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir:   filepath.Join(tmp, "data"),
		Ephemeral: true,
		// fsync off only matters for an operating system crash, which no test simulates;
		// synchronous_commit stays on, so an acknowledged commit is in the WAL.
		Settings: map[string]string{"fsync": "off", "full_page_writes": "off", "max_connections": "100"},
	})
	if err != nil {
		_ = os.RemoveAll(tmp)
		t.Fatalf("start PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Destroy(ctx); err != nil {
			t.Errorf("destroy cluster: %v", err)
		}
		_ = os.RemoveAll(tmp)
	})
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, stmt := range []string{
		"CREATE ROLE todo_app LOGIN PASSWORD 'todo_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
		"CREATE DATABASE todo OWNER todo_app",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	admin, err := pgxpool.New(ctx, c.URL("todo"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close) // before Destroy: cleanups run last-in first-out
	return &database{
		cluster: c,
		Admin:   admin,
		AppURL:  fmt.Sprintf("postgres://todo_app:todo_app@127.0.0.1:%d/todo?sslmode=disable", c.Port()),
	}
}

// Stop stops PostgreSQL (fast shutdown: sessions are terminated).
func (d *database) Stop(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.cluster.Stop(ctx); err != nil {
		t.Fatalf("stop PostgreSQL: %v", err)
	}
}

// Start starts PostgreSQL again on the same port — the one the service's pool dials. While
// it was down, another process may have bound that port for a moment (a test finding a free
// port binds one and closes it): pgcluster reports that as ErrPortInUse, and Start tries
// the same port again until the minute is up.
func (d *database) Start(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		err := d.cluster.Start(ctx)
		if err == nil {
			return
		}
		if !errors.Is(err, pgcluster.ErrPortInUse) {
			t.Fatalf("start PostgreSQL again: %v", err)
		}
		t.Logf("start PostgreSQL again: %v; retrying on the same port", err)
		select {
		case <-ctx.Done():
			t.Fatalf("start PostgreSQL again: its port %d stayed taken for a minute: %v", d.cluster.Port(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lockWaiters counts the service's sessions waiting for a lock.
func (d *database) lockWaiters(t testing.TB) int {
	t.Helper()
	var n int
	err := d.Admin.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'todo-api' AND wait_event_type = 'Lock'").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitLockWaiters waits until n of the service's sessions wait for a lock.
func (d *database) waitLockWaiters(t testing.TB, n int) {
	t.Helper()
	const limit = 30 * time.Second // only stops a broken test from hanging
	deadline := time.Now().Add(limit)
	for d.lockWaiters(t) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d of the service's sessions wait for the row lock after %s", n, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// missingWrites returns the acknowledged task ids (id → owner) that are not in the database
// with that owner, read as the superuser.
func (d *database) missingWrites(t testing.TB, acked map[string]string) []string {
	t.Helper()
	ids := make([]string, 0, len(acked))
	for id := range acked {
		ids = append(ids, id)
	}
	rows, err := d.Admin.Query(context.Background(), "SELECT id::text, user_id FROM tasks WHERE id = ANY($1::uuid[])", ids)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for rows.Next() {
		var id, owner string
		if err := rows.Scan(&id, &owner); err != nil {
			t.Fatal(err)
		}
		found[id] = owner
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for id, owner := range acked {
		if found[id] != owner {
			missing = append(missing, id+" of "+owner)
		}
	}
	slices.Sort(missing)
	return missing
}

// few returns the first ten of s, saying how many more there are.
func few(s []string) string {
	if len(s) <= 10 {
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(s[:10], ", "), len(s)-10)
}

// apiProc is `todo-api serve` as a child process on a loopback address. It logs at level
// warn, so no "serving" line says where it listens: each start picks a free port and starts
// again on another should that port be taken first (proctest.StartOnFreeAddr). A restart
// may therefore move it; clients ask URL for every request.
type apiProc struct {
	bin string
	env []string

	mu   sync.Mutex
	addr string
	cmd  *exec.Cmd
	done chan struct{}
	err  error                  // Wait's result, once done is closed
	logs *proctest.LockedBuffer // stdout and stderr of every process started
}

// startAPI starts the service (the build of kind) on db and iss with the settings in extra
// (which override the defaults: DB_ACQUIRE_TIMEOUT 1s, DB_STATEMENT_TIMEOUT 2s, no rate limit)
// and waits until /readyz answers 200. The process is stopped at cleanup.
func startAPI(t testing.TB, kind binaryKind, db *database, iss *authtest.Issuer, extra map[string]string) *apiProc {
	t.Helper()
	settings := map[string]string{
		"DATABASE_URL":         db.AppURL,
		"JWKS_URL":             iss.JWKSURL(),
		"JWT_ISSUER":           iss.IssuerName(),
		"JWT_AUDIENCE":         iss.Audience(),
		"RATE_LIMIT_PER_USER":  "0",
		"DB_ACQUIRE_TIMEOUT":   "1s",
		"DB_STATEMENT_TIMEOUT": "2s",
		"LOG_LEVEL":            "warn",
		"LOG_FORMAT":           "json",
	}
	for k, v := range extra {
		settings[k] = v
	}
	a := &apiProc{bin: binary(t, kind), logs: &proctest.LockedBuffer{}}
	a.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range settings {
		a.env = append(a.env, k+"="+v)
	}
	t.Cleanup(func() {
		a.stop(t)
		if t.Failed() {
			t.Logf("todo-api output (last 40 lines):\n%s", lastLines(a.logs.String(), 40))
		}
	})
	a.start(t)
	return a
}

// readyLimit bounds a start: migrations and the first JWKS fetch, under the race detector on
// a busy machine.
const readyLimit = 90 * time.Second

// start starts a process on a free port and waits until it is ready.
func (a *apiProc) start(t testing.TB) {
	t.Helper()
	proctest.StartOnFreeAddr(t, a.startOn)
}

// startOn starts a process listening on addr and waits until it is ready; the error wraps
// proctest.ErrAddrInUse when the process exited because another one had taken addr.
func (a *apiProc) startOn(addr string) error {
	logStart := len(a.logs.String())
	cmd := exec.Command(a.bin, "serve")
	cmd.Env = append(slices.Clone(a.env), "LISTEN_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = a.logs, a.logs
	// Its own process group; killed if the test binary dies without cleaning up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start todo-api: %w", err)
	}
	done := make(chan struct{})
	a.mu.Lock()
	a.addr, a.cmd, a.done, a.err = addr, cmd, done, nil
	a.mu.Unlock()
	go func() {
		err := cmd.Wait()
		a.mu.Lock()
		a.err = err
		a.mu.Unlock()
		close(done)
	}()
	err := a.ready(readyLimit)
	if err != nil && a.exitErr() != nil && proctest.AddrInUse(a.logs.String()[logStart:]) {
		return fmt.Errorf("todo-api on %s: %w", addr, proctest.ErrAddrInUse)
	}
	return err
}

// waitReady polls /readyz until 200, failing the test if the process exits or limit passes.
func (a *apiProc) waitReady(t testing.TB, limit time.Duration) {
	t.Helper()
	if err := a.ready(limit); err != nil {
		t.Fatal(err)
	}
}

// ready polls /readyz until 200; it fails if the process exits or limit passes first.
func (a *apiProc) ready(limit time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for {
		res, err := c.Get(a.URL() + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-a.exited():
			return fmt.Errorf("todo-api exited before it was ready (%v):\n%s", a.exitErr(), lastLines(a.logs.String(), 40))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("todo-api not ready after %s (last error %v):\n%s", limit, err, lastLines(a.logs.String(), 40))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the service's base URL; a restart may change it.
func (a *apiProc) URL() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return "http://" + a.addr
}

// PID is the running (or last) process's id.
func (a *apiProc) PID() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cmd.Process.Pid
}

func (a *apiProc) exited() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.done
}

func (a *apiProc) exitErr() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// signal sends sig to the process.
func (a *apiProc) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	a.mu.Lock()
	p := a.cmd.Process
	a.mu.Unlock()
	if err := p.Signal(sig); err != nil {
		t.Fatalf("signal todo-api: %v", err)
	}
}

// waitExit waits at most limit for the process to exit and returns its exit status.
func (a *apiProc) waitExit(t testing.TB, limit time.Duration) int {
	t.Helper()
	select {
	case <-a.exited():
	case <-time.After(limit):
		t.Fatalf("todo-api still running %s after the signal", limit)
	}
	var exit *exec.ExitError
	if err := a.exitErr(); errors.As(err, &exit) {
		return exit.ExitCode()
	} else if err != nil {
		t.Fatalf("todo-api: %v", err)
	}
	return 0
}

// stop ends the process if it runs: SIGTERM, then SIGKILL after 20 s. The process is one
// this test started, addressed by its own id.
func (a *apiProc) stop(t testing.TB) {
	a.mu.Lock()
	cmd, done := a.cmd, a.done
	a.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Errorf("todo-api (pid %d) ignored SIGTERM for 20 s: killing it", cmd.Process.Pid)
		_ = cmd.Process.Kill()
		<-done
	}
}

// rss returns the process's resident set size in bytes (0 once it has exited).
func (a *apiProc) rss() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", a.PID()))
	if err != nil {
		return 0
	}
	for l := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// goroutines reads go_goroutines from /metrics.
func (a *apiProc) goroutines(c *http.Client) (int, error) {
	res, err := c.Get(a.URL() + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int(f), err
		}
	}
	return 0, fmt.Errorf("no go_goroutines in /metrics (%v)", sc.Err())
}

// raceReports counts the race detector's reports in the service's output.
func (a *apiProc) raceReports() int {
	return strings.Count(a.logs.String(), "WARNING: DATA RACE")
}

// newClient returns an HTTP client for many concurrent requests to one host.
func newClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: 512,
			IdleConnTimeout:     30 * time.Second,
			DisableCompression:  true,
		},
	}
}

// outcome is one request as a client saw it.
type outcome struct {
	Op         string
	Start      time.Time
	Took       time.Duration
	Status     int   // 0: no response
	Err        error // transport error
	RetryAfter string
	Body       []byte
}

// end is when the response arrived.
func (o outcome) end() time.Time { return o.Start.Add(o.Took) }

// request sends one request with a bearer token and a JSON body (when body is not nil).
func request(ctx context.Context, c *http.Client, op, method, url, token string, body any, header map[string]string) outcome {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(b)
	}
	o := outcome{Op: op, Start: time.Now()}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		o.Err = err
		return o
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		o.Took, o.Err = time.Since(o.Start), err
		return o
	}
	o.Body, err = io.ReadAll(res.Body)
	res.Body.Close()
	o.Took, o.Status, o.RetryAfter = time.Since(o.Start), res.StatusCode, res.Header.Get("Retry-After")
	if err != nil {
		o.Err = err
	}
	return o
}

// taskID returns the id of the task in a response body.
func taskID(body []byte) string {
	var task struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(body, &task)
	return task.ID
}

// writeLoad is a steady stream of POST /api/tasks from several users, each of which waits
// pause between its requests. It records every outcome and every acknowledged (201) task.
type writeLoad struct {
	url    string
	client *http.Client
	users  []string
	tokens []string

	mu       sync.Mutex
	outcomes []outcome
	acked    map[string]string // task id → owner
}

// newWriteLoad prepares n writers for api; tokens are minted now (15-minute lifetime).
func newWriteLoad(t testing.TB, api *apiProc, iss *authtest.Issuer, n int) *writeLoad {
	t.Helper()
	w := &writeLoad{url: api.URL(), client: newClient(30 * time.Second), acked: map[string]string{}}
	for i := range n {
		user := fmt.Sprintf("writer-%02d", i)
		w.users = append(w.users, user)
		w.tokens = append(w.tokens, iss.Token(t, user))
	}
	return w
}

// start runs the writers until ctx ends; the returned function waits for them.
func (w *writeLoad) start(ctx context.Context, pause time.Duration) (wait func()) {
	var wg sync.WaitGroup
	for i, user := range w.users {
		wg.Go(func() {
			for seq := 0; ctx.Err() == nil; seq++ {
				o := request(context.WithoutCancel(ctx), w.client, "create", http.MethodPost, w.url+"/api/tasks", w.tokens[i],
					map[string]any{"title": fmt.Sprintf("%s write %d", user, seq)}, nil)
				w.mu.Lock()
				w.outcomes = append(w.outcomes, o)
				if o.Status == http.StatusCreated {
					w.acked[taskID(o.Body)] = user
				}
				w.mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(pause):
				}
			}
		})
	}
	return wg.Wait
}

// results returns the outcomes so far, in start order, and a copy of the acknowledged ids.
func (w *writeLoad) results() ([]outcome, map[string]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.outcomes)
	slices.SortFunc(out, func(a, b outcome) int { return a.Start.Compare(b.Start) })
	acked := make(map[string]string, len(w.acked))
	for k, v := range w.acked {
		acked[k] = v
	}
	return out, acked
}

// firstCreatedAfter returns when the first 201 to a request sent after since arrived.
func (w *writeLoad) firstCreatedAfter(since time.Time) (time.Time, bool) {
	outs, _ := w.results()
	for _, o := range outs {
		if o.Status == http.StatusCreated && !o.Start.Before(since) {
			return o.end(), true
		}
	}
	return time.Time{}, false
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// percentile returns the p-th percentile (0..100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// sleepUntil sleeps until t (or not at all when t has passed).
func sleepUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		time.Sleep(d)
	}
}

// violations collects broken expectations by kind, so that a broken build fails with a
// count and an example of each instead of a line per request.
type violations struct {
	order   []string
	count   map[string]int
	example map[string]string
}

func (v *violations) add(kind, format string, args ...any) {
	if v.count == nil {
		v.count, v.example = map[string]int{}, map[string]string{}
	}
	if v.count[kind] == 0 {
		v.order = append(v.order, kind)
		v.example[kind] = fmt.Sprintf(format, args...)
	}
	v.count[kind]++
}

// report fails t with every kind of violation seen, out of total.
func (v *violations) report(t testing.TB, total int) {
	t.Helper()
	for _, kind := range v.order {
		t.Errorf("%d of %d requests: %s; e.g. %s", v.count[kind], total, kind, v.example[kind])
	}
}
