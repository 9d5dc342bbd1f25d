package pgcluster

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// pidFile is what a running server records in DataDir/postmaster.pid.
type pidFile struct {
	pid  int
	port int
}

// readPIDFile parses DataDir/postmaster.pid; ok is false when there is none.
func readPIDFile(dataDir string) (pf pidFile, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if errors.Is(err, fs.ErrNotExist) {
		return pidFile{}, false, nil
	}
	if err != nil {
		return pidFile{}, false, fmt.Errorf("read postmaster.pid: %w", err)
	}
	// Line 1: postmaster PID; line 4: port (see PostgreSQL's pidfile.h).
	lines := strings.Split(string(b), "\n")
	pf.pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	if len(lines) > 3 {
		pf.port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return pf, true, nil
}

// processExists reports whether pid names a process that has not exited. A zombie (exited,
// not yet reaped by its parent) does not count.
func processExists(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !isZombie(pid)
}

// isZombie reads the process state from /proc where there is one.
func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may contain anything.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && bytes.HasPrefix(b[i+1:], []byte(" Z"))
}

// isPostmasterOf reports whether pid is a live PostgreSQL server working in dataDir. A PID in
// a postmaster.pid left by a crash may since have been given to an unrelated process; PostgreSQL
// itself would then refuse to start, believing another server runs.
func isPostmasterOf(pid int, dataDir string) bool {
	if pid <= 0 || pid == os.Getpid() {
		return false
	}
	// EPERM means another user's process, and only the owner of the data directory can run a
	// server in it (as root, the server's user is postgres and root may signal it).
	if err := syscall.Kill(pid, 0); err != nil || isZombie(pid) {
		return false
	}
	// Linux: the postmaster's working directory is its data directory.
	if cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd"); err == nil {
		want, err := filepath.EvalSymlinks(dataDir)
		if err != nil {
			want = dataDir
		}
		return cwd == want
	}
	if _, err := os.Stat("/proc/self/cwd"); err == nil {
		return false // /proc works, so the process is gone or not ours
	}
	// No /proc (macOS, BSD): settle for the program name.
	out, err := exec.Command("ps", "-o", "comm=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		// ps exits non-zero for a PID that is gone; when it cannot run at all, err on the side
		// of a live server: removing a live server's postmaster.pid invites a second one.
		var exitErr *exec.ExitError
		return !errors.As(err, &exitErr)
	}
	name := string(out)
	return strings.Contains(name, "postgres") || strings.Contains(name, "postmaster")
}
