package faulttest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
)

var (
	soakDuration = flag.Duration("soak", 0, "run TestSoak for this long (make test-long: 10m); 0 skips it")
	soakEvery    = flag.Duration("soak.every", time.Minute, "TestSoak: time between faults")
	soakUsers    = flag.Int("soak.users", 10, "TestSoak: users, each sending a request every -soak.tick")
	soakTick     = flag.Duration("soak.tick", 200*time.Millisecond, "TestSoak: each user's time between requests")
)

// Soak limits. A fault's window runs from its start to settle after its end; samples outside
// every window are the steady state.
const (
	soakSettle        = 20 * time.Second
	soakSampleEvery   = 5 * time.Second
	soakRSSGrowth     = 16 << 20 // allowed growth of a process's steady RSS, first minute to last
	soakGoroutineDiff = 10       // allowed growth of its steady goroutine count
)

// TestSoak runs mixed load from several users at a steady rate against the real binary for
// -soak, injecting a fault every -soak.every in turn: PostgreSQL stopped for 5 s, the JWKS down
// for 30 s, a key rotation, SIGTERM and a restart of the service. Every response is checked as
// it arrives (no task of another user, no acknowledged task missing, no 5xx but 503 with
// Retry-After, no valid token refused); at the end every acknowledged write is checked in the
// database and the service's RSS and goroutines must be flat in the steady state of each of
// its processes that lived three minutes or more. It prints a summary (and writes it to the
// file SOAK_SUMMARY names, when set).
func TestSoak(t *testing.T) {
	if *soakDuration <= 0 {
		t.Skip("a long test: run it with -soak=10m (make test-long)")
	}
	db := startDatabase(t)
	iss := authtest.NewIssuer(t)
	// The plain build: the race detector's memory would hide the trend that is measured.
	api := startAPI(t, plain, db, iss, map[string]string{"DB_ACQUIRE_TIMEOUT": "1s", "DB_STATEMENT_TIMEOUT": "2s"})
	s := newSoak(api, *soakUsers)
	s.mintTokens(t, iss, authtest.KIDEd25519)

	ctx, stopLoad := context.WithCancel(t.Context())
	defer stopLoad()
	s.start = time.Now()
	var load sync.WaitGroup
	for _, u := range s.users {
		load.Go(func() { s.runUser(ctx, u) })
	}
	stopSampler := s.sample(ctx)

	kid := authtest.KIDEd25519
	for k := 1; ; k++ {
		at := s.start.Add(time.Duration(k) * *soakEvery)
		if at.Add(*soakEvery / 2).After(s.start.Add(*soakDuration)) {
			break
		}
		sleepUntil(at)
		if s.rotated() != "" {
			kid = s.rotated()
		}
		s.mintTokens(t, iss, kid) // fresh tokens: the signature path, not only the token cache
		f := &soakFault{at: time.Now(), fetches0: iss.Fetches()}
		switch (k - 1) % 4 {
		case 0:
			f.kind = "postgres stopped 5s"
			db.Stop(t)
			down := time.Now()
			time.Sleep(5 * time.Second)
			db.Start(t)
			f.note = fmt.Sprintf("down %.1fs", time.Since(down).Seconds())
		case 1:
			f.kind = "jwks down 30s"
			iss.SetDown(true)
			time.Sleep(30 * time.Second)
			iss.SetDown(false)
		case 2:
			newKID := iss.Rotate(t)
			f.kind = "key rotation"
			probe := iss.Token(t, "rotation-probe", authtest.WithKey(newKID))
			go s.learnKey(ctx, f, newKID, probe)
		case 3:
			f.kind = "SIGTERM + restart"
			term := time.Now()
			api.signal(t, syscall.SIGTERM)
			code := api.waitExit(t, 17*time.Second)
			exited := time.Since(term)
			api.start(t)
			f.note = fmt.Sprintf("exit %d after %.1fs, ready again after %.1fs", code, exited.Seconds(), time.Since(term).Seconds())
			if code != 0 || exited > 15*time.Second {
				s.bad.add("service did not exit 0 within 15 s of SIGTERM", "%s", f.note)
			}
		}
		f.end = time.Now()
		f.fetches1 = iss.Fetches()
		s.addFault(f)
	}
	sleepUntil(s.start.Add(*soakDuration))
	stopLoad()
	load.Wait()
	stopSampler()
	elapsed := time.Since(s.start)
	api.waitReady(t, 30*time.Second)

	s.verifyStored(t, db)
	s.checkFlat()
	summary := s.summary(elapsed)
	fmt.Fprint(os.Stdout, summary)
	if path := os.Getenv("SOAK_SUMMARY"); path != "" {
		_ = os.WriteFile(path, []byte(summary), 0o644)
	}
	s.bad.report(t, s.total())
}

// soak is the state of one soak run.
type soak struct {
	api    *apiProc
	client *http.Client
	users  []*soakUser
	start  time.Time

	mu       sync.Mutex
	tokens   map[string]string // user → current token
	owner    map[string]string // acknowledged task id → user
	outcomes []soakOutcome
	faults   []*soakFault
	samples  []soakSample
	newKID   string // a rotated key the service has accepted
	stats    soakStats
	bad      syncViolations
}

type soakStats struct {
	creates, keyedRetries, updates, deletes int // acknowledged
	tasksSeen, foreignProbes                int
	verified, ambiguous                     int
	flat                                    []string
}

// soakUser is one user's worker; only its goroutine touches it.
type soakUser struct {
	name    string
	rng     *rand.Rand
	seq     int
	tasks   map[string]*soakTask
	ids     []string
	pending []pendingCreate // keyed creates with no answer yet, to retry with the same key
}

// soakTask is what the user was last told about one of its tasks.
type soakTask struct {
	title     string
	deleted   bool
	ambiguous bool // a write to it got no clear answer: its state is unknown
}

type pendingCreate struct {
	key, title string
}

type soakOutcome struct {
	op         string
	at         time.Time
	took       time.Duration
	status     int
	retryAfter bool
}

type soakFault struct {
	kind               string
	at, end            time.Time
	note               string
	fetches0, fetches1 int64
	learnt             time.Duration // key rotation: until a token of the new key was accepted
}

type soakSample struct {
	at         time.Time
	pid        int
	rss        int64
	goroutines int
}

// syncViolations is violations for many goroutines.
type syncViolations struct {
	mu sync.Mutex
	v  violations
}

func (s *syncViolations) add(kind, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v.add(kind, format, args...)
}

func (s *syncViolations) report(t testing.TB, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v.report(t, total)
}

func newSoak(api *apiProc, users int) *soak {
	s := &soak{api: api, client: newClient(10 * time.Second), tokens: map[string]string{}, owner: map[string]string{}}
	for i := range users {
		s.users = append(s.users, &soakUser{
			name:  fmt.Sprintf("soak-user-%02d", i),
			rng:   rand.New(rand.NewPCG(uint64(i), 42)),
			tasks: map[string]*soakTask{},
		})
	}
	return s
}

func (s *soak) mintTokens(t testing.TB, iss *authtest.Issuer, kid string) {
	t.Helper()
	fresh := map[string]string{"stranger": iss.SignRaw(t, map[string]any{"alg": "EdDSA", "kid": "unknown-" + time.Now().Format("150405")},
		iss.Claims("stranger"), iss.Signer(t, authtest.KIDEd25519, ""))}
	for _, u := range s.users {
		fresh[u.name] = iss.Token(t, u.name, authtest.WithKey(kid))
	}
	s.mu.Lock()
	s.tokens = fresh
	s.mu.Unlock()
}

func (s *soak) token(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[user]
}

func (s *soak) rotated() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newKID
}

func (s *soak) addFault(f *soakFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// learnKey polls with a token of the new key until the service accepts it, then lets the
// next tokens be signed with it.
func (s *soak) learnKey(ctx context.Context, f *soakFault, kid, token string) {
	c := newClient(10 * time.Second)
	rotated := time.Now()
	for ctx.Err() == nil && time.Since(rotated) < unknownKIDRefresh+30*time.Second {
		o := request(ctx, c, "probe", http.MethodGet, s.api.URL()+"/api/tasks?limit=1", token, nil, nil)
		if o.Status == http.StatusOK {
			s.mu.Lock()
			f.learnt, s.newKID = time.Since(rotated), kid
			s.mu.Unlock()
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	if ctx.Err() == nil {
		s.bad.add("rotated key never accepted", "kid %s refused for %v", kid, time.Since(rotated).Round(time.Second))
	}
}

// sample records the service's RSS and goroutines every soakSampleEvery.
func (s *soak) sample(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			g, err := s.api.goroutines(c)
			if rss := s.api.rss(); err == nil && rss > 0 {
				s.mu.Lock()
				s.samples = append(s.samples, soakSample{time.Now(), s.api.PID(), rss, g})
				s.mu.Unlock()
			}
			select {
			case <-ctx.Done():
			case <-time.After(soakSampleEvery):
			}
		}
	}()
	return func() { <-done }
}

// runUser sends one request every soakTick until ctx ends.
func (s *soak) runUser(ctx context.Context, u *soakUser) {
	tick := time.NewTicker(*soakTick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.step(ctx, u)
	}
}

// step sends one request of a random kind and checks the answer.
func (s *soak) step(ctx context.Context, u *soakUser) {
	u.seq++
	r := u.rng.IntN(100)
	switch {
	case len(u.pending) > 0 && r < 10:
		p := u.pending[0]
		u.pending = u.pending[1:]
		s.create(ctx, u, p.title, p.key, true)
	case r < 30 || len(u.ids) == 0:
		key := ""
		if u.rng.IntN(3) == 0 {
			key = fmt.Sprintf("%s-key-%d", u.name, u.seq)
		}
		s.create(ctx, u, fmt.Sprintf("%s: task %d", u.name, u.seq), key, false)
	case r < 52:
		sorts := []string{"created", "updated", "title", "due_date", "priority"}
		o := s.do(ctx, "list", http.MethodGet, "/api/tasks?limit=100&sort="+sorts[u.rng.IntN(len(sorts))], u.name, nil)
		if o.status == http.StatusOK {
			var tasks []struct{ ID, Title string }
			if err := json.Unmarshal(o.Body, &tasks); err != nil {
				s.bad.add("undecodable list", "%v", err)
			}
			for _, task := range tasks {
				s.checkOwn(u, task.ID, task.Title)
			}
		} else {
			s.unexpected(o, u.name, http.StatusOK)
		}
	case r < 67:
		id, task := u.pick()
		o := s.do(ctx, "get", http.MethodGet, "/api/tasks/"+id, u.name, nil)
		s.checkTask(u, id, task, o, http.StatusOK)
	case r < 77:
		id, task := u.pick()
		title := fmt.Sprintf("%s: task edited at %d", u.name, u.seq)
		o := s.do(ctx, "update", http.MethodPatch, "/api/tasks/"+id, u.name, map[string]any{"title": title})
		if s.checkTask(u, id, task, o, http.StatusOK) {
			task.title = title
			s.count(func(st *soakStats) { st.updates++ })
		}
	case r < 82:
		id, task := u.pick()
		o := s.do(ctx, "complete", http.MethodPatch, "/api/tasks/"+id+"/complete", u.name, map[string]any{"completed": u.rng.IntN(2) == 0})
		s.checkTask(u, id, task, o, http.StatusOK)
	case r < 86:
		id, task := u.pick()
		o := s.do(ctx, "delete", http.MethodDelete, "/api/tasks/"+id, u.name, nil)
		if s.checkTask(u, id, task, o, http.StatusNoContent) {
			task.deleted = true
			u.ids = slices.DeleteFunc(u.ids, func(x string) bool { return x == id })
			s.count(func(st *soakStats) { st.deletes++ })
		}
	case r < 90:
		o := s.do(ctx, "stats", http.MethodGet, "/api/tasks/stats", u.name, nil)
		s.unexpected(o, u.name, http.StatusOK)
	case r < 97:
		// Another user's task, read or written: always 404.
		id, victim := s.foreignTask(u)
		if id == "" {
			return
		}
		var o soakResult
		if r < 94 {
			o = s.do(ctx, "foreign get", http.MethodGet, "/api/tasks/"+id, u.name, nil)
		} else {
			o = s.do(ctx, "foreign update", http.MethodPatch, "/api/tasks/"+id, u.name, map[string]any{"title": u.name + ": pwned"})
		}
		s.count(func(st *soakStats) { st.foreignProbes++ })
		if o.status >= 200 && o.status < 300 {
			s.bad.add("cross-user access", "%s of %s's task %s by %s: %d %s", o.op, victim, id, u.name, o.status, o.Body)
		} else {
			s.unexpected(o, u.name, http.StatusNotFound)
		}
	default:
		// A token whose kid nobody published: 401, whatever the JWKS is doing.
		o := s.do(ctx, "unknown kid", http.MethodGet, "/api/tasks?limit=1", "stranger", nil)
		s.unexpected(o, "stranger", http.StatusUnauthorized)
	}
}

// pick returns one of the user's live tasks.
func (u *soakUser) pick() (string, *soakTask) {
	id := u.ids[u.rng.IntN(len(u.ids))]
	return id, u.tasks[id]
}

// soakResult is an outcome with its body.
type soakResult struct {
	soakOutcome
	Body []byte
	err  error
}

// do sends one request as user and records it.
func (s *soak) do(ctx context.Context, op, method, path, user string, body any) soakResult {
	o := request(context.WithoutCancel(ctx), s.client, op, method, s.api.URL()+path, s.token(user), body, nil)
	res := soakResult{soakOutcome{op, o.Start, o.Took, o.Status, o.RetryAfter != ""}, o.Body, o.Err}
	if o.Err != nil {
		res.status = 0
	}
	s.mu.Lock()
	s.outcomes = append(s.outcomes, res.soakOutcome)
	s.mu.Unlock()
	return res
}

func (s *soak) count(f func(*soakStats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.stats)
}

// create posts a task (with an idempotency key when key is set) and remembers it once
// acknowledged; a keyed create without a clear answer is retried later with the same key.
func (s *soak) create(ctx context.Context, u *soakUser, title, key string, retry bool) {
	var header map[string]string
	if key != "" {
		header = map[string]string{"Idempotency-Key": key}
	}
	o := request(context.WithoutCancel(ctx), s.client, "create", http.MethodPost, s.api.URL()+"/api/tasks", s.token(u.name), map[string]any{"title": title}, header)
	res := soakResult{soakOutcome{"create", o.Start, o.Took, o.Status, o.RetryAfter != ""}, o.Body, o.Err}
	if o.Err != nil {
		res.status = 0
	}
	s.mu.Lock()
	s.outcomes = append(s.outcomes, res.soakOutcome)
	s.mu.Unlock()
	if res.status != http.StatusCreated {
		s.unexpected(res, u.name, http.StatusCreated)
		if key != "" && (res.status == 0 || res.status == http.StatusServiceUnavailable) {
			u.pending = append(u.pending, pendingCreate{key, title})
		}
		return
	}
	id := taskID(res.Body)
	if prev, ok := u.tasks[id]; ok {
		if !retry {
			s.bad.add("a new request returned an existing task", "%s got %s again (%q)", u.name, id, prev.title)
		}
		return // the retry replayed a create that had been stored
	}
	u.tasks[id] = &soakTask{title: title}
	u.ids = append(u.ids, id)
	s.mu.Lock()
	s.owner[id] = u.name
	s.stats.creates++
	if retry {
		s.stats.keyedRetries++
	}
	s.mu.Unlock()
}

// checkOwn flags a task in user u's response that is not u's.
func (s *soak) checkOwn(u *soakUser, id, title string) {
	s.mu.Lock()
	owner, known := s.owner[id]
	s.stats.tasksSeen++
	s.mu.Unlock()
	if !strings.HasPrefix(title, u.name+":") || known && owner != u.name {
		s.bad.add("cross-user read", "%s was shown task %s %q (owner %q)", u.name, id, title, owner)
	}
}

// checkTask checks the answer to a request on one of u's tasks: want when all is well; 404
// only for a task whose state is unknown. It reports whether the request was acknowledged;
// a request without a clear answer makes the task's state unknown.
func (s *soak) checkTask(u *soakUser, id string, task *soakTask, o soakResult, want int) bool {
	switch {
	case o.status == want:
		if len(o.Body) > 0 {
			var got struct{ ID, Title string }
			_ = json.Unmarshal(o.Body, &got)
			s.checkOwn(u, got.ID, got.Title)
			if got.ID != id || !task.ambiguous && o.op == "get" && got.Title != task.title {
				s.bad.add("acknowledged update missing", "%s's task %s: %q, last acknowledged %q", u.name, id, got.Title, task.title)
			}
		}
		return true
	case o.status == http.StatusNotFound && !task.ambiguous:
		s.bad.add("acknowledged task missing", "%s %s of %s: 404", o.op, id, u.name)
	case o.status == http.StatusNotFound:
		task.deleted = true // a delete without an answer had gone through
		u.ids = slices.DeleteFunc(u.ids, func(x string) bool { return x == id })
	default:
		s.unexpected(o, u.name, want)
		if o.status == 0 || o.status >= 500 {
			task.ambiguous = true
		}
	}
	return false
}

// unexpected flags an answer that no fault explains: anything but want, 503 with Retry-After
// or no answer at all.
func (s *soak) unexpected(o soakResult, user string, want int) {
	switch {
	case o.status == want, o.status == 0:
	case o.status == http.StatusServiceUnavailable && !o.retryAfter:
		s.bad.add("503 without Retry-After", "%s by %s", o.op, user)
	case o.status == http.StatusServiceUnavailable:
	case o.status == http.StatusUnauthorized && user != "stranger":
		s.bad.add("valid token refused", "%s by %s: %s", o.op, user, o.Body)
	case o.status >= 500:
		s.bad.add("server error", "%s by %s: %d %s", o.op, user, o.status, o.Body)
	default:
		s.bad.add("unexpected status", "%s by %s: %d, want %d: %s", o.op, user, o.status, want, o.Body)
	}
}

// foreignTask returns the id of another user's acknowledged task and its owner.
func (s *soak) foreignTask(u *soakUser) (string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, owner := range s.owner { // map order is random enough
		if owner != u.name {
			return id, owner
		}
	}
	return "", ""
}

// verifyStored checks every task whose last write was acknowledged against the database.
func (s *soak) verifyStored(t testing.TB, db *database) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	// A deleted task stays as a tombstone (deleted_at set) for the change feed.
	rows, err := db.Admin.Query(context.Background(), "SELECT id::text, user_id, title, deleted_at IS NOT NULL FROM tasks")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		owner, title string
		deleted      bool
	}
	stored := map[string]row{}
	for rows.Next() {
		var id string
		var r row
		if err := rows.Scan(&id, &r.owner, &r.title, &r.deleted); err != nil {
			t.Fatal(err)
		}
		stored[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, u := range s.users {
		for id, task := range u.tasks {
			if task.ambiguous {
				s.stats.ambiguous++
				continue
			}
			s.stats.verified++
			got, ok := stored[id]
			switch {
			case task.deleted && ok && !got.deleted:
				s.bad.add("acknowledged delete undone", "%s's task %s", u.name, id)
			case !task.deleted && (!ok || got.deleted):
				s.bad.add("acknowledged write lost", "%s's task %s %q (stored %v, deleted %v)", u.name, id, task.title, ok, got.deleted)
			case !task.deleted && (got.owner != u.name || got.title != task.title):
				s.bad.add("acknowledged write lost", "%s's task %s: stored %q of %s, acknowledged %q", u.name, id, got.title, got.owner, task.title)
			}
		}
	}
}

// steady reports whether at is outside every fault's window.
func (s *soak) steady(at time.Time) bool {
	for _, f := range s.faults {
		if !at.Before(f.at) && at.Before(f.end.Add(soakSettle)) {
			return false
		}
	}
	return true
}

// checkFlat compares, for each process that lived at least three minutes, its steady RSS and
// goroutines in its first and its last minute.
func (s *soak) checkFlat() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pids []int
	byPID := map[int][]soakSample{}
	for _, sm := range s.samples {
		if !s.steady(sm.at) {
			continue
		}
		if _, ok := byPID[sm.pid]; !ok {
			pids = append(pids, sm.pid)
		}
		byPID[sm.pid] = append(byPID[sm.pid], sm)
	}
	for _, pid := range pids {
		ss := byPID[pid]
		first, last := ss[0].at, ss[len(ss)-1].at
		line := fmt.Sprintf("pid %-7d %s-%s", pid, clock(first.Sub(s.start)), clock(last.Sub(s.start)))
		if last.Sub(first) < 3*time.Minute {
			s.stats.flat = append(s.stats.flat, line+"  (under 3 min of steady state: not judged)")
			continue
		}
		var early, late []soakSample
		for _, sm := range ss {
			if sm.at.Before(first.Add(time.Minute)) {
				early = append(early, sm)
			}
			if sm.at.After(last.Add(-time.Minute)) {
				late = append(late, sm)
			}
		}
		rssE, rssL := medianRSS(early), medianRSS(late)
		gE, gL := maxG(early), maxG(late)
		line += fmt.Sprintf("  RSS %.1f -> %.1f MiB  goroutines %d -> %d", float64(rssE)/(1<<20), float64(rssL)/(1<<20), gE, gL)
		if rssL-rssE > soakRSSGrowth {
			s.bad.add("RSS not flat", "%s", line)
			line += "  GROWING"
		}
		if gL-gE > soakGoroutineDiff {
			s.bad.add("goroutines not flat", "%s", line)
			line += "  LEAKING"
		}
		s.stats.flat = append(s.stats.flat, line)
	}
}

func medianRSS(ss []soakSample) int64 {
	v := make([]int64, len(ss))
	for i, sm := range ss {
		v[i] = sm.rss
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func maxG(ss []soakSample) int {
	m := 0
	for _, sm := range ss {
		m = max(m, sm.goroutines)
	}
	return m
}

func (s *soak) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.outcomes)
}

// clock prints d as mm:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// summary is the one-screen report.
func (s *soak) summary(elapsed time.Duration) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bad.mu.Lock()
	defer s.bad.mu.Unlock()
	var b strings.Builder
	classes := map[string]int{}
	var took, steadyTook []time.Duration
	steady503, steadyLost := 0, 0
	var steady503At, steadyLostAt []string
	for _, o := range s.outcomes {
		switch {
		case o.status == 0:
			classes["no answer"]++
		case o.status == http.StatusServiceUnavailable:
			classes["503"]++
		case o.status >= 500:
			classes["5xx other"]++
		case o.status >= 400:
			classes[fmt.Sprint(o.status)]++
		default:
			classes["2xx"]++
		}
		if o.status != 0 {
			took = append(took, o.took)
			if s.steady(o.at) {
				steadyTook = append(steadyTook, o.took)
			}
		}
		if o.status == http.StatusServiceUnavailable && s.steady(o.at) {
			steady503++
			if len(steady503At) < 5 {
				steady503At = append(steady503At, o.op+" at "+clock(o.at.Sub(s.start)))
			}
		}
		if o.status == 0 && s.steady(o.at) {
			steadyLost++
			if len(steadyLostAt) < 5 {
				steadyLostAt = append(steadyLostAt, o.op+" at "+clock(o.at.Sub(s.start)))
			}
		}
	}
	fmt.Fprintf(&b, "\n==== SOAK SUMMARY ====================================================================\n")
	fmt.Fprintf(&b, "%v with %d users, one request each per %v (target %.0f/s); a fault every %v\n",
		elapsed.Round(time.Second), len(s.users), *soakTick, float64(len(s.users))/soakTick.Seconds(), *soakEvery)
	fmt.Fprintf(&b, "requests  %d (%.1f/s):", len(s.outcomes), float64(len(s.outcomes))/elapsed.Seconds())
	for _, k := range slices.Sorted(maps.Keys(classes)) {
		fmt.Fprintf(&b, "  %s %d", k, classes[k])
	}
	fmt.Fprintf(&b, "\n          (404: foreign-task probes; 401: unknown-kid probes)\n")
	fmt.Fprintf(&b, "latency   all: p50 %v  p99 %v  max %v;  outside fault windows: p50 %v  p99 %v  max %v  (%d x 503, %d no answer)\n",
		percentile(took, 50).Round(100*time.Microsecond), percentile(took, 99).Round(100*time.Microsecond), percentile(took, 100).Round(time.Millisecond),
		percentile(steadyTook, 50).Round(100*time.Microsecond), percentile(steadyTook, 99).Round(100*time.Microsecond), percentile(steadyTook, 100).Round(time.Millisecond), steady503, steadyLost)
	if steady503 > 0 {
		fmt.Fprintf(&b, "          503 outside fault windows: %s\n", strings.Join(steady503At, ", "))
	}
	if steadyLost > 0 {
		fmt.Fprintf(&b, "          no answer outside fault windows: %s\n", strings.Join(steadyLostAt, ", "))
	}
	fmt.Fprintf(&b, "faults:\n")
	for _, f := range s.faults {
		var n503, lost, total int
		var worst time.Duration
		firstOK := time.Duration(-1)
		for _, o := range s.outcomes {
			if o.at.Before(f.at) || !o.at.Before(f.end.Add(soakSettle)) {
				continue
			}
			total++
			switch {
			case o.status == http.StatusServiceUnavailable:
				n503++
			case o.status == 0:
				lost++
			case o.status < 300 && !o.at.Before(f.end) && firstOK < 0:
				firstOK = o.at.Add(o.took).Sub(f.end)
			}
			worst = max(worst, o.took)
		}
		detail := f.note
		if f.kind == "key rotation" {
			if f.learnt > 0 {
				detail = fmt.Sprintf("new kid accepted after %.1fs", f.learnt.Seconds())
			} else {
				detail = "new kid NOT accepted"
			}
		}
		fmt.Fprintf(&b, "  %s %-18s %-44s %4d req: %3d x 503, %3d no answer, max %6v, JWKS fetches %d",
			clock(f.at.Sub(s.start)), f.kind, detail, total, n503, lost, worst.Round(time.Millisecond), f.fetches1-f.fetches0)
		if firstOK >= 0 {
			fmt.Fprintf(&b, ", ok %.1fs after", firstOK.Seconds())
		}
		b.WriteString("\n")
	}
	st := s.stats
	fmt.Fprintf(&b, "writes    acknowledged: %d creates (%d by a retried Idempotency-Key), %d updates, %d deletes\n",
		st.creates, st.keyedRetries, st.updates, st.deletes)
	fmt.Fprintf(&b, "          while running: %d acknowledged tasks or updates found missing\n",
		s.bad.v.count["acknowledged task missing"]+s.bad.v.count["acknowledged update missing"])
	fmt.Fprintf(&b, "          checked in the database at the end: %d tasks, %d lost; %d not checked (a write to them got 503 or no answer)\n",
		st.verified, s.bad.v.count["acknowledged write lost"]+s.bad.v.count["acknowledged delete undone"], st.ambiguous)
	fmt.Fprintf(&b, "isolation %d tasks in responses checked, %d foreign-task probes: %d cross-user reads or writes\n",
		st.tasksSeen, st.foreignProbes, s.bad.v.count["cross-user read"]+s.bad.v.count["cross-user access"])
	fmt.Fprintf(&b, "steady state per process (first minute -> last, outside fault windows + %v):\n", soakSettle)
	for _, l := range st.flat {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	if len(s.bad.v.order) == 0 {
		fmt.Fprintf(&b, "verdict   PASS: no violation\n")
	} else {
		fmt.Fprintf(&b, "verdict   FAIL:\n")
		for _, k := range s.bad.v.order {
			fmt.Fprintf(&b, "  %d x %s, e.g. %s\n", s.bad.v.count[k], k, s.bad.v.example[k])
		}
	}
	b.WriteString("=======================================================================================\n")
	return b.String()
}
