package pgcluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrAlreadyRunning reports that a live server already owns the data directory, so a caller
// such as `todo-api dev` can reuse it (see [AlreadyRunningError]) instead of starting another.
var ErrAlreadyRunning = errors.New("a PostgreSQL server is already running on this data directory")

// ErrPortInUse reports that the requested port is taken, so a caller can pick another.
var ErrPortInUse = errors.New("port already in use")

// AlreadyRunningError carries the PID and port of the server that owns the data directory, so
// the caller can connect to it. It matches [ErrAlreadyRunning] with errors.Is.
type AlreadyRunningError struct {
	DataDir string
	PID     int
	Port    int // 0 when the server has not recorded it yet
}

// Error says which server owns which directory.
func (e *AlreadyRunningError) Error() string {
	return fmt.Sprintf("%v: %s (pid %d, port %d)", ErrAlreadyRunning, e.DataDir, e.PID, e.Port)
}

// Unwrap makes errors.Is(err, ErrAlreadyRunning) true.
func (e *AlreadyRunningError) Unwrap() error { return ErrAlreadyRunning }

// Options configures [Start].
type Options struct {
	// DataDir is the cluster directory; it is created and initdb'd when missing or empty.
	DataDir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one (and retries if it is taken
	// before the server binds it).
	Port int
	// BinDir holds initdb, pg_ctl and postgres; "" means [FindBinDir].
	BinDir string
	// Settings are extra server settings passed as -c name=value, e.g. fsync=off for tests.
	// With fsync=off, initdb also skips syncing (--no-sync).
	Settings map[string]string
	// Database, when set, is created by Start if it does not exist (see [Cluster.EnsureDatabase]).
	Database string
	// Ephemeral ties the cluster to this process, for tests: a watchdog process stops the
	// server and deletes DataDir (and its parent, if that is left empty) when this process
	// exits without calling [Cluster.Destroy], e.g. on a panic or a test timeout. A failed
	// Start deletes it too. DataDir must be new or empty.
	Ephemeral bool
	// Logf, when set, receives progress messages (initdb, start, stale PID file removed).
	Logf func(format string, args ...any)
	// StandbyOf, when set, makes the cluster a streaming standby of that running cluster:
	// an empty DataDir is filled by pg_basebackup (see replica.go) instead of initdb.
	StandbyOf *Cluster
}

// Cluster is a PostgreSQL server run from a local data directory. Its methods are safe for
// concurrent use.
type Cluster struct {
	opts      Options
	dataDir   string // absolute
	binDir    string
	runDir    string // unix_socket_directories
	tmpRunDir bool   // runDir is a short directory under /tmp, removed at Stop
	logFile   string
	locales   []string // initdb --locale choices, best first
	run       runner
	watchdog  *watchdog

	mu        sync.Mutex
	port      int
	pid       int
	running   bool
	destroyed bool
}

// maxSocketDirLen keeps "<dir>/.s.PGSQL.65535" within the 107 usable bytes of sun_path.
const maxSocketDirLen = 107 - len("/.s.PGSQL.65535")

// Start starts the cluster in opts.DataDir, running initdb first when the directory is
// empty, and returns once a connection to the server succeeds. A postmaster.pid left by a
// crash is removed; a live server on the same directory is an [*AlreadyRunningError].
// ctx bounds the whole start.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	c, err := newCluster(opts)
	if err != nil {
		return nil, err
	}
	// A live server on the directory first: `todo-api dev` reuses it, and on a fixed port it
	// would otherwise look like someone else's.
	if err := c.clearStalePID(); err != nil {
		return nil, err
	}
	if opts.Port != 0 {
		if err := checkPortFree(opts.Port); err != nil {
			return nil, err
		}
	}
	if opts.Ephemeral {
		// Ephemeral deletes DataDir: only ever one that this cluster creates.
		if entries, _ := os.ReadDir(c.dataDir); len(entries) > 0 {
			return nil, fmt.Errorf("pgcluster: an Ephemeral cluster needs a new or empty DataDir, and %s has files", c.dataDir)
		}
		if c.watchdog, err = startWatchdog(c); err != nil {
			return nil, err
		}
	}
	fail := func(err error) (*Cluster, error) {
		if errors.Is(err, ErrAlreadyRunning) {
			// Someone else's server now owns the directory: leave it and its files alone.
			if c.watchdog != nil {
				c.watchdog.release()
			}
			return nil, err
		}
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if opts.Ephemeral {
			_ = c.Destroy(cleanupCtx)
		} else {
			_ = c.Stop(cleanupCtx)
		}
		return nil, err
	}
	if err := c.prepare(ctx); err != nil {
		return fail(err)
	}
	if err := c.Start(ctx); err != nil {
		return fail(err)
	}
	if opts.Database != "" {
		if err := c.EnsureDatabase(ctx, opts.Database); err != nil {
			return fail(err)
		}
	}
	return c, nil
}

// newCluster resolves paths and binaries without touching the disk.
func newCluster(opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is empty")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	binDir := opts.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(); err != nil {
			return nil, err
		}
	} else if err := checkBinDir(binDir); err != nil {
		return nil, err
	}
	r, err := newRunner()
	if err != nil {
		return nil, err
	}
	opts.Settings = maps.Clone(opts.Settings)
	c := &Cluster{
		opts:    opts,
		dataDir: dataDir,
		binDir:  binDir,
		runDir:  filepath.Join(filepath.Dir(dataDir), "run"),
		logFile: filepath.Join(dataDir, "server.log"),
		locales: []string{"C.UTF-8", "C"},
		run:     r,
	}
	if len(c.runDir) > maxSocketDirLen {
		// Deterministic, so that a restart and the watchdog find the same directory.
		sum := sha256.Sum256([]byte(dataDir))
		c.runDir = "/tmp/pgcluster-" + hex.EncodeToString(sum[:6])
		c.tmpRunDir = true
	}
	for _, p := range []string{c.dataDir, c.runDir} {
		if err := checkPathChars(p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// prepare creates and initdb's an empty data directory, or checks that an existing one was
// made by the same PostgreSQL major version as the binaries.
func (c *Cluster) prepare(ctx context.Context) error {
	binVersion, err := c.serverVersion(ctx)
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		if dirVersion := strings.TrimSpace(string(b)); dirVersion != binVersion {
			return fmt.Errorf("%s was initialised by PostgreSQL %s but the binaries in %s are PostgreSQL %s: "+
				"remove the directory, or set PG_BINDIR to PostgreSQL %s binaries", c.dataDir, dirVersion, c.binDir, binVersion, dirVersion)
		}
		return c.run.checkReachable(c.dataDir)
	}
	entries, err := os.ReadDir(c.dataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read data directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is neither empty nor a PostgreSQL data directory (no PG_VERSION); remove it or choose another", c.dataDir)
	}
	// Parents 0755, so that the postgres user can reach the data directory when we are root.
	if err := os.MkdirAll(filepath.Dir(c.dataDir), 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	if err := os.Mkdir(c.dataDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create data directory: %w", err)
	}
	if err := os.Chmod(c.dataDir, 0o700); err != nil { // initdb insists on 0700 or 0750
		return fmt.Errorf("chmod data directory: %w", err)
	}
	if err := c.run.chown(c.dataDir); err != nil {
		return err
	}
	if err := c.run.checkReachable(c.dataDir); err != nil {
		return err
	}
	if c.opts.StandbyOf != nil {
		return c.baseBackup(ctx)
	}
	return c.initdb(ctx, binVersion)
}

// initdb initialises the data directory, with locale C.UTF-8 where the system has it and C
// where it does not (older macOS, minimal containers).
func (c *Cluster) initdb(ctx context.Context, version string) error {
	var lastErr error
	for _, locale := range c.locales {
		c.logf("pgcluster: initdb %s (PostgreSQL %s, locale %s)", c.dataDir, version, locale)
		args := []string{"-D", c.dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=" + locale}
		if c.opts.Settings["fsync"] == "off" {
			args = append(args, "--no-sync")
		}
		out, err := c.run.run(ctx, filepath.Join(c.binDir, "initdb"), args...)
		if err == nil {
			return nil
		}
		lastErr = fmt.Errorf("initdb: %w", err)
		if !strings.Contains(strings.ToLower(out), "locale") || ctx.Err() != nil {
			break
		}
		// initdb removes what it created in an existing directory; make sure before retrying.
		if err := emptyDir(c.dataDir); err != nil {
			return err
		}
	}
	return lastErr
}

// serverVersion returns the major version of the postgres binary ("15", "16").
func (c *Cluster) serverVersion(ctx context.Context) (string, error) {
	// postgres answers --version before it checks for root, so no runuser is needed.
	out, err := runner{uid: -1, gid: -1}.run(ctx, filepath.Join(c.binDir, "postgres"), "--version")
	if err != nil {
		return "", err
	}
	// "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
	fields := strings.Fields(out)
	for i, f := range fields {
		if f == "(PostgreSQL)" && i+1 < len(fields) {
			major, _, _ := strings.Cut(fields[i+1], ".")
			return major, nil
		}
	}
	return "", fmt.Errorf("unexpected output of postgres --version: %q", out)
}

// Start starts a stopped cluster again, on the same port, so that fault tests can take the
// database away and bring it back. It does nothing when the server runs.
func (c *Cluster) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.destroyed {
		return errors.New("pgcluster: cluster was destroyed")
	}
	if c.running {
		return nil
	}
	if err := c.clearStalePID(); err != nil {
		return err
	}
	if err := c.ensureRunDir(); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		port, pickFree := c.port, false
		if port == 0 {
			port = c.opts.Port
		}
		if port == 0 {
			p, err := freePort()
			if err != nil {
				return err
			}
			port, pickFree = p, true
		}
		err := c.startOnce(ctx, port)
		if err == nil {
			c.port, c.running = port, true
			return nil
		}
		// Another process may grab a free port between our pick and the server's bind; with
		// several test binaries starting clusters at once, that happens.
		if pickFree && errors.Is(err, ErrPortInUse) && attempt < 5 && ctx.Err() == nil {
			c.logf("pgcluster: port %d was taken, retrying with another", port)
			continue
		}
		return err
	}
}

// startOnce runs pg_ctl start on port and waits for a connection.
func (c *Cluster) startOnce(ctx context.Context, port int) error {
	logOffset := fileSize(c.logFile)
	c.logf("pgcluster: starting PostgreSQL on 127.0.0.1:%d (data %s, log %s)", port, c.dataDir, c.logFile)
	_, err := c.run.run(ctx, filepath.Join(c.binDir, "pg_ctl"),
		"-D", c.dataDir, "-l", c.logFile, "-w", "-t", timeoutSeconds(ctx, 60*time.Second),
		"-o", c.serverOptions(port), "start")
	if err != nil {
		serverLog := readFrom(c.logFile, logOffset)
		switch {
		case strings.Contains(serverLog, "Address already in use"):
			return fmt.Errorf("start PostgreSQL: port %d on 127.0.0.1 is already in use: %w", port, ErrPortInUse)
		case strings.Contains(serverLog, `lock file "postmaster.pid" already exists`):
			// Lost a race with another Start on the same directory; leave the winner alone.
			if pf, ok, _ := readPIDFile(c.dataDir); ok {
				return &AlreadyRunningError{DataDir: c.dataDir, PID: pf.pid, Port: pf.port}
			}
			return fmt.Errorf("start PostgreSQL: %w", ErrAlreadyRunning)
		}
		// pg_ctl may have given up waiting while the server goes on starting.
		c.stopImmediate()
		return fmt.Errorf("start PostgreSQL: %w\nlast lines of %s:\n%s", err, c.logFile, lastLines(serverLog, 20))
	}
	if pf, ok, err := readPIDFile(c.dataDir); err == nil && ok {
		c.pid = pf.pid
	}
	if err := waitForConnection(ctx, c.url(port, "postgres")); err != nil {
		c.stopImmediate()
		return fmt.Errorf("start PostgreSQL: %w\nlast lines of %s:\n%s", err, c.logFile, lastLines(readFrom(c.logFile, logOffset), 20))
	}
	return nil
}

// serverOptions is the -o argument of pg_ctl start. pg_ctl hands it to /bin/sh, so every
// value is shell-quoted.
func (c *Cluster) serverOptions(port int) string {
	settings := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": c.runDir,
		"lc_messages":             "C", // English server messages, which startOnce recognises
	}
	maps.Copy(settings, c.opts.Settings)
	opts := []string{"-p", strconv.Itoa(port)}
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		opts = append(opts, "-c", shellQuote(k+"="+settings[k]))
	}
	return strings.Join(opts, " ")
}

// waitForConnection retries until the server accepts a real connection or ctx ends.
func waitForConnection(ctx context.Context, connString string) error {
	for {
		connCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err := pgx.Connect(connCtx, connString)
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for PostgreSQL to accept connections: %w (last error: %w)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop shuts the server down (pg_ctl stop -m fast) and waits until the postmaster has exited.
// It falls back to an immediate shutdown when ctx ends first. Stopping a stopped cluster does
// nothing.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopLocked(ctx)
}

func (c *Cluster) stopLocked(ctx context.Context) error {
	if !c.running {
		return nil
	}
	pid := c.pid
	c.logf("pgcluster: stopping PostgreSQL (pid %d)", pid)
	_, err := c.run.run(ctx, filepath.Join(c.binDir, "pg_ctl"),
		"-D", c.dataDir, "-m", "fast", "-w", "-t", timeoutSeconds(ctx, 60*time.Second), "stop")
	if err != nil && c.postmasterRunning() {
		c.logf("pgcluster: fast shutdown failed (%v); shutting down immediately", err)
		if err2 := c.stopImmediate(); err2 != nil && c.postmasterRunning() {
			return fmt.Errorf("stop PostgreSQL: %w", errors.Join(err, err2))
		}
	}
	// pg_ctl returns once postmaster.pid is gone; the process itself may take a moment longer.
	waitCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for processExists(pid) {
		select {
		case <-waitCtx.Done():
			return fmt.Errorf("stop PostgreSQL: postmaster pid %d still exists: %w", pid, waitCtx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	c.running, c.pid = false, 0
	if c.tmpRunDir {
		_ = os.Remove(c.runDir)
	}
	return nil
}

// stopImmediate aborts the server (pg_ctl stop -m immediate), for failed starts and stuck
// shutdowns. It runs with its own deadline because the caller's context may be spent.
func (c *Cluster) stopImmediate() error {
	if !c.postmasterRunning() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.run.run(ctx, filepath.Join(c.binDir, "pg_ctl"), "-D", c.dataDir, "-m", "immediate", "-w", "-t", "30", "stop")
	return err
}

// postmasterRunning reports whether the PID in postmaster.pid is a live server on this
// cluster's directory.
func (c *Cluster) postmasterRunning() bool {
	pf, ok, err := readPIDFile(c.dataDir)
	if err != nil {
		return true // cannot tell; assume the worst
	}
	return ok && isPostmasterOf(pf.pid, c.dataDir)
}

// clearStalePID removes a postmaster.pid whose server is gone (a crash, a reboot), together
// with the socket lock files that server left, or reports the live server that owns it.
// PostgreSQL removes a stale file itself only when its PID is unused; after a reboot or in a
// container the PID often belongs to an unrelated process, and the server then refuses to start.
func (c *Cluster) clearStalePID() error {
	pf, ok, err := readPIDFile(c.dataDir)
	if err != nil || !ok {
		return err
	}
	if isPostmasterOf(pf.pid, c.dataDir) {
		return &AlreadyRunningError{DataDir: c.dataDir, PID: pf.pid, Port: pf.port}
	}
	c.logf("pgcluster: removing stale %s/postmaster.pid (pid %d is not a server on this directory)", c.dataDir, pf.pid)
	if err := os.Remove(filepath.Join(c.dataDir, "postmaster.pid")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale postmaster.pid: %w", err)
	}
	if pf.port != 0 {
		lock := filepath.Join(c.runDir, ".s.PGSQL."+strconv.Itoa(pf.port)+".lock")
		if b, err := os.ReadFile(lock); err == nil {
			if pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])); pid == pf.pid {
				_ = os.Remove(lock)
				_ = os.Remove(strings.TrimSuffix(lock, ".lock"))
			}
		}
	}
	return nil
}

// ensureRunDir creates the socket directory, owned by the server's user.
func (c *Cluster) ensureRunDir() error {
	if err := os.MkdirAll(c.runDir, 0o755); err != nil {
		return fmt.Errorf("create socket directory: %w", err)
	}
	fi, err := os.Lstat(c.runDir)
	if err != nil {
		return fmt.Errorf("socket directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("socket directory %s is not a directory", c.runDir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && c.tmpRunDir && int(st.Uid) != os.Geteuid() && int(st.Uid) != c.run.uid {
		return fmt.Errorf("socket directory %s belongs to uid %d, not to us", c.runDir, st.Uid)
	}
	return c.run.chown(c.runDir)
}

// Destroy stops the server and deletes the data directory (and, for an Ephemeral cluster,
// its parent when that is left empty): the end of a throwaway cluster. The cluster cannot
// be started again.
func (c *Cluster) Destroy(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.destroyed {
		return nil
	}
	if err := c.stopLocked(ctx); err != nil {
		return err
	}
	if c.postmasterRunning() {
		return fmt.Errorf("destroy %s: %w", c.dataDir, ErrAlreadyRunning)
	}
	c.destroyed = true
	err := os.RemoveAll(c.dataDir)
	_ = os.Remove(c.runDir) // only when empty: another cluster may share it
	if c.opts.Ephemeral {
		_ = os.Remove(filepath.Dir(c.dataDir))
	}
	if c.watchdog != nil {
		c.watchdog.release()
	}
	if err != nil {
		return fmt.Errorf("remove data directory: %w", err)
	}
	return nil
}

// EnsureDatabase creates the database name unless it exists, so `todo-api dev` can point the
// service at it on first and later runs alike.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("ensure database %q: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("ensure database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	c.logf("pgcluster: creating database %q", name)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var pgErr *pgconn.PgError
		// 42P04 duplicate_database, 23505 unique_violation: a concurrent caller was faster.
		if errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") {
			return nil
		}
		return fmt.Errorf("create database %q: %w", name, err)
	}
	return nil
}

// Port returns the server's TCP port on 127.0.0.1.
func (c *Cluster) Port() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.port
}

// URL returns a connection string for database dbname as the superuser "postgres" (trust
// authentication, no TLS): postgres://postgres@127.0.0.1:PORT/DB?sslmode=disable.
func (c *Cluster) URL(dbname string) string {
	return c.url(c.Port(), dbname)
}

func (c *Cluster) url(port int, dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, url.PathEscape(dbname))
}

// PID returns the postmaster's process id, or 0 while the cluster is stopped; fault tests
// use it to kill or watch the server.
func (c *Cluster) PID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pid
}

// DataDir returns the absolute path of the data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// LogFile returns the path of the server log, for pointing a user at it.
func (c *Cluster) LogFile() string { return c.logFile }

func (c *Cluster) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkPortFree fails fast, naming the port, when something already listens on it.
func checkPortFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("port %d on 127.0.0.1 is already in use: %w", port, ErrPortInUse)
		}
		return fmt.Errorf("check port %d: %w", port, err)
	}
	return l.Close()
}

// emptyDir removes everything inside dir, keeping dir itself.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("empty %s: %w", dir, err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("empty %s: %w", dir, err)
		}
	}
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readFrom returns the contents of path after offset (what this start added to the log).
func readFrom(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return string(b)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
