package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/pgcluster"
)

// bench is one benchmark run against a started server and cluster.
type bench struct {
	s         settings
	base      string
	users     []*benchUser
	listUsers []*benchUser // the lists-* scenarios' users (seedListUsers)
	// sharedUsers are lists-shared's users, each an editor of a lists user's list
	// (seedSharedMembers).
	sharedUsers []*benchUser
	cluster     *pgcluster.Cluster
	server      int // pid of todo-api
	tmp         string
	debugAddr   string
	logf        func(string, ...any)
	pgbench     string
	targets     int
	lists       int    // rows of bench_lists
	listTasks   int    // rows of bench_list_targets
	role        string // serve's database role
}

// row is one line of the result table.
type row struct {
	Scenario    string  `json:"scenario"`
	Conns       int     `json:"conns"`
	RPS         float64 `json:"rps"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Errors      int64   `json:"errors"`
	Requests    int64   `json:"requests"`
	BytesPerReq float64 `json:"bytes_per_req"` // response bytes read, headers included
	Bound       string  `json:"bound,omitempty"`
	BoundTPS    float64 `json:"bound_tps,omitempty"`
	Ratio       float64 `json:"ratio,omitempty"`
	ServerCPUms float64 `json:"server_cpu_ms_per_req"`
	PgCPUms     float64 `json:"pg_cpu_ms_per_req"`
	BoundPgCPU  float64 `json:"bound_pg_cpu_ms_per_tx,omitempty"`
	// The bound with row-level security as the service meets it (see rlsBoundScripts).
	RLSBoundTPS float64 `json:"rls_bound_tps,omitempty"`
	RLSRatio    float64 `json:"rls_ratio,omitempty"`
	RLSBoundCPU float64 `json:"rls_bound_pg_cpu_ms_per_tx,omitempty"`
	MaxRSSMiB   float64 `json:"max_rss_mib,omitempty"`
	// The composed bound (bound.go): net/http sending the captured response, and its sum
	// with the (rls) bound's PostgreSQL CPU; ratio = (server + PostgreSQL) / composed.
	HTTPBoundRPS    float64 `json:"http_bound_rps,omitempty"`
	HTTPBoundCPU    float64 `json:"http_bound_cpu_ms_per_req,omitempty"`
	HTTPBoundErrors int64   `json:"http_bound_errors,omitempty"`
	HTTPBoundBytes  float64 `json:"http_bound_bytes_per_req,omitempty"`
	ComposedCPU     float64 `json:"composed_bound_cpu_ms_per_req,omitempty"`
	ComposedRatio   float64 `json:"composed_ratio,omitempty"`
	Rounds          int     `json:"rounds,omitempty"` // medians of this many alternating rounds
	// ComposedRatios are the rounds' own ratios, in the order they ran: their spread is the
	// noise of the median.
	ComposedRatios []float64 `json:"composed_ratios,omitempty"`
}

// results is everything one run measured.
type results struct {
	When     time.Time `json:"when"`
	Users    int       `json:"users"`
	Tasks    int       `json:"tasks_per_user"`
	Duration string    `json:"duration_each"`
	Rows     []row     `json:"rows"`
	OpenLoop *openLoop `json:"open_loop,omitempty"`
	Profiles []string  `json:"profiles,omitempty"`
	Role     string    `json:"server_role"`
}

// bounds: the statement pgbench runs for each API scenario. Each has the user_id predicate
// the API's query has; single picks a random seeded (user, task) pair through a small
// lookup table in the same statement, which makes that bound slightly pessimistic.
var boundScripts = map[string]string{
	"single": `\set n random(1, :targets)
SELECT t.user_id, t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.tags, t.created_at, t.updated_at, t.completed_at, t.version
FROM bench_targets b JOIN tasks t ON t.user_id = b.user_id AND t.id = b.id WHERE b.n = :n;
`,
	"list": `\set u random(1, :users)
SELECT user_id, id, title, description, completed, priority, due_date, tags, created_at, updated_at, completed_at, version
FROM tasks WHERE user_id = 'bench-user-' || lpad(:u::text, 3, '0') ORDER BY created_at DESC, id DESC LIMIT 51;
`,
	"create": `\set u random(1, :users)
INSERT INTO tasks (user_id, id, title, priority, tags, position)
VALUES ('bench-user-' || lpad(:u::text, 3, '0'), gen_random_uuid(), 'pgbench task', 'high', '{load}', 'a0' || md5(random()::text) || '1')
RETURNING user_id, id, title, description, completed, priority, due_date, tags, created_at, updated_at, completed_at, version;
`,
	// Lists (issue 14): the lists users' own statements, picking from bench_lists (the lists
	// users' lists) and bench_list_targets (their tasks).
	"lists-one": `\set n random(1, :lists)
SELECT t.user_id, t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.tags, t.created_at, t.updated_at, t.completed_at, t.version
FROM tasks t JOIN bench_lists b ON t.user_id = b.user_id AND t.list_id = b.id
WHERE b.n = :n AND t.deleted_at IS NULL ORDER BY t.created_at DESC, t.id DESC LIMIT 51;
`,
	"lists-all": `\set u random(1, :listusers)
SELECT user_id, id, title, description, completed, priority, due_date, tags, created_at, updated_at, completed_at, version
FROM tasks WHERE user_id = 'bench-lists-' || lpad(:u::text, 3, '0') AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 51;
`,
	"lists-single": `\set n random(1, :listtasks)
SELECT t.user_id, t.id, t.title, t.description, t.completed, t.priority, t.due_date, t.tags, t.created_at, t.updated_at, t.completed_at, t.version
FROM bench_list_targets b JOIN tasks t ON t.user_id = b.user_id AND t.id = b.id WHERE b.n = :n;
`,
	"lists-create": `\set n random(1, :lists)
INSERT INTO tasks (user_id, id, title, priority, tags, position, list_id)
SELECT user_id, gen_random_uuid(), 'pgbench task', 'high', '{load}', 'a0' || md5(random()::text) || '1', id FROM bench_lists WHERE n = :n
RETURNING user_id, id, title, description, completed, priority, due_date, tags, created_at, updated_at, completed_at, version;
`,
}

// rlsBoundScripts: the same statements as boundScripts, run as the service's role with
// row-level security, each in one pipeline after set_config(app.user_id) — one round trip and
// one implicit transaction, exactly what internal/store sends. The targets stay against the
// plain bounds; these say how much of the gap the policies themselves explain.
var rlsBoundScripts = map[string]string{
	"single": `\set n random(1, :targets)
\startpipeline
SELECT set_config('app.user_id', (SELECT user_id FROM bench_targets WHERE n = :n), true);
` + strings.SplitN(boundScripts["single"], "\n", 2)[1] + `\endpipeline
`,
	"list": `\set u random(1, :users)
\startpipeline
SELECT set_config('app.user_id', 'bench-user-' || lpad(:u::text, 3, '0'), true);
` + strings.SplitN(boundScripts["list"], "\n", 2)[1] + `\endpipeline
`,
	"create": `\set u random(1, :users)
\startpipeline
SELECT set_config('app.user_id', 'bench-user-' || lpad(:u::text, 3, '0'), true);
` + strings.SplitN(boundScripts["create"], "\n", 2)[1] + `\endpipeline
`,
	"lists-one":    rlsByTable("lists-one", "bench_lists"),
	"lists-all":    rlsByUserNumber("lists-all", "bench-lists-"),
	"lists-single": rlsByTable("lists-single", "bench_list_targets"),
	"lists-create": rlsByTable("lists-create", "bench_lists"),
}

// rlsByTable is the row-level security bound of a boundScripts statement that picks its row
// :n from table (which has the row's user_id).
func rlsByTable(scenario, table string) string {
	first, rest, _ := strings.Cut(boundScripts[scenario], "\n")
	return first + `
\startpipeline
SELECT set_config('app.user_id', (SELECT user_id FROM ` + table + ` WHERE n = :n), true);
` + rest + `\endpipeline
`
}

// rlsByUserNumber is the row-level security bound of a boundScripts statement for the user
// prefix || :u.
func rlsByUserNumber(scenario, prefix string) string {
	first, rest, _ := strings.Cut(boundScripts[scenario], "\n")
	return first + `
\startpipeline
SELECT set_config('app.user_id', '` + prefix + `' || lpad(:u::text, 3, '0'), true);
` + rest + `\endpipeline
`
}

func (b *bench) prepareBounds(ctx context.Context) error {
	dir, err := pgcluster.FindBinDir()
	if err != nil {
		return err
	}
	b.pgbench = filepath.Join(dir, "pgbench")
	conn, err := pgx.Connect(ctx, b.cluster.URL("bench"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE bench_targets AS
		SELECT row_number() OVER (ORDER BY user_id, id)::int AS n, user_id, id FROM tasks WHERE user_id LIKE 'bench-user-%';
		ALTER TABLE bench_targets ADD PRIMARY KEY (n);
		CREATE TABLE bench_list_targets AS
		SELECT row_number() OVER (ORDER BY user_id, id)::int AS n, user_id, id FROM tasks WHERE user_id LIKE 'bench-lists-%';
		ALTER TABLE bench_list_targets ADD PRIMARY KEY (n);
		CREATE TABLE bench_lists AS
		SELECT row_number() OVER (ORDER BY owner_id, id)::int AS n, owner_id AS user_id, id FROM lists
		WHERE owner_id LIKE 'bench-lists-%' AND id IN (SELECT list_id FROM tasks);
		ALTER TABLE bench_lists ADD PRIMARY KEY (n);
		ANALYZE;`); err != nil {
		return err
	}
	if b.role != "postgres" {
		if _, err := conn.Exec(ctx, `GRANT SELECT ON bench_targets, bench_list_targets, bench_lists TO `+pgx.Identifier{b.role}.Sanitize()); err != nil {
			return err
		}
	}
	return conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM bench_targets), (SELECT count(*) FROM bench_list_targets), (SELECT count(*) FROM bench_lists)`).Scan(&b.targets, &b.listTasks, &b.lists)
}

func (b *bench) runAll(ctx context.Context) (*results, error) {
	res := &results{When: time.Now().UTC(), Users: b.s.users, Tasks: b.s.tasksPerUser, Duration: b.s.duration.String(), Role: b.role}
	// list-gzip is list for a client that accepts gzip: its api cpu ms/req beside list's is
	// what compressing a page costs, its bytes/req what it saves.
	scenarios := []string{"list", "list-gzip", "single", "create", "mix"}
	if len(b.listUsers) > 0 {
		// lists-shared beside lists-one: a list shared with the caller against an own list of
		// the same size (issue 16: at most 1.5× PostgreSQL's CPU).
		scenarios = append(scenarios, "lists-one", "lists-shared", "lists-all", "lists-single", "lists-create")
	}
	scripts := map[string]string{}
	for _, sc := range scenarios {
		p, err := writeScript(b.tmp, sc, b.scenarioUsers(sc))
		if err != nil {
			return nil, err
		}
		scripts[sc] = p
	}
	scenarios, err := only(scenarios, b.s.scenarios)
	if err != nil {
		return nil, err
	}
	// The HTTP bound's responses, taken before the warm-up's creates and toggles change the
	// seeded tasks, so that they have the sizes most responses of the run have.
	var responses map[string]*captured
	if b.s.bounds {
		if responses, err = b.captureAll(ctx, scenarios); err != nil {
			return nil, err
		}
	}
	// Warm up caches and the pool.
	if _, err := runWrk(ctx, b.base, scripts["mix"], 16, 3*time.Second); err != nil {
		return nil, err
	}
	peakSingle := 0.0
	for _, c := range b.s.conns {
		for _, sc := range scenarios {
			r, err := b.measureScenario(ctx, sc, scripts[sc], responses[sc], c)
			if err != nil {
				return nil, err
			}
			if sc == "single" && r.RPS > peakSingle {
				peakSingle = r.RPS
			}
			res.Rows = append(res.Rows, r)
		}
	}
	if peakSingle == 0 {
		b.logf("no open loop: it runs at half single's peak, and single was not measured")
		return res, b.profileAll(ctx, res, scenarios, scripts)
	}
	b.logf("open loop: single at half the peak rate (%.0f/s) over %d connections", peakSingle/2, b.s.openLoopConns)
	b.settle()
	ol, err := runOpenLoop(ctx, b.base, b.users, peakSingle/2, b.s.duration, b.s.openLoopConns)
	if err != nil {
		return nil, err
	}
	res.OpenLoop = ol
	return res, b.profileAll(ctx, res, scenarios, scripts)
}

// profileAll saves, with -profile, the server's profiles under list, single and mix, as far
// as they are among the scenarios measured.
func (b *bench) profileAll(ctx context.Context, res *results, scenarios []string, scripts map[string]string) error {
	if !b.s.profile || b.debugAddr == "" {
		return nil
	}
	for _, sc := range []string{"list", "single", "mix"} {
		if !slices.Contains(scenarios, sc) {
			continue
		}
		b.logf("profiling the server under %s", sc)
		files, err := b.profile(ctx, sc, scripts[sc])
		if err != nil {
			return err
		}
		res.Profiles = append(res.Profiles, files...)
	}
	return nil
}

func (b *bench) measureAPI(ctx context.Context, scenario, script string, conns int) (row, error) {
	b.settle()
	srv0, pg0 := procCPU(b.server), b.pgCPU()
	stopRSS := make(chan struct{})
	rssc := make(chan float64, 1)
	go func() { rssc <- sampleRSS(b.server, stopRSS) }()
	w, err := runWrk(ctx, b.base, script, conns, b.s.duration)
	close(stopRSS)
	maxRSS := <-rssc
	if err != nil {
		return row{}, err
	}
	srv1, pg1 := procCPU(b.server), b.pgCPU()
	n := float64(w.Requests)
	r := row{
		Scenario: scenario, Conns: conns, RPS: w.rps(), Requests: w.Requests, BytesPerReq: float64(w.Bytes) / n,
		P50ms: float64(w.P50US) / 1000, P99ms: float64(w.P99US) / 1000, Errors: w.errors(),
		ServerCPUms: (srv1 - srv0) / n, PgCPUms: (pg1 - pg0) / n,
	}
	if scenario == "mix" {
		r.MaxRSSMiB = maxRSS
	}
	return r, nil
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
var txLine = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)

// measureBound runs pgbench with sql (a script) as role at clients clients; it returns the
// TPS and PostgreSQL's CPU milliseconds per transaction.
func (b *bench) measureBound(ctx context.Context, name, sql, role string, clients int) (float64, float64, error) {
	script := filepath.Join(b.tmp, "bound-"+name+".sql")
	if err := os.WriteFile(script, []byte(sql), 0o644); err != nil {
		return 0, 0, err
	}
	threads := 2
	if clients < threads {
		threads = clients
	}
	b.settle()
	pg0 := b.pgCPU()
	cmd := exec.CommandContext(ctx, b.pgbench, "-n", "-M", "prepared", "-c", fmt.Sprint(clients), "-j", fmt.Sprint(threads),
		"-T", fmt.Sprint(int(b.s.duration.Seconds())), "-D", fmt.Sprintf("targets=%d", b.targets), "-D", fmt.Sprintf("users=%d", len(b.users)),
		"-D", fmt.Sprintf("lists=%d", b.lists), "-D", fmt.Sprintf("listusers=%d", len(b.listUsers)), "-D", fmt.Sprintf("listtasks=%d", b.listTasks),
		"-f", script, "-h", "127.0.0.1", "-p", fmt.Sprint(b.cluster.Port()), "-U", role, "bench")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("pgbench: %w: %s", err, out)
	}
	b.settle() // pgbench's backends exit with it: count them once reaped
	pg1 := b.pgCPU()
	m := tpsLine.FindSubmatch(out)
	t := txLine.FindSubmatch(out)
	if m == nil || t == nil {
		return 0, 0, fmt.Errorf("pgbench output not understood: %s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	txs, _ := strconv.ParseFloat(string(t[1]), 64)
	return tps, (pg1 - pg0) / txs, nil
}

// profile saves a 10 s CPU profile and the allocations of the same 10 s (a delta profile)
// of the server under one scenario at 16 connections.
func (b *bench) profile(ctx context.Context, scenario, script string) ([]string, error) {
	stamp := time.Now().UTC().Format("20060102T150405Z")
	cpuFile := filepath.Join(b.s.outDir, "cpu-"+scenario+"-"+stamp+".pprof")
	allocFile := filepath.Join(b.s.outDir, "allocs-"+scenario+"-"+stamp+".pprof")
	done := make(chan error, 1)
	go func() {
		_, err := runWrk(ctx, b.base, script, 16, 12*time.Second)
		done <- err
	}()
	time.Sleep(time.Second)
	allocDone := make(chan error, 1)
	go func() { allocDone <- fetch("http://"+b.debugAddr+"/debug/pprof/allocs?seconds=10", allocFile) }()
	if err := fetch("http://"+b.debugAddr+"/debug/pprof/profile?seconds=10", cpuFile); err != nil {
		return nil, err
	}
	if err := <-allocDone; err != nil {
		return nil, err
	}
	if err := <-done; err != nil {
		return nil, err
	}
	return []string{cpuFile, allocFile}, nil
}

func fetch(url, file string) error {
	c := &http.Client{Timeout: 30 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

// clock ticks per second of /proc/*/stat times (USER_HZ; 100 on Linux).
const userHZ = 100

// procStat returns the fields of /proc/pid/stat from the third ("state") on.
func procStat(pid int) (fields []string, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}
	return strings.Fields(s[i+2:]), true // fields from "state" (field 3) on
}

// ticks sums the numbered /proc/pid/stat fields (1-based, as proc(5) numbers them), in ms.
func ticks(f []string, idx ...int) float64 {
	var sum float64
	for _, i := range idx {
		v, _ := strconv.ParseFloat(f[i-3], 64)
		sum += v
	}
	return sum * 1000 / userHZ
}

// procCPU returns the CPU milliseconds (user+system) pid has used.
func procCPU(pid int) float64 {
	f, ok := procStat(pid)
	if !ok {
		return 0
	}
	return ticks(f, 14, 15)
}

// settle waits (up to 2 s) until no child of the postmaster is exiting: a backend's CPU
// moves to the postmaster's reaped-children total only once reaped, so a reading taken while
// pgbench's backends exit misses theirs (it showed as negative CPU per request in the next
// measurement).
func (b *bench) settle() {
	pm := strconv.Itoa(b.cluster.PID())
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		exiting := false
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil {
				continue
			}
			pid, _ := strconv.Atoi(e.Name())
			if f, ok := procStat(pid); ok && len(f) > 1 && f[1] == pm && (f[0] == "Z" || f[0] == "X") {
				exiting = true
				break
			}
		}
		if !exiting {
			return
		}
	}
}

// pgCPU is the CPU the whole cluster has used: the postmaster with its reaped children
// (backends that exited) plus the live children.
func (b *bench) pgCPU() float64 {
	pm := b.cluster.PID()
	f, ok := procStat(pm)
	if !ok {
		return 0
	}
	total := ticks(f, 14, 15, 16, 17)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pm {
			continue
		}
		cf, ok := procStat(pid)
		if !ok || len(cf) < 2 || cf[1] != strconv.Itoa(pm) {
			continue
		}
		total += ticks(cf, 14, 15)
	}
	return total
}

// sampleRSS returns the largest resident set (MiB) of pid seen until stop closes.
func sampleRSS(pid int, stop <-chan struct{}) float64 {
	maxKB := 0.0
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, l := range strings.Split(string(data), "\n") {
				if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
					kb, _ := strconv.ParseFloat(strings.Fields(v)[0], 64)
					if kb > maxKB {
						maxKB = kb
					}
				}
			}
		}
		select {
		case <-stop:
			return maxKB / 1024
		case <-t.C:
		}
	}
}
