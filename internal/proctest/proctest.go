// Package proctest holds what the tests that start real processes share: building the
// todo-api binary, starting children on loopback ports no other process can take from them
// ([AnyAddr] with [ServingAddr], or [StartOnFreeAddr]), the rule for a missing tool
// ([MissingTool]), a temporary directory the postgres user can reach, and a buffer several
// writers can share. It is used by tests only.
package proctest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// BuildServe builds cmd/todo-api into dir as name, with the race detector when race is set,
// passing extra flags (e.g. "-ldflags", "-X main.version=…") to go build; it returns the
// binary's path.
func BuildServe(dir, name string, race bool, extra ...string) (string, error) {
	path := filepath.Join(dir, name)
	args := []string{"build", "-o", path}
	if race {
		args = append(args, "-race")
	}
	args = append(args, extra...)
	cmd := exec.Command("go", append(args, "github.com/todo-api/todo-api/cmd/todo-api")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/todo-api: %w\n%s", err, out)
	}
	return path, nil
}

// ReachableTempDir is t.TempDir made searchable by other users: as root, PostgreSQL and
// PgBouncer run as the postgres user and must get through it (it is 0700 by default).
func ReachableTempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// LockedBuffer collects a process's output from several writers (its stdout and stderr).
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (w *LockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// String returns what was written so far.
func (w *LockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
