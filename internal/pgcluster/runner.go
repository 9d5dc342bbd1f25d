package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverUser is the OS account the server runs as when this process is root.
const serverUser = "postgres"

// runner runs PostgreSQL programs: directly as the current user, or, when this process is
// root (which PostgreSQL refuses), as the postgres OS user through runuser(1).
type runner struct {
	runuser string // path of runuser; empty when not root
	uid     int    // postgres user's uid when root, else -1
	gid     int    // postgres user's primary gid when root, else -1
	gids    []int  // all of the postgres user's groups when root
}

// newRunner inspects who this process is and prepares to run the server accordingly.
func newRunner() (runner, error) {
	if os.Geteuid() != 0 {
		return runner{uid: -1, gid: -1}, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return runner{}, fmt.Errorf("running as root, PostgreSQL must run as the %q OS user, which does not exist "+
			"(installing the postgresql package creates it, or: useradd --system %s): %w", serverUser, serverUser, err)
	}
	ru, err := exec.LookPath("runuser")
	if err != nil {
		return runner{}, fmt.Errorf("running as root needs runuser(1) from util-linux to run PostgreSQL as %q: %w", serverUser, err)
	}
	r := runner{runuser: ru}
	if r.uid, err = strconv.Atoi(u.Uid); err != nil {
		return runner{}, fmt.Errorf("uid of %q: %w", serverUser, err)
	}
	if r.gid, err = strconv.Atoi(u.Gid); err != nil {
		return runner{}, fmt.Errorf("gid of %q: %w", serverUser, err)
	}
	r.gids = []int{r.gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if n, err := strconv.Atoi(id); err == nil {
				r.gids = append(r.gids, n)
			}
		}
	}
	return r, nil
}

// root reports whether commands run as the postgres user through runuser.
func (r runner) root() bool { return r.runuser != "" }

// argv returns the command line that runs bin with args as the server's user.
func (r runner) argv(bin string, args ...string) []string {
	if r.root() {
		return append([]string{r.runuser, "-u", serverUser, "--", bin}, args...)
	}
	return append([]string{bin}, args...)
}

// run runs bin and returns its combined output. The command gets SIGTERM when ctx ends (runuser
// passes it on), then SIGKILL after a grace period.
func (r runner) run(ctx context.Context, bin string, args ...string) (string, error) {
	argv := r.argv(bin, args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = "/" // the postgres user may not be able to enter our working directory
	cmd.Env = childEnv()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	// pg_ctl's server redirects its output to the log file and never holds our pipes; the delay
	// only guards against a child that does.
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		err = fmt.Errorf("%s %s: %w", filepath.Base(bin), lastArg(args), err)
		if msg := strings.TrimSpace(string(out)); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return string(out), err
	}
	return string(out), nil
}

// chown gives path to the postgres user when this process is root; otherwise it does nothing.
func (r runner) chown(path string) error {
	if !r.root() {
		return nil
	}
	if err := os.Lchown(path, r.uid, r.gid); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, serverUser, err)
	}
	return nil
}

// checkReachable reports an error naming the first directory above dir that the postgres user
// cannot search (root only): a 0700 temporary directory is the usual culprit.
func (r runner) checkReachable(dir string) error {
	if !r.root() {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("stat %s: %w", d, err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok {
			var bit os.FileMode = 0o001
			switch {
			case int(st.Uid) == r.uid:
				bit = 0o100
			case slices.Contains(r.gids, int(st.Gid)):
				bit = 0o010
			}
			if fi.Mode().Perm()&bit == 0 {
				return fmt.Errorf("the %s OS user cannot reach %s: %s has mode %v "+
					"(make it searchable, e.g. chmod o+x %s, or choose another data directory)",
					serverUser, dir, d, fi.Mode().Perm(), d)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// childEnv is this process's environment with messages forced to English, so that server and
// initdb errors can be recognised.
func childEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "LC_ALL" || k == "LC_MESSAGES" || k == "LANG" || k == "LANGUAGE"
	})
	return append(env, "LC_ALL=C")
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lastArg names a pg_ctl action (start, stop) in error messages.
func lastArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[len(args)-1]
}

// timeoutSeconds turns ctx's deadline into a whole number of seconds for pg_ctl -t.
func timeoutSeconds(ctx context.Context, def time.Duration) string {
	d := def
	if deadline, ok := ctx.Deadline(); ok {
		d = time.Until(deadline)
	}
	return strconv.Itoa(max(1, int(d.Seconds())))
}

// errUnsafePath reports a path that pg_ctl would mangle: it puts paths inside double quotes
// in a /bin/sh command line.
var errUnsafePath = errors.New("path contains a character pg_ctl cannot quote (\" $ ` \\ or newline)")

func checkPathChars(path string) error {
	if strings.ContainsAny(path, "\"$`\\\n") {
		return fmt.Errorf("%s: %w", path, errUnsafePath)
	}
	return nil
}
