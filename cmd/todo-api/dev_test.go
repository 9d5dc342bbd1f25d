package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/proctest"
)

// Limits on waits for a condition, not measurements: they only stop a broken binary from
// hanging the test, so they are generous for two busy cores under the race detector (the
// first initdb alone takes seconds there).
const (
	devReadyLimit = 120 * time.Second
	devStopLimit  = 60 * time.Second
)

// startDev runs `todo-api dev` on dataDir, on a port the kernel picks, and returns it with
// the token it printed and its base URL. Every start moves to another port.
func startDev(t *testing.T, dataDir string) (p *proc, token, base string) {
	t.Helper()
	p = startProc(t, "todo-api dev", []string{"LISTEN_ADDR=" + proctest.AnyAddr}, syscall.SIGTERM,
		[]string{binary(t), "dev", "--data-dir", dataDir})
	token = strings.TrimPrefix(p.waitLine(t, "TOKEN=", devReadyLimit), "TOKEN=")
	return p, token, p.waitServing(t, devReadyLimit)
}

// TestDev runs the real binary as a person would: start, use, stop, start again, survive a
// crash, and never leave a PostgreSQL server behind.
func TestDev(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(proctest.ReachableTempDir(t), "data")
	pidFile := filepath.Join(dataDir, "postgres", "postmaster.pid")
	// Whatever happens to the test, no server survives it (registered first: runs last).
	t.Cleanup(func() {
		if pid := pidFromFile(pidFile); processAlive(pid) && isPostmasterOf(pid, filepath.Join(dataDir, "postgres")) {
			t.Errorf("postmaster %d was left running: stopping it", pid)
			_ = syscall.Kill(pid, syscall.SIGQUIT)
			waitGone(t, pid, 30*time.Second)
		}
	})
	dev, token, base := startDev(t, dataDir)
	c := newClient(t, base)
	var taskID string

	t.Run("FirstLineSaysDevelopmentOnly", func(t *testing.T) {
		// The banner ends with the curl examples, printed after the token line startDev waited for.
		dev.waitLine(t, "  curl -H \"Authorization: Bearer $TOKEN\" "+base+"/api/tasks", devReadyLimit)
		first, _, _ := strings.Cut(dev.output(&dev.stdout), "\n")
		if !strings.Contains(first, "FOR DEVELOPMENT ONLY") {
			t.Fatalf("first line %q", first)
		}
		if out := dev.output(&dev.stdout); !strings.Contains(out, base+"/docs/") || !strings.Contains(out, "curl -H \"Authorization: Bearer $TOKEN\"") {
			t.Fatalf("stdout lacks the Swagger UI URL or the curl example:\n%s", out)
		}
	})

	t.Run("PrintedTokenCreatesAndListsTasks", func(t *testing.T) {
		created := c.do(t, http.StatusCreated, request{Method: http.MethodPost, Path: "/api/tasks", Token: token,
			Body: map[string]any{"title": "Survive a restart", "tags": []string{"dev"}}}).task(t)
		taskID = created.Id.String()
		list := c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks", Token: token}).tasks(t)
		if len(list) != 1 || list[0].Id != created.Id {
			t.Fatalf("list = %+v, want the created task", list)
		}
	})

	t.Run("KeyAndIssuerFiles", func(t *testing.T) {
		fi, err := os.Stat(filepath.Join(dataDir, devKeyFile))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v, mode %v", err, fi.Mode().Perm())
		}
		res := c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: devJWKSPath})
		var set struct {
			Keys []map[string]any `json:"keys"`
		}
		if err := json.Unmarshal(res.Body, &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["d"] != nil || set.Keys[0]["crv"] != "Ed25519" {
			t.Fatalf("jwks %s (%v): want one public Ed25519 key", res.Body, err)
		}
		c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/docs/"})
	})

	t.Run("TokenCommandMintsForTheRunningServer", func(t *testing.T) {
		out, err := exec.Command(binary(t), "token", "--sub", "alice", "--data-dir", dataDir).Output()
		if err != nil {
			t.Fatal(err)
		}
		alice := strings.TrimSpace(string(out))
		if list := c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks", Token: alice}).tasks(t); len(list) != 0 {
			t.Fatalf("alice sees %d tasks of demo-user", len(list))
		}
	})

	t.Run("SecondDevOnTheSameDirSaysSoAndExits", func(t *testing.T) {
		second := startProc(t, "second todo-api dev", []string{"LISTEN_ADDR=" + proctest.AnyAddr}, syscall.SIGTERM,
			[]string{binary(t), "dev", "--data-dir", dataDir})
		if code := second.wait(t, 30*time.Second); code != 2 {
			t.Fatalf("second dev exit %d, want 2", code)
		}
		if msg := second.Stderr(); !strings.Contains(msg, "already running on "+dataDir) {
			t.Fatalf("second dev stderr %q", msg)
		}
		c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks", Token: token}) // the first is unharmed
	})

	// Stop: graceful, exit 0, and the postmaster it started is gone.
	pid := pidFromFile(pidFile)
	pidFileContents, err := os.ReadFile(pidFile)
	if err != nil || !processAlive(pid) {
		t.Fatalf("postmaster.pid: pid %d, %v", pid, err)
	}
	dev.signal(t, syscall.SIGTERM)
	if code := dev.wait(t, devStopLimit); code != 0 {
		t.Fatalf("dev exit %d after SIGTERM, want 0", code)
	}
	waitGone(t, pid, devStopLimit)
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid left behind: %v", err)
	}

	// A crash of the server leaves its postmaster.pid, naming a process that is gone.
	if err := os.WriteFile(pidFile, pidFileContents, 0o600); err != nil {
		t.Fatal(err)
	}
	dev, _, base = startDev(t, dataDir)
	c = newClient(t, base)
	t.Run("StalePIDFileFromACrashIsRemoved", func(t *testing.T) {
		if !strings.Contains(dev.Stderr(), "removing stale") {
			t.Fatalf("no word of the stale postmaster.pid in the log:\n%s", dev.Stderr())
		}
	})
	t.Run("DataAndKeyPersistAcrossRestarts", func(t *testing.T) {
		// The first run's token: the key persisted too.
		list := c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks", Token: token}).tasks(t)
		if len(list) != 1 || list[0].Id.String() != taskID {
			t.Fatalf("after restart: %+v, want task %s", list, taskID)
		}
	})

	// SIGKILL gives dev no chance to stop its cluster: the next dev takes the orphan over.
	orphan := pidFromFile(pidFile)
	dev.signal(t, syscall.SIGKILL)
	dev.wait(t, devStopLimit)
	if !processAlive(orphan) {
		t.Fatalf("postmaster %d died with dev; this test expects it to survive SIGKILL", orphan)
	}
	dev, _, base = startDev(t, dataDir)
	c = newClient(t, base)
	t.Run("NextRunTakesOverAServerLeftByAKilledDev", func(t *testing.T) {
		waitGone(t, orphan, devStopLimit)
		list := c.do(t, http.StatusOK, request{Method: http.MethodGet, Path: "/api/tasks", Token: token}).tasks(t)
		if len(list) != 1 || list[0].Id.String() != taskID {
			t.Fatalf("after crash: %+v, want task %s", list, taskID)
		}
	})
	pid = pidFromFile(pidFile)
	dev.signal(t, syscall.SIGINT) // Ctrl-C
	if code := dev.wait(t, devStopLimit); code != 0 {
		t.Fatalf("dev exit %d after SIGINT, want 0", code)
	}
	waitGone(t, pid, devStopLimit)
}

// isPostmasterOf reports whether pid works in dataDir (Linux: its cwd), so the cleanup
// never signals an unrelated process that reused a PID.
func isPostmasterOf(pid int, dataDir string) bool {
	cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd")
	return err == nil && cwd == dataDir
}
