package pgcluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/proctest"
)

// testSettings make throwaway clusters start and work fast.
var testSettings = map[string]string{"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startCluster starts a cluster that the test stops at cleanup (t.TempDir removes the files).
func startCluster(t *testing.T, opts Options) *Cluster {
	t.Helper()
	if opts.Settings == nil {
		opts.Settings = testSettings
	}
	opts.Logf = t.Logf
	c, err := Start(testContext(t), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

func connect(t *testing.T, connString string) *pgx.Conn {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		t.Fatalf("connect %s: %v", connString, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// stop stops c and checks that the postmaster is gone. It may run in a cleanup, after
// t.Context is cancelled.
func stop(t *testing.T, c *Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pid := c.PID()
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if processExists(pid) {
		t.Fatalf("postmaster pid %d still exists after Stop", pid)
	}
	if c.PID() != 0 {
		t.Fatalf("PID() = %d after Stop, want 0", c.PID())
	}
}

func TestClusterLifecycle(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(proctest.ReachableTempDir(t), "data")
	c := startCluster(t, Options{DataDir: dataDir, Database: "app"})

	t.Run("ServesTheDatabaseItWasAskedFor", func(t *testing.T) {
		if c.PID() <= 0 || c.Port() <= 0 {
			t.Fatalf("PID() = %d, Port() = %d", c.PID(), c.Port())
		}
		want := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/app?sslmode=disable", c.Port())
		if got := c.URL("app"); got != want {
			t.Fatalf("URL = %q, want %q", got, want)
		}
		conn := connect(t, c.URL("app"))
		if _, err := conn.Exec(testContext(t), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives restarts')"); err != nil {
			t.Fatal(err)
		}
		conn.Close(testContext(t))
	})

	t.Run("EnsureDatabaseIsIdempotent", func(t *testing.T) {
		for range 2 {
			if err := c.EnsureDatabase(testContext(t), "other db"); err != nil {
				t.Fatal(err)
			}
		}
		connect(t, c.URL("other db"))
	})

	t.Run("ListensOnLoopbackWithSocketBesideDataDir", func(t *testing.T) {
		conn := connect(t, c.URL("postgres"))
		var listen, sockets string
		if err := conn.QueryRow(testContext(t), "SELECT current_setting('listen_addresses'), current_setting('unix_socket_directories')").Scan(&listen, &sockets); err != nil {
			t.Fatal(err)
		}
		if listen != "127.0.0.1" || sockets != filepath.Join(filepath.Dir(dataDir), "run") {
			t.Fatalf("listen_addresses = %q, unix_socket_directories = %q", listen, sockets)
		}
		if _, err := os.Stat(filepath.Join(sockets, ".s.PGSQL."+strconv.Itoa(c.Port()))); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("StopLeavesNoProcessAndIsIdempotent", func(t *testing.T) {
		port := c.Port()
		stop(t, c)
		if err := c.Stop(testContext(t)); err != nil {
			t.Fatalf("second Stop: %v", err)
		}
		if conn, err := pgx.Connect(testContext(t), c.URL("app")); err == nil {
			conn.Close(context.Background())
			t.Fatalf("port %d still accepts connections after Stop", port)
		}
	})

	t.Run("StartAgainKeepsPortAndData", func(t *testing.T) {
		port := c.Port()
		if err := c.Start(testContext(t)); err != nil {
			t.Fatal(err)
		}
		if c.Port() != port {
			t.Fatalf("port changed from %d to %d", port, c.Port())
		}
		assertKept(t, c.URL("app"))
		stop(t, c)
	})

	t.Run("NewStartOnSameDirKeepsData", func(t *testing.T) {
		// What a second `todo-api dev` run does.
		c2 := startCluster(t, Options{DataDir: dataDir})
		assertKept(t, c2.URL("app"))
		stop(t, c2)
	})
}

func assertKept(t *testing.T, connString string) {
	t.Helper()
	var v string
	if err := connect(t, connString).QueryRow(testContext(t), "SELECT v FROM kept").Scan(&v); err != nil || v != "survives restarts" {
		t.Fatalf("kept row: %q, %v", v, err)
	}
}

func TestStalePostmasterPID(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(proctest.ReachableTempDir(t), "data")
	c := startCluster(t, Options{DataDir: dataDir})
	port := c.Port()
	stop(t, c)

	tests := []struct {
		name string
		pid  func(t *testing.T) int
	}{
		{"DeadPID", deadPID},
		// After a reboot or in a container, the crashed server's PID often belongs to another
		// process of the same user; PostgreSQL alone then refuses to start.
		{"PIDReusedByUnrelatedProcess", unrelatedLivePID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pid := tt.pid(t)
			writeStalePIDFile(t, c, pid, port)
			c2 := startCluster(t, Options{DataDir: dataDir})
			if c2.PID() == pid {
				t.Fatalf("postmaster pid %d is the stale one", pid)
			}
			connect(t, c2.URL("postgres"))
			stop(t, c2)
		})
	}
}

// writeStalePIDFile writes what a crashed server leaves behind: postmaster.pid and the lock
// file of its Unix socket, both naming pid.
func writeStalePIDFile(t *testing.T, c *Cluster, pid, port int) {
	t.Helper()
	content := fmt.Sprintf("%d\n%s\n%d\n%d\n%s\n127.0.0.1\n", pid, c.dataDir, time.Now().Unix(), port, c.runDir)
	for _, path := range []string{
		filepath.Join(c.dataDir, "postmaster.pid"),
		filepath.Join(c.runDir, ".s.PGSQL."+strconv.Itoa(port)+".lock"),
	} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := c.run.chown(path); err != nil {
			t.Fatal(err)
		}
	}
}

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// unrelatedLivePID returns the PID of a live process owned by the server's OS user.
func unrelatedLivePID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "300")
	r, err := newRunner()
	if err != nil {
		t.Fatal(err)
	}
	if r.root() {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(r.uid), Gid: uint32(r.gid)}}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

func TestSecondStartOnRunningDirIsAlreadyRunning(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(proctest.ReachableTempDir(t), "data")
	c := startCluster(t, Options{DataDir: dataDir})

	// Also on the server's own, fixed port: the directory's owner matters, not the port.
	_, err := Start(testContext(t), Options{DataDir: dataDir, Port: c.Port(), Logf: t.Logf})
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Start on port %d: %v, want ErrAlreadyRunning", c.Port(), err)
	}

	// Ephemeral would delete the directory on failure; it must not touch a live server's.
	_, err = Start(testContext(t), Options{DataDir: dataDir, Ephemeral: true, Logf: t.Logf})
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Start: %v, want ErrAlreadyRunning", err)
	}
	var running *AlreadyRunningError
	if !errors.As(err, &running) || running.PID != c.PID() || running.Port != c.Port() {
		t.Fatalf("error %v does not name pid %d port %d", err, c.PID(), c.Port())
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		t.Fatalf("data directory damaged: %v", err)
	}
	connect(t, c.URL("postgres")) // the first server is unharmed
}

func TestEphemeralRefusesADirectoryWithFiles(t *testing.T) {
	t.Parallel()
	dir := proctest.ReachableTempDir(t)
	precious := filepath.Join(dir, "precious.txt")
	if err := os.WriteFile(precious, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Start(testContext(t), Options{DataDir: dir, Ephemeral: true}); err == nil {
		t.Fatal("Start accepted a directory with files for an Ephemeral cluster")
	}
	if !exists(precious) {
		t.Fatal("Ephemeral Start deleted a file it did not create")
	}
}

func TestStartOnTakenPortNamesThePort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	_, err = Start(testContext(t), Options{DataDir: filepath.Join(proctest.ReachableTempDir(t), "data"), Port: port})
	if !errors.Is(err, ErrPortInUse) || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("Start on taken port %d: %v", port, err)
	}
}

func TestLongDataDirGetsShortSocketDir(t *testing.T) {
	t.Parallel()
	dataDir := proctest.ReachableTempDir(t)
	for len(dataDir) <= maxSocketDirLen {
		dataDir = filepath.Join(dataDir, "a-rather-long-directory-name")
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, Options{DataDir: filepath.Join(dataDir, "data")})
	if !strings.HasPrefix(c.runDir, "/tmp/pgcluster-") {
		t.Fatalf("socket directory %s", c.runDir)
	}
	connect(t, c.URL("postgres"))
	stop(t, c)
	if _, err := os.Stat(c.runDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary socket directory %s left after Stop: %v", c.runDir, err)
	}
}

const helperEnv = "PGCLUSTER_TEST_EPHEMERAL_DIR"

// TestEphemeralClusterDiesWithProcess runs a child test process that starts an Ephemeral
// cluster and panics: the watchdog must stop the server and delete its directory.
func TestEphemeralClusterDiesWithProcess(t *testing.T) {
	t.Parallel()
	parent := proctest.ReachableTempDir(t)
	dir := filepath.Join(parent, "throwaway")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(testContext(t), os.Args[0], "-test.run=^TestEphemeralHelper$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("helper stderr:\n%s", stderr.String())
		}
	})
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := 0
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		if p, ok := strings.CutPrefix(scanner.Text(), "postmaster pid "); ok {
			pid, _ = strconv.Atoi(p)
		}
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("helper exited cleanly; it should have panicked")
	}
	if pid == 0 {
		t.Fatal("helper did not report a postmaster pid")
	}
	deadline := time.Now().Add(30 * time.Second)
	for processExists(pid) || exists(dir) {
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the helper died: postmaster %d exists: %v, %s exists: %v", pid, processExists(pid), dir, exists(dir))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEphemeralHelper(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		return // only runs as TestEphemeralClusterDiesWithProcess's child
	}
	c, err := Start(testContext(t), Options{DataDir: filepath.Join(dir, "data"), Settings: testSettings, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("postmaster pid %d\n", c.PID())
	panic("simulated test panic: the cluster is never destroyed")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func TestInitdbFallsBackToLocaleC(t *testing.T) {
	t.Parallel()
	c, err := newCluster(Options{DataDir: filepath.Join(proctest.ReachableTempDir(t), "data"), Settings: testSettings, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	c.locales = []string{"xx_XX.UTF-8", "C"} // as on a system without C.UTF-8
	ctx := testContext(t)
	if err := c.prepare(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(t, c) })
	var collate, encoding string
	if err := connect(t, c.URL("postgres")).QueryRow(ctx, "SELECT current_setting('lc_collate'), current_setting('server_encoding')").Scan(&collate, &encoding); err != nil {
		t.Fatal(err)
	}
	if collate != "C" || encoding != "UTF8" {
		t.Fatalf("lc_collate = %q, server_encoding = %q; want C, UTF8", collate, encoding)
	}
}
