package main

import (
	"context"
	"fmt"
	"io/fs"
	"net"
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
	"github.com/pressly/goose/v3"

	"github.com/todo-api/todo-api/db/migrations"
	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

// poolerHostName is a Neon-style pooled host name, resolved to 127.0.0.1 inside the test's
// own mount namespace, to exercise the automatic exec mode.
const poolerHostName = "ep-test-123456-pooler.todo-api.test"

// The setting README recommends for a transaction pooler, and how serve logs it.
var (
	pooledModeParam = "default_query_exec_mode=" + strings.ReplaceAll(pooledExecMode.String(), " ", "_")
	pooledModeLog   = fmt.Sprintf("query_exec_mode=%q", pooledExecMode.String())
)

// TestPgBouncer runs `todo-api serve` through PgBouncer in transaction pooling mode, what
// Neon's -pooler endpoints run, in front of a throwaway cluster.
func TestPgBouncer(t *testing.T) {
	t.Parallel()
	bin := proctest.FindTool(t, "pgbouncer", "apt-get install pgbouncer (.ci/run does)", "/usr/sbin")
	cluster := throwawayCluster(t)
	bouncerPort := startPgBouncer(t, bin, cluster.Port())
	iss := authtest.NewIssuer(t)
	pooled := func(host, db, query string) string {
		return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable%s", net.JoinHostPort(host, strconv.Itoa(bouncerPort)), db, query)
	}

	t.Run("APIFlowWithModeInTheURL", func(t *testing.T) {
		t.Parallel()
		ensureDatabase(t, cluster, "flow_url")
		srv := startServe(t, "serve", pooled("127.0.0.1", "flow_url", "&"+pooledModeParam), iss, nil)
		apiFlow(t, []*client{newClient(t, srv.base)}, iss)
		srv.checkLog(t, pooledModeLog, `because="set in DATABASE_URL"`)
	})

	t.Run("APIFlowWithPoolerHostDetected", func(t *testing.T) {
		t.Parallel()
		wrap, err := ownHostsFile(t, poolerHostName)
		if err != nil {
			// The detection itself is covered by TestPoolConfigExecMode; this runs it end to end.
			proctest.MissingTool(t, fmt.Sprintf("cannot resolve %s to 127.0.0.1 for the server alone: %v", poolerHostName, err))
		}
		ensureDatabase(t, cluster, "flow_detected")
		srv := startServe(t, "serve", pooled(poolerHostName, "flow_detected", ""), iss, wrap)
		apiFlow(t, []*client{newClient(t, srv.base)}, iss)
		srv.checkLog(t, pooledModeLog, poolerHostName+" is a transaction pooler")
	})

	t.Run("TwoReplicasStartingTogetherMigrateOnce", func(t *testing.T) {
		t.Parallel()
		ensureDatabase(t, cluster, "replicas") // fresh: nothing migrated yet
		url := pooled("127.0.0.1", "replicas", "&"+pooledModeParam)
		a := startServeNoWait(t, "serve A", url, iss, nil)
		b := startServeNoWait(t, "serve B", url, iss, nil)
		a.waitReady(t)
		b.waitReady(t)

		conn := connect(t, cluster.URL("replicas"))
		rows, err := conn.Query(t.Context(), "SELECT version_id, count(*) FROM goose_db_version WHERE is_applied GROUP BY version_id ORDER BY version_id")
		if err != nil {
			t.Fatal(err)
		}
		counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]int64, error) {
			var v [2]int64
			return v, r.Scan(&v[0], &v[1])
		})
		if err != nil {
			t.Fatal(err)
		}
		var versions []int64
		for _, c := range counts {
			if c[1] != 1 {
				t.Errorf("migration %d applied %d times", c[0], c[1])
			}
			versions = append(versions, c[0])
		}
		if want := append([]int64{0}, embeddedVersions(t)...); !slices.Equal(versions, want) {
			t.Errorf("applied versions %v, want %v", versions, want)
		}
		applied := strings.Count(a.Stderr(), `msg="migration applied"`) + strings.Count(b.Stderr(), `msg="migration applied"`)
		if applied != len(embeddedVersions(t)) {
			t.Errorf("the replicas logged %d applied migrations, want %d", applied, len(embeddedVersions(t)))
		}
		apiFlow(t, []*client{newClient(t, a.base), newClient(t, b.base)}, iss)
	})

	t.Run("LiveEventsAcrossReplicas", func(t *testing.T) {
		t.Parallel()
		ensureDatabase(t, cluster, "live")
		// API traffic through the pooler; the LISTEN (and migrations) on the direct URL.
		url := pooled("127.0.0.1", "live", "&"+pooledModeParam)
		direct := "DATABASE_DIRECT_URL=" + cluster.URL("live")
		a := startServe(t, "serve A", url, iss, nil, direct)
		b := startServe(t, "serve B", url, iss, nil, direct)
		tok := iss.Token(t, "live-user-0123456789abcdef012345")
		hc := &http.Client{}
		newClient(t, b.base).do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/lists", Token: tok}) // the inbox
		stream := apitest.OpenStream(t, hc, a.base, tok, "")
		stream.Next(t) // the first lists event
		// A write through B reaches the stream held by A.
		created := newClient(t, b.base).do(t, http.StatusCreated, request{Method: http.MethodPost, Path: "/api/tasks", Token: tok,
			Body: map[string]any{"title": "Written through B"}}).task(t)
		var c api.LiveChange
		for c.ListId != created.ListId {
			c = stream.NextOf(t, "change").Change(t)
		}
		if !c.ChangedAt.Equal(created.UpdatedAt) {
			t.Fatalf("change at %s, want the task's %s", c.ChangedAt, created.UpdatedAt)
		}
		// SIGTERM ends A's streams at once, well within the shutdown grace.
		start := time.Now()
		a.signal(t, syscall.SIGTERM)
		stream.Ended(t)
		if code := a.wait(t, shutdownGrace); code != 0 {
			t.Fatalf("serve A exit %d after SIGTERM", code)
		}
		if took := time.Since(start); took > shutdownGrace/2 {
			t.Fatalf("serve A took %s to stop with a stream open; the grace is %s", took, shutdownGrace)
		}
		t.Logf("serve A stopped %s after SIGTERM with a stream open", time.Since(start).Round(time.Millisecond))
	})
}

// throwawayCluster starts a fast, disposable PostgreSQL that is removed at cleanup, and by
// its watchdog should the test binary die first.
func throwawayCluster(t *testing.T) *pgcluster.Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir:   filepath.Join(proctest.ReachableTempDir(t), "pg"),
		Settings:  map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "200"},
		Ephemeral: true,
		Logf:      t.Logf,
	})
	if err != nil {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pid := c.PID()
		if err := c.Destroy(ctx); err != nil {
			t.Errorf("destroy cluster: %v", err)
		}
		if processAlive(pid) {
			t.Errorf("postmaster %d survived Destroy", pid)
		}
	})
	return c
}

// startPgBouncer runs PgBouncer in transaction pooling mode on a free loopback port in front
// of the server on pgPort, and returns its port. Its pool is small, so that consecutive
// transactions of one client land on different server connections, as they do under load.
func startPgBouncer(t *testing.T, bin string, pgPort int) int {
	t.Helper()
	addr := proctest.StartPgBouncer(t, proctest.PgBouncer{
		Bin:       bin,
		Databases: []string{fmt.Sprintf("* = host=127.0.0.1 port=%d", pgPort)},
		// auth_type trust still wants each user in auth_file; the throwaway cluster trusts us too.
		Users: map[string]string{"postgres": ""},
		Settings: map[string]string{
			"auth_type":                 "trust",
			"pool_mode":                 "transaction",
			"default_pool_size":         "4",
			"max_client_conn":           "500",
			"server_reset_query":        "",
			"ignore_startup_parameters": "extra_float_digits",
		},
	})
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return n
}

// ownHostsFile returns a command prefix that runs a program in a private mount namespace
// whose /etc/hosts maps host to 127.0.0.1, or why that is impossible here (it needs root, or
// unprivileged user namespaces, and unshare(1)).
func ownHostsFile(t *testing.T, host string) ([]string, error) {
	t.Helper()
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return nil, err
	}
	hosts := filepath.Join(proctest.ReachableTempDir(t), "hosts")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost\n127.0.0.1 "+host+"\n"), 0o644); err != nil {
		return nil, err
	}
	prefix := []string{unshare, "--mount"}
	if os.Geteuid() != 0 {
		prefix = append(prefix, "--map-root-user")
	}
	prefix = append(prefix, "--", "/bin/sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, hosts)
	out, err := exec.Command(prefix[0], append(prefix[1:], "cat", "/etc/hosts")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), host) {
		return nil, fmt.Errorf("unshare: %v: %s", err, out)
	}
	return prefix, nil
}

// server is one running `todo-api serve`.
type server struct {
	*proc
	base string // set by waitReady
}

// startServe starts `todo-api serve` against dbURL trusting iss and waits until /readyz
// says it is ready. prefix, when set, goes before the binary (see ownHostsFile).
func startServe(t *testing.T, name, dbURL string, iss *authtest.Issuer, prefix []string, extraEnv ...string) *server {
	t.Helper()
	s := startServeNoWait(t, name, dbURL, iss, prefix, extraEnv...)
	s.waitReady(t)
	return s
}

// startServeNoWait starts `todo-api serve` on a port the kernel picks (its log says which:
// see waitReady), so that no other process can take the port first. extraEnv adds variables.
func startServeNoWait(t *testing.T, name, dbURL string, iss *authtest.Issuer, prefix []string, extraEnv ...string) *server {
	t.Helper()
	env := []string{
		"DATABASE_URL=" + dbURL,
		"JWKS_URL=" + iss.JWKSURL(),
		"JWT_ISSUER=" + iss.IssuerName(),
		"JWT_AUDIENCE=" + iss.Audience(),
		"LISTEN_ADDR=" + proctest.AnyAddr,
		"LOG_FORMAT=text",       // with the default level, info: the "serving" line names the port
		"RATE_LIMIT_PER_USER=0", // the test measures the pooler, not the limiter
	}
	env = append(env, extraEnv...)
	argv := append(slices.Clone(prefix), binary(t), "serve")
	s := &server{proc: startProc(t, name, env, syscall.SIGKILL, argv)}
	t.Cleanup(func() {
		// Graceful stop first: exit 0 is part of the contract.
		select {
		case <-s.done:
			return
		default:
		}
		s.signal(t, syscall.SIGTERM)
		if code := s.wait(t, 30*time.Second); code != 0 {
			t.Errorf("%s exit %d after SIGTERM, want 0", name, code)
		}
	})
	return s
}

// waitReady waits for the server's "serving" log line, which names its address, then polls
// /readyz until it answers 200.
func (s *server) waitReady(t *testing.T) {
	t.Helper()
	const limit = 90 * time.Second
	deadline := time.Now().Add(limit)
	s.base = s.waitServing(t, limit)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		res, err := hc.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-s.done:
			t.Fatalf("%s exited (%v) before it was ready\n%s", s.name, s.err, s.Stderr())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s (last: %v)\n%s", s.name, limit, err, s.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkLog fails the test unless the server's log has every want and no error.
func (s *server) checkLog(t *testing.T, want ...string) {
	t.Helper()
	log := s.Stderr()
	for _, w := range want {
		if !strings.Contains(log, w) {
			t.Errorf("%s log lacks %q:\n%s", s.name, w, log)
		}
	}
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("%s logged errors:\n%s", s.name, log)
	}
}

func ensureDatabase(t *testing.T, c *pgcluster.Cluster, name string) {
	t.Helper()
	if err := c.EnsureDatabase(t.Context(), name); err != nil {
		t.Fatal(err)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// embeddedVersions lists the versions of the migrations compiled into the binary.
func embeddedVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for _, n := range names {
		v, err := goose.NumericComponent(n)
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	slices.Sort(versions)
	return versions
}

// apiFlow drives the API the way the front end does, spreading the calls over clients (one
// per server), then fires 50 concurrent requests from several users. Every response must be
// what the contract promises.
func apiFlow(t *testing.T, clients []*client, iss *authtest.Issuer) {
	t.Helper()
	pick := func(i int) *client { return clients[i%len(clients)] }
	alice, bob := iss.Token(t, "alice"), iss.Token(t, "bob")

	inputs := []map[string]any{
		{"title": "Pay rent", "priority": "high", "tags": []string{"home", "money"}, "due_date": "2026-12-01"},
		{"title": "Buy milk", "priority": "low", "tags": []string{"home"}},
		{"title": "Write report", "priority": "high", "tags": []string{"work"}, "description": "quarterly numbers"},
		{"title": "Call mom", "priority": "medium"},
		{"title": "Fix bike", "priority": "medium", "tags": []string{"home"}},
	}
	ids := map[string]string{}
	for i, in := range inputs {
		task := pick(i).do(t, http.StatusCreated, request{Method: http.MethodPost, Path: "/api/tasks", Token: alice, Body: in}).task(t)
		ids[task.Title] = task.Id.String()
	}

	count := func(i int, query string, token string) int {
		return len(pick(i).do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks" + query, Token: token}).tasks(t))
	}
	for i, f := range []struct {
		query string
		want  int
	}{
		{"", 5}, {"?priority=high", 2}, {"?tag=home", 3}, {"?tag=home&tag=work", 4},
		{"?tag=home&priority=high", 1}, {"?q=MILK", 1}, {"?q=quarterly", 1}, {"?due_before=2026-12-31", 1},
	} {
		if got := count(i, f.query, alice); got != f.want {
			t.Errorf("GET /api/tasks%s: %d tasks, want %d", f.query, got, f.want)
		}
	}
	if got := count(0, "", bob); got != 0 {
		t.Errorf("bob sees %d of alice's tasks", got)
	}

	// Cursor paging, twice the pages through both servers: every task once, in order.
	var titles []string
	next := "/api/tasks?sort=title&limit=2"
	for page := 0; next != ""; page++ {
		if page > 5 {
			t.Fatal("paging does not end")
		}
		res := pick(page).do(t, http.StatusOK, request{Method: http.MethodGet, Path: next, Token: alice})
		for _, task := range res.tasks(t) {
			titles = append(titles, task.Title)
		}
		next = res.next(pick(page).base)
	}
	if want := []string{"Buy milk", "Call mom", "Fix bike", "Pay rent", "Write report"}; !slices.Equal(titles, want) {
		t.Errorf("paged titles %v, want %v", titles, want)
	}

	milk := "/api/tasks/" + ids["Buy milk"]
	patched := pick(1).do(t, http.StatusOK, request{Method: http.MethodPatch, Path: milk, Token: alice,
		ContentType: "application/merge-patch+json", Body: map[string]any{"title": "Buy oat milk", "tags": []string{}}}).task(t)
	if patched.Title != "Buy oat milk" || len(patched.Tags) != 0 {
		t.Errorf("patched task %+v", patched)
	}
	done := pick(0).do(t, http.StatusOK, request{Method: http.MethodPatch, Path: milk + "/complete", Token: alice, Body: map[string]any{"completed": true}}).task(t)
	if !done.Completed || done.CompletedAt == nil {
		t.Errorf("completed task %+v", done)
	}
	if got := count(1, "?status=completed", alice); got != 1 {
		t.Errorf("%d completed tasks, want 1", got)
	}
	pick(1).do(t, http.StatusNotFound, request{Method: http.MethodGet, Path: milk, Token: bob})
	pick(0).do(t, http.StatusNoContent, request{Method: http.MethodDelete, Path: milk, Token: alice})
	pick(1).do(t, http.StatusNotFound, request{Method: http.MethodGet, Path: milk, Token: alice})
	pick(0).do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks/stats", Token: alice})
	pick(1).do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tags", Token: alice})

	// Restore, the change feed (incremental: a read-only repeatable-read transaction), a move
	// and a keyed bulk action (transactions of several statements), through both servers.
	pick(1).do(t, http.StatusOK, request{Method: http.MethodPost, Path: milk + "/restore", Token: alice})
	for i := range 2 {
		pick(i).do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks/changes?updated_after=2000-01-01T00:00:00Z&limit=2", Token: alice})
	}
	pick(0).do(t, http.StatusOK, request{Method: http.MethodPost, Path: milk + "/move", Token: alice, Body: map[string]any{"after_id": ids["Pay rent"]}})
	bulk := request{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: alice, Header: map[string]string{"Idempotency-Key": "bulk-" + strconv.FormatInt(time.Now().UnixNano(), 36)},
		Body: map[string]any{"action": "add_tags", "ids": []string{ids["Buy milk"], ids["Call mom"]}, "tags": []string{"pooled"}}}
	pick(1).do(t, http.StatusOK, bulk)
	pick(0).do(t, http.StatusOK, bulk)
	if got := count(1, "?tag=pooled", alice); got != 2 {
		t.Errorf("%d tasks tagged by the bulk action, want 2", got)
	}

	// Idempotent create: a retry, on another server, returns the first task.
	key := map[string]string{"Idempotency-Key": "retry-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	body := map[string]any{"title": "Only once"}
	first := pick(0).do(t, http.StatusCreated, request{Method: http.MethodPost, Path: "/api/tasks", Token: alice, Body: body, Header: key}).task(t)
	again := pick(1).do(t, http.StatusCreated, request{Method: http.MethodPost, Path: "/api/tasks", Token: alice, Body: body, Header: key}).task(t)
	if again.Id != first.Id {
		t.Errorf("idempotent retry created %s, first was %s", again.Id, first.Id)
	}
	if got := count(0, "?q=Only+once", alice); got != 1 {
		t.Errorf("%d tasks after an idempotent retry, want 1", got)
	}

	// 50 concurrent requests from five users, with racing idempotent creates among them.
	users := make([]string, 5)
	for i := range users {
		users[i] = iss.Token(t, "load-user-"+strconv.Itoa(i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() {
			token := users[i%len(users)]
			var req request
			switch (i / len(users)) % 5 { // every user sends each kind twice
			case 0:
				req = request{Method: http.MethodPost, Path: "/api/tasks", Token: token, Body: map[string]any{"title": "load " + strconv.Itoa(i), "tags": []string{"load"}}}
			case 1:
				req = request{Method: http.MethodGet, Path: "/api/tasks?tag=load&sort=priority&limit=5", Token: token}
			case 2:
				req = request{Method: http.MethodPost, Path: "/api/tasks", Token: token, Body: map[string]any{"title": "same key"}, Header: map[string]string{"Idempotency-Key": "race-" + key["Idempotency-Key"]}}
			case 3:
				req = request{Method: http.MethodGet, Path: "/api/tasks/stats", Token: token}
			case 4:
				req = request{Method: http.MethodGet, Path: "/api/tasks?status=pending&q=load", Token: token}
			}
			res, err := pick(i).send(req)
			switch {
			case err != nil:
				errs <- err
			case res.Status < 200 || res.Status > 299:
				errs <- fmt.Errorf("%s %s: status %d: %s", req.Method, req.Path, res.Status, res.Body)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Each user raced two creates with one key: one task.
	for i, token := range users {
		if got := count(i, "?q=same+key", token); got != 1 {
			t.Errorf("load-user-%d has %d tasks from one idempotency key, want 1", i, got)
		}
	}
}
