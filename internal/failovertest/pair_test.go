package failovertest

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

// pair is a primary and its synchronous standby, with the service's database "todo" owned by
// the ordinary role todo_app.
type pair struct {
	primary, standby *pgcluster.Cluster
}

// standbyName is the standby's cluster_name: its walreceiver's application_name, which the
// primary's synchronous_standby_names lists.
const standbyName = "standby1"

// startPair starts the primary, creates the service's role and database, takes the standby
// from it and makes it synchronous (async: synchronous_commit=local instead, so commits do
// not wait for it). Both are removed at cleanup.
func startPair(t *testing.T, async bool) *pair {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tmp := proctest.ReachableTempDir(t)
	settings := map[string]string{
		"fsync": "off", "full_page_writes": "off", "max_connections": "100",
		"wal_level": "replica", "max_wal_senders": "5", "hot_standby": "on",
	}
	primary := startCluster(t, ctx, pgcluster.Options{DataDir: filepath.Join(tmp, "primary"), Settings: settings})
	conn := createAppDatabase(t, ctx, primary)
	defer conn.Close(context.Background())
	standbySettings := map[string]string{"cluster_name": standbyName}
	for k, v := range settings {
		standbySettings[k] = v
	}
	standby := startCluster(t, ctx, pgcluster.Options{DataDir: filepath.Join(tmp, "standby"), Settings: standbySettings, StandbyOf: primary})
	commit := "on"
	if async {
		commit = "local"
	}
	for _, stmt := range []string{
		"ALTER SYSTEM SET synchronous_standby_names = '" + standbyName + "'",
		"ALTER SYSTEM SET synchronous_commit = '" + commit + "'",
		"SELECT pg_reload_conf()",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	// Wait until the standby streams as the synchronous one.
	for {
		var state string
		err := conn.QueryRow(ctx, "SELECT sync_state FROM pg_stat_replication WHERE application_name = $1", standbyName).Scan(&state)
		if err == nil && state == "sync" {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the standby never became synchronous (last: %q, %v)", state, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &pair{primary: primary, standby: standby}
}

// startDatabase starts one cluster with the service's database; it returns the service's
// DATABASE_URL.
func startDatabase(t *testing.T) (*pgcluster.Cluster, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := startCluster(t, ctx, pgcluster.Options{
		DataDir:  filepath.Join(proctest.ReachableTempDir(t), "data"),
		Settings: map[string]string{"fsync": "off", "full_page_writes": "off", "max_connections": "100"},
	})
	conn := createAppDatabase(t, ctx, c)
	conn.Close(ctx)
	return c, fmt.Sprintf("postgres://todo_app:todo_app@127.0.0.1:%d/todo?sslmode=disable", c.Port())
}

// createAppDatabase creates the role todo_app (no superuser, no BYPASSRLS: row-level
// security binds it, as on Neon) and its database todo on c; it returns a superuser
// connection to c, which the caller closes.
func createAppDatabase(t *testing.T, ctx context.Context, c *pgcluster.Cluster) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"CREATE ROLE todo_app LOGIN PASSWORD 'todo_app' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
		"CREATE DATABASE todo OWNER todo_app",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			conn.Close(ctx)
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return conn
}

// startCluster starts one cluster of the pair, destroyed at cleanup — resumed first, should a
// test have left it stopped (SIGSTOP).
func startCluster(t *testing.T, ctx context.Context, opts pgcluster.Options) *pgcluster.Cluster {
	t.Helper()
	opts.Ephemeral = true
	c, err := pgcluster.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start PostgreSQL (%s): %v", filepath.Base(opts.DataDir), err)
	}
	t.Cleanup(func() {
		_, _ = c.Signal(syscall.SIGCONT)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Destroy(ctx); err != nil {
			t.Errorf("destroy %s: %v", filepath.Base(opts.DataDir), err)
		}
	})
	return c
}

// appURL is the service's DATABASE_URL: both hosts, the primary first, and only a server
// that accepts writes will do.
func (p *pair) appURL() string {
	return fmt.Sprintf("postgres://todo_app:todo_app@127.0.0.1:%d,127.0.0.1:%d/todo?sslmode=disable&target_session_attrs=read-write",
		p.primary.Port(), p.standby.Port())
}

// walSenders returns the primary's walsender processes (to hold the stream up).
func walSenders(t *testing.T, c *pgcluster.Cluster) []int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), "SELECT pid FROM pg_stat_replication")
	if err != nil {
		t.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(pids))
	for i, p := range pids {
		out[i] = int(p)
	}
	return out
}

// signalPIDs sends sig to each pid; the test fails on an error other than a gone process.
func signalPIDs(t *testing.T, sig syscall.Signal, pids []int) {
	t.Helper()
	for _, p := range pids {
		if err := syscall.Kill(p, sig); err != nil && err != syscall.ESRCH {
			t.Fatalf("signal %d: %v", p, err)
		}
	}
}
