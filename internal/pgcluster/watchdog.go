package pgcluster

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// watchdog is a /bin/sh process that outlives a crash of this process: it waits for a line
// on its stdin, whose write end only this process holds. A line means "all is well, exit";
// end of file means this process died, and the watchdog stops the server and deletes the
// cluster's directories.
type watchdog struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startWatchdog starts the watchdog of an Ephemeral cluster.
func startWatchdog(c *Cluster) (*watchdog, error) {
	var stop []string
	for _, a := range c.run.argv(filepath.Join(c.binDir, "pg_ctl"), "-D", c.dataDir, "-m", "immediate", "-w", "-t", "30", "stop") {
		stop = append(stop, shellQuote(a))
	}
	script := strings.Join([]string{
		`if read -r line; then exit 0; fi`,
		`cd /`,
		strings.Join(stop, " ") + ` >/dev/null 2>&1`,
		`rm -rf ` + shellQuote(c.dataDir),
		`rmdir ` + shellQuote(c.runDir) + ` ` + shellQuote(filepath.Dir(c.dataDir)) + ` 2>/dev/null`,
		`exit 0`,
	}, "\n")
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Env = childEnv()
	// Its own session: a Ctrl-C at the terminal must not kill it before it has cleaned up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start cluster watchdog: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start cluster watchdog: %w", err)
	}
	return &watchdog{cmd: cmd, stdin: stdin}, nil
}

// release tells the watchdog that the cluster was cleaned up and waits for it to exit.
func (w *watchdog) release() {
	_, _ = io.WriteString(w.stdin, "done\n")
	_ = w.stdin.Close()
	_ = w.cmd.Wait()
}
