package proctest

import (
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// PgBouncer is a PgBouncer for [StartPgBouncer] to run.
type PgBouncer struct {
	// Bin is the pgbouncer binary (see [FindTool]).
	Bin string
	// Databases are the lines of the [databases] section, e.g.
	// "* = host=127.0.0.1 port=5433".
	Databases []string
	// Users are the auth_file's users and their passwords.
	Users map[string]string
	// Settings are the [pgbouncer] section's settings (auth_type, pool_mode, pool sizes…);
	// StartPgBouncer sets listen_addr, listen_port, unix_socket_dir and auth_file itself.
	Settings map[string]string
}

// pgBouncerListenLimit bounds the wait for a started PgBouncer to accept connections: a
// ceiling that only a PgBouncer that will never listen reaches, not a busy machine.
const pgBouncerListenLimit = time.Minute

// StartPgBouncer runs b on a free loopback port until the test ends, and returns its address
// (127.0.0.1:PORT). PgBouncer cannot listen on port 0 and say which port it got: should
// another process take the chosen port first, it is started again on another
// ([StartOnFreeAddr]). As root it runs as the postgres user (it refuses to run as root).
// At cleanup it is stopped (SIGINT, its immediate shutdown) and waited for; its output is
// logged when the test failed.
func StartPgBouncer(t testing.TB, b PgBouncer) string {
	t.Helper()
	r := newPgBouncerRun(t, b)
	return StartOnFreeAddr(t, func(addr string) error { return r.start(t, addr) })
}

// pgBouncerRun is what the starts of one PgBouncer share: its files' directory, its
// auth_file, and the user it runs as (nil: the test's).
type pgBouncerRun struct {
	b        PgBouncer
	dir      string
	authFile string
	cred     *syscall.Credential
}

func newPgBouncerRun(t testing.TB, b PgBouncer) *pgBouncerRun {
	t.Helper()
	r := &pgBouncerRun{b: b, dir: ReachableTempDir(t)}
	r.authFile = filepath.Join(r.dir, "users.txt")
	var users strings.Builder
	for _, name := range slices.Sorted(maps.Keys(b.Users)) {
		fmt.Fprintf(&users, "%q %q\n", name, b.Users[name])
	}
	if err := os.WriteFile(r.authFile, []byte(users.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PgBouncer needs the postgres user: %v", err)
		}
		uid, _ := strconv.ParseUint(pg.Uid, 10, 32)
		gid, _ := strconv.ParseUint(pg.Gid, 10, 32)
		r.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	return r
}

// start starts PgBouncer listening on addr and waits until it says it does. If it exits first, the
// error wraps [ErrAddrInUse] when its output says that another process had the port; it is
// then gone, and the caller may start another. Once it listens, it runs until the test ends.
func (r *pgBouncerRun) start(t testing.TB, addr string) error {
	_, port, _ := net.SplitHostPort(addr)
	settings := maps.Clone(r.b.Settings)
	if settings == nil {
		settings = map[string]string{}
	}
	maps.Copy(settings, map[string]string{"listen_addr": "127.0.0.1", "listen_port": port, "unix_socket_dir": "", "auth_file": r.authFile})
	var ini strings.Builder
	ini.WriteString("[databases]\n" + strings.Join(r.b.Databases, "\n") + "\n\n[pgbouncer]\n")
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		fmt.Fprintf(&ini, "%s = %s\n", k, settings[k])
	}
	iniFile := filepath.Join(r.dir, "pgbouncer.ini")
	if err := os.WriteFile(iniFile, []byte(ini.String()), 0o644); err != nil {
		return err
	}

	cmd := exec.Command(r.b.Bin, iniFile)
	out := &LockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Credential: r.cred}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start pgbouncer: %w", err)
	}
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	// Ready is what PgBouncer says, not a connection to addr: that could reach whichever
	// process holds the port, while PgBouncer exits for want of it.
	deadline := time.Now().Add(pgBouncerListenLimit)
	for !strings.Contains(out.String(), "listening on "+addr) {
		select {
		case <-done:
			if AddrInUse(out.String()) {
				return fmt.Errorf("pgbouncer exited: %v: %w", waitErr, ErrAddrInUse)
			}
			return fmt.Errorf("pgbouncer exited: %v\n%s", waitErr, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			return fmt.Errorf("pgbouncer does not listen on %s within %s:\n%s", addr, pgBouncerListenLimit, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() {
		// Cleanups run last-in first-out: whatever used it has stopped.
		_ = cmd.Process.Signal(syscall.SIGINT) // PgBouncer's immediate shutdown
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("pgbouncer %d still running 30 s after SIGINT: killed", cmd.Process.Pid)
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("pgbouncer output:\n%s", out.String())
		}
	})
	return nil
}
