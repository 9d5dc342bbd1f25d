package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/todo-api/todo-api/internal/devissuer"
)

// The events scenario (issue 17): idle live event streams (GET /api/events) held against a
// `todo-api serve` of their own — a fresh process, so that its memory before and after the
// streams is theirs alone — on the run's database. It reports the server's memory per idle
// stream (RSS, and heap and stacks in use after a forced collection, read from its pprof
// endpoint), its CPU and PostgreSQL's while the streams idle (heartbeats), and the fan-out
// latency: from a write's 201 to the change event on every stream of the list's members.

// eventSettings are the events scenario's flags.
type eventSettings struct {
	streams, users, writes int
	idle                   time.Duration
}

// eventFlags registers the events scenario's flags on fs.
func eventFlags(fs *flag.FlagSet) *eventSettings {
	e := &eventSettings{}
	fs.IntVar(&e.streams, "event-streams", 10000, "idle event streams the events scenario holds (0: skip the scenario)")
	fs.IntVar(&e.users, "event-users", 1000, "users holding the event streams (a user may hold 10)")
	fs.IntVar(&e.writes, "event-writes", 20, "writes whose fan-out the events scenario times")
	fs.DurationVar(&e.idle, "event-idle", 30*time.Second, "how long the events scenario measures idle CPU (a heartbeat goes every 25 s)")
	return e
}

// maxListMembers is the database's max_list_members() (0015_sharing.sql): the fan-out list's
// members, its owner included, are at most that many.
const maxListMembers = 50

// eventResult is the events scenario's outcome.
type eventResult struct {
	Streams, Users, Refused   int
	RSSBeforeMiB, RSSAfterMiB float64
	RSSPerStreamKiB           float64
	HeapPerStreamKiB          float64 // heap in use, after a forced collection each time
	StackPerStreamKiB         float64 // goroutine stacks in use, likewise
	IdleSeconds               float64
	IdleServerCPUms           float64 // per second of idling
	IdlePgCPUms               float64
	FanoutStreams, Writes     int
	FanoutP50ms, FanoutP99ms  float64
	FanoutMissed              int
	OpenFileLimit             uint64
	MemLimitMiB               int64
}

// eventStream is one open stream the scenario reads.
type eventStream struct {
	body    io.ReadCloser
	changes chan time.Time // arrival times of change events (fan-out streams only)
}

// runEvents runs the events scenario against a serve process of its own (bin with env, on a
// free port) and prints its figures.
func (b *bench) runEvents(ctx context.Context, e *eventSettings, iss *devissuer.Issuer, bin string, env []string, out io.Writer) error {
	if e.streams <= 0 {
		return nil
	}
	var r eventResult
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil {
		// Go raised the soft limit to the hard one at start; serve, a Go program, does too. The
		// client's and the server's ends are in two processes: each needs one a stream.
		r.OpenFileLimit = lim.Cur
		if need := uint64(e.streams + 1000); lim.Cur < need {
			return fmt.Errorf("events: %d streams need about %d open files in this process and in serve, the limit is %d (raise ulimit -n, or lower -event-streams)", e.streams, need, lim.Cur)
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	dport, err := freePort()
	if err != nil {
		return err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	debug := fmt.Sprintf("127.0.0.1:%d", dport)
	srv := exec.CommandContext(ctx, bin, "serve")
	// serve's default soft memory limit (64 MiB, docs/performance.md) is far below what
	// thousands of streams hold: the collector would run without pause (at 10 000 streams it
	// took a third of a core while they idled). A process for that many streams is given a
	// limit to match: 64 MiB and 64 KiB a stream.
	memLimit := 64<<20 + int64(e.streams)*64<<10
	srv.Env = append(slices.Clone(env), "LISTEN_ADDR="+base[len("http://"):], "DEBUG_ADDR="+debug,
		fmt.Sprintf("EVENTS_MAX_STREAMS=%d", e.streams+100), fmt.Sprintf("GOMEMLIMIT=%d", memLimit))
	log, err := os.Create(b.s.outDir + "/events-server.log")
	if err != nil {
		return err
	}
	defer log.Close()
	srv.Stdout, srv.Stderr = log, log
	if err := srv.Start(); err != nil {
		return fmt.Errorf("events: start server: %w", err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	if err := waitReady(ctx, base+"/readyz", 30*time.Second); err != nil {
		return err
	}
	pid := srv.Process.Pid
	r.MemLimitMiB = memLimit >> 20

	users := make([]*benchUser, max(e.users, 2))
	for i := range users {
		id := fmt.Sprintf("bench-events-%04d", i+1)
		tok, err := iss.Mint(id, 2*time.Hour, "todo-bench", "todo-bench")
		if err != nil {
			return err
		}
		users[i] = &benchUser{ID: id, Token: tok}
	}
	// The fan-out list: users[0]'s, with users[1:maxListMembers] as members.
	owner := users[0]
	list, err := post(ctx, base+"/api/lists", owner.Token, map[string]any{"name": "Fan-out"})
	if err != nil {
		return fmt.Errorf("events: create the list: %w", err)
	}
	members := users[:min(len(users), maxListMembers)]
	for _, m := range members[1:] {
		var invite struct {
			Token string `json:"token"`
		}
		if err := send(ctx, base+"/api/lists/"+list+"/invites", owner.Token, map[string]any{"role": "viewer"}, http.StatusCreated, &invite); err != nil {
			return fmt.Errorf("events: invite: %w", err)
		}
		if err := send(ctx, base+"/api/invites/"+invite.Token+"/accept", m.Token, nil, http.StatusOK, nil); err != nil {
			return fmt.Errorf("events: join: %w", err)
		}
	}
	// Every other user has a list of their own, as a user of the app has.
	for _, u := range users[len(members):] {
		if _, err := post(ctx, base+"/api/lists", u.Token, map[string]any{"name": "Mine"}); err != nil {
			return fmt.Errorf("events: create a list: %w", err)
		}
	}

	before, err := serverMemory(debug, pid)
	if err != nil {
		return err
	}
	r.RSSBeforeMiB = before.rssMiB
	b.logf("events: opening %d streams of %d users", e.streams, len(users))
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	tr := &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}
	defer tr.CloseIdleConnections()
	streamClient := &http.Client{Transport: tr}
	var (
		mu      sync.Mutex
		streams []*eventStream
		fanout  []*eventStream
		refused atomic.Int64
		wg      sync.WaitGroup
	)
	sem := make(chan struct{}, 32)
	for i := range e.streams {
		u := users[i%len(users)]
		isMember := i%len(users) < len(members)
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s, err := openEventStream(sctx, streamClient, base, u.Token, isMember)
			if err != nil {
				refused.Add(1)
				return
			}
			mu.Lock()
			streams = append(streams, s)
			if isMember {
				fanout = append(fanout, s)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.Streams, r.Users, r.Refused = len(streams), len(users), int(refused.Load())
	defer func() {
		stop()
		for _, s := range streams {
			s.body.Close()
		}
	}()
	if r.Streams == 0 {
		return errors.New("events: no stream opened (see events-server.log)")
	}

	b.logf("events: %d streams open (%d refused); idling %s", r.Streams, r.Refused, e.idle)
	b.settle()
	cpu0, pg0, t0 := procCPU(pid), b.pgCPU(), time.Now()
	profiled := make(chan error, 1)
	if b.s.profile { // a CPU profile of the idling server (at most 20 s: fetch's timeout is 30)
		secs := min(int(e.idle.Seconds()), 20)
		go func() {
			profiled <- fetch(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", debug, secs), b.s.outDir+"/cpu-events-idle.pprof")
		}()
	} else {
		profiled <- nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(e.idle):
	}
	if err := <-profiled; err != nil {
		b.logf("events: CPU profile: %v", err)
	}
	b.settle()
	secs := time.Since(t0).Seconds()
	r.IdleSeconds = secs
	r.IdleServerCPUms = (procCPU(pid) - cpu0) / secs
	r.IdlePgCPUms = (b.pgCPU() - pg0) / secs

	after, err := serverMemory(debug, pid)
	if err != nil {
		return err
	}
	r.RSSAfterMiB = after.rssMiB
	r.RSSPerStreamKiB = (after.rssMiB - before.rssMiB) * 1024 / float64(r.Streams)
	r.HeapPerStreamKiB = (float64(after.heap) - float64(before.heap)) / 1024 / float64(r.Streams)
	r.StackPerStreamKiB = (float64(after.stack) - float64(before.stack)) / 1024 / float64(r.Streams)

	b.logf("events: timing the fan-out of %d writes to %d streams", e.writes, len(fanout))
	r.FanoutStreams, r.Writes = len(fanout), e.writes
	var lat []float64
	for i := range e.writes {
		for _, s := range fanout { // what an earlier write left behind
			for len(s.changes) > 0 {
				<-s.changes
			}
		}
		if _, err := post(ctx, base+"/api/tasks", owner.Token, map[string]any{"title": fmt.Sprintf("Fan-out %d", i), "list_id": list}); err != nil {
			return fmt.Errorf("events: write: %w", err)
		}
		at := time.Now()
		deadline := time.After(10 * time.Second)
		for _, s := range fanout {
			select {
			case got := <-s.changes:
				lat = append(lat, max(0, float64(got.Sub(at).Microseconds())/1000))
			case <-deadline:
				r.FanoutMissed++
			}
		}
	}
	r.FanoutP50ms, r.FanoutP99ms = percentile(lat, 50), percentile(lat, 99)
	r.print(out)
	return nil
}

// openEventStream opens GET /api/events and reads its first event; then a goroutine reads on
// until the stream ends, handing change events' arrival times over when timed.
func openEventStream(ctx context.Context, c *http.Client, base, token string, timed bool) (*eventStream, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/events", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("status %d", res.StatusCode)
	}
	s := &eventStream{body: res.Body}
	if timed {
		s.changes = make(chan time.Time, 64)
	}
	br := bufio.NewReaderSize(res.Body, 512)
	for { // up to the first event's end
		line, err := br.ReadString('\n')
		if err != nil {
			res.Body.Close()
			return nil, err
		}
		if strings.HasPrefix(line, "event:") {
			break
		}
	}
	go func() {
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if timed && line == "event: change\n" {
				select {
				case s.changes <- time.Now():
				default:
				}
			}
		}
	}()
	return s, nil
}

// memory is a server's resident set and Go heap and stacks in use (bytes).
type memory struct {
	rssMiB      float64
	heap, stack uint64
}

// serverMemory forces a collection in the server (its pprof endpoint at debug), then reads its
// heap and stacks in use and its resident set.
func serverMemory(debug string, pid int) (memory, error) {
	res, err := http.Get("http://" + debug + "/debug/pprof/heap?gc=1&debug=1")
	if err != nil {
		return memory{}, fmt.Errorf("events: read the server's memory: %w", err)
	}
	defer res.Body.Close()
	var m memory
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# HeapInuse = "); ok {
			m.heap, _ = strconv.ParseUint(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "# Stack = "); ok {
			m.stack, _ = strconv.ParseUint(strings.Fields(v)[0], 10, 64)
		}
	}
	if m.heap == 0 {
		return memory{}, errors.New("events: the server's pprof heap page had no HeapInuse")
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.Fields(v)[0], 64)
			m.rssMiB = kb / 1024
		}
	}
	return m, nil
}

// percentile returns the p-th percentile of xs (nearest rank), 0 for none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// print writes the events scenario's lines.
func (r eventResult) print(w io.Writer) {
	fmt.Fprintf(w, "\nevents: %d idle streams of %d users (%d refused; open files limit %d): server RSS %.1f → %.1f MiB = %.1f KiB a stream; in use after a collection: heap %.1f + stacks %.1f KiB a stream\n",
		r.Streams, r.Users, r.Refused, r.OpenFileLimit, r.RSSBeforeMiB, r.RSSAfterMiB, r.RSSPerStreamKiB, r.HeapPerStreamKiB, r.StackPerStreamKiB)
	fmt.Fprintf(w, "events: idle %.0f s (serve's GOMEMLIMIT %d MiB): server CPU %.2f ms/s, PostgreSQL %.2f ms/s\n", r.IdleSeconds, r.MemLimitMiB, r.IdleServerCPUms, r.IdlePgCPUms)
	fmt.Fprintf(w, "events: fan-out of %d writes to %d streams of the list's members: p50 %.1f ms, p99 %.1f ms from the 201 (%d not arrived within 10 s)\n",
		r.Writes, r.FanoutStreams, r.FanoutP50ms, r.FanoutP99ms, r.FanoutMissed)
}
