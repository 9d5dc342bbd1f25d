package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// baseBackup fills the empty data directory with a copy of opts.StandbyOf taken by
// pg_basebackup, which also writes standby.signal and primary_conninfo (-R): started, the
// cluster streams the primary's WAL. Its walreceiver names itself by the cluster_name
// setting, which the primary's synchronous_standby_names can list.
func (c *Cluster) baseBackup(ctx context.Context) error {
	p := c.opts.StandbyOf
	c.logf("pgcluster: pg_basebackup of 127.0.0.1:%d into %s", p.Port(), c.dataDir)
	_, err := c.run.run(ctx, filepath.Join(c.binDir, "pg_basebackup"),
		"-D", c.dataDir, "-h", "127.0.0.1", "-p", strconv.Itoa(p.Port()), "-U", "postgres",
		"-X", "stream", "-c", "fast", "-R", "--no-sync")
	if err != nil {
		return fmt.Errorf("pg_basebackup: %w", err)
	}
	return nil
}

// Promote promotes a standby to a primary (pg_ctl promote) and returns once it accepts
// writes.
func (c *Cluster) Promote(ctx context.Context) error {
	_, err := c.run.run(ctx, filepath.Join(c.binDir, "pg_ctl"), "-D", c.dataDir, "-w", "-t", timeoutSeconds(ctx, 60*time.Second), "promote")
	if err != nil {
		return fmt.Errorf("promote: %w", err)
	}
	return nil
}

// Signal sends sig to the postmaster and then to each of its children (backends, the
// walsender, the background workers), for fault tests: SIGSTOP hangs the whole server as
// a network partition would (connections stay open, nothing answers), SIGCONT resumes it,
// SIGKILL crashes it. It returns the number of processes signalled.
func (c *Cluster) Signal(sig syscall.Signal) (int, error) {
	c.mu.Lock()
	pid := c.pid
	c.mu.Unlock()
	if pid == 0 {
		return 0, errors.New("pgcluster: the cluster is not running")
	}
	pids := append([]int{pid}, childrenOf(pid)...)
	n := 0
	var errs []error
	for _, p := range pids {
		if err := syscall.Kill(p, sig); err != nil {
			if !errors.Is(err, syscall.ESRCH) {
				errs = append(errs, fmt.Errorf("signal %d: %w", p, err))
			}
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces and parentheses, so cut at the last ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) >= 2 && fields[1] == strconv.Itoa(pid) {
			kids = append(kids, child)
		}
	}
	return kids
}
