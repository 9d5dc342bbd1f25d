package dbtest_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

func TestMain(m *testing.M) {
	dbtest.Main(m)
}

func TestNewGivesEachCallItsOwnMigratedDatabase(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, b := dbtest.New(t), dbtest.New(t)

	nameA, nameB := currentDatabase(t, a), currentDatabase(t, b)
	if nameA == nameB {
		t.Fatalf("both pools use database %q", nameA)
	}
	for _, pool := range []*pgxpool.Pool{a, b} {
		if !tableExists(t, pool, "tasks") {
			t.Fatalf("database %s has no tasks table", currentDatabase(t, pool))
		}
	}
	if _, err := a.Exec(ctx, "INSERT INTO tasks (user_id, id, title, position) VALUES ('u1', gen_random_uuid(), 'only in a', 'a0')"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM tasks").Scan(&n); err != nil || n != 0 {
		t.Fatalf("tasks in b: %d, %v; want 0", n, err)
	}
}

func TestNewURLConnectsToAMigratedDatabase(t *testing.T) {
	t.Parallel()
	connString := dbtest.NewURL(t)
	conn, err := pgx.Connect(t.Context(), connString)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var tasks *string
	if err := conn.QueryRow(t.Context(), "SELECT to_regclass('tasks')::text").Scan(&tasks); err != nil || tasks == nil {
		t.Fatalf("tasks table: %v, %v", tasks, err)
	}
}

func TestServerURLIsTheAdministrator(t *testing.T) {
	t.Parallel()
	conn, err := pgx.Connect(t.Context(), dbtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	c := dbtest.Cluster()
	if c == nil {
		return // an external server: whatever role TEST_DATABASE_URL names
	}
	if want := c.URL("postgres"); dbtest.ServerURL() != want {
		t.Fatalf("ServerURL() = %q, want %q", dbtest.ServerURL(), want)
	}
	var super bool
	if err := conn.QueryRow(t.Context(), "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super); err != nil || !super {
		t.Fatalf("superuser: %v, %v", super, err)
	}
	var fsync string
	if err := conn.QueryRow(t.Context(), "SHOW fsync").Scan(&fsync); err != nil || fsync != "off" {
		t.Fatalf("fsync = %q, %v; want off for a throwaway cluster", fsync, err)
	}
}

// The tests below run this test binary again, as a child whose TestMain is dbtest.Main.

const helperEnv = "DBTEST_HELPER"

// TestMainDestroysClusterWhenATestPanics: a panicking test kills the process without running
// Main's deferred cleanup; the cluster's watchdog must stop the server and delete its files.
func TestMainDestroysClusterWhenATestPanics(t *testing.T) {
	t.Parallel()
	cmd := helper(t, "panic", "TEST_DATABASE_URL=", "DATABASE_URL=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	var dataDir string
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		if rest, ok := strings.CutPrefix(scanner.Text(), "cluster "); ok {
			pidText, dir, _ := strings.Cut(rest, " ")
			pid, _ = strconv.Atoi(pidText)
			dataDir = dir
		}
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("helper exited cleanly; it should have panicked")
	}
	if pid == 0 || dataDir == "" {
		t.Fatal("helper did not report its cluster")
	}
	deadline := time.Now().Add(30 * time.Second)
	for alive(pid) || exists(dataDir) {
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the helper died: postmaster %d alive: %v, %s exists: %v", pid, alive(pid), dataDir, exists(dataDir))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMainFailsWithoutPostgreSQL: no database must fail the run, not skip it.
func TestMainFailsWithoutPostgreSQL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"NoBinaries", []string{"TEST_DATABASE_URL=", "DATABASE_URL=", "PG_BINDIR=/nonexistent"}, "apt-get install postgresql"},
		{"UnreachableServer", []string{"TEST_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}, "connect to"},
		{"NotAURL", []string{"TEST_DATABASE_URL=host=localhost"}, "postgres:// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := helper(t, "pass", tt.env...)
			out, err := cmd.CombinedOutput()
			if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 1 {
				t.Fatalf("helper: %v, want exit status 1; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), tt.want) || strings.Contains(string(out), "PASS") {
				t.Fatalf("output does not say %q (or tests ran):\n%s", tt.want, out)
			}
		})
	}
}

func TestHelper(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "panic":
		c := dbtest.Cluster()
		fmt.Printf("cluster %d %s\n", c.PID(), c.DataDir())
		panic("simulated test panic")
	case "pass":
	default:
		// Not a child of the tests above: nothing to do.
	}
}

// helper prepares this test binary to run TestHelper in mode, with env added.
func helper(t *testing.T, mode string, env ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelper$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func currentDatabase(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var name string
	if err := pool.QueryRow(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func tableExists(t *testing.T, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var exists bool
	if err := pool.QueryRow(t.Context(), "SELECT to_regclass($1) IS NOT NULL", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	return exists
}

// alive reports whether pid is a process that has not exited (a zombie has).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || !strings.HasPrefix(string(stat[i+1:]), " Z")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
