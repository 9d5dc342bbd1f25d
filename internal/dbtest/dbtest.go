package dbtest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"

	"github.com/todo-api/todo-api/db/migrations"
	"github.com/todo-api/todo-api/internal/migrate"
	"github.com/todo-api/todo-api/internal/pgcluster"
)

// Set once by Main, before any test runs; read-only afterwards.
var (
	serverURL string
	cluster   *pgcluster.Cluster
	baseConf  pgtestdb.Config
)

// clusterSettings trade durability, which a throwaway cluster does not need, for speed, and
// allow for many parallel tests with a pool each.
var clusterSettings = map[string]string{
	"fsync":              "off",
	"synchronous_commit": "off",
	"full_page_writes":   "off",
	"max_connections":    "300",
}

// Main runs the package's tests against a real PostgreSQL and exits with their status; call
// it as the whole body of TestMain. It exits 1, saying why, when no server can be had.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) (code int) {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		if err := useServer(u); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: %v\n", err)
			return 1
		}
		return m.Run()
	}
	c, tmp, err := startCluster()
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: cannot start a PostgreSQL for the tests (or set TEST_DATABASE_URL): %v\n", err)
		return 1
	}
	// A deferred call, not code after m.Run: os.Exit(run(m)) exits only after it has run.
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := errors.Join(c.Destroy(ctx), os.RemoveAll(tmp)); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: remove the throwaway PostgreSQL: %v\n", err)
			code = cmp.Or(code, 1)
		}
	}()
	if err := useServer(c.URL("postgres")); err != nil {
		fmt.Fprintf(os.Stderr, "dbtest: %v\n", err)
		return 1
	}
	cluster = c
	return m.Run()
}

// startCluster starts a throwaway cluster in a new temporary directory. Test binaries of
// several packages run at once each get their own directory and port.
func startCluster() (*pgcluster.Cluster, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "dbtest-")
	if err != nil {
		return nil, "", fmt.Errorf("create temporary directory: %w", err)
	}
	// MkdirTemp makes it 0700; as root, the server runs as postgres and must get through.
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, "", fmt.Errorf("chmod temporary directory: %w", err)
	}
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir:   filepath.Join(tmp, "data"),
		Settings:  clusterSettings,
		Ephemeral: true,
	})
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, "", err
	}
	return c, tmp, nil
}

// useServer checks that connString answers and prepares pgtestdb's view of it.
func useServer(connString string) error {
	conf, err := pgtestdbConfig(connString)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(connString), err)
	}
	_ = conn.Close(ctx)
	serverURL, baseConf = connString, conf
	return nil
}

// pgtestdbConfig splits a postgres:// URL into pgtestdb's fields.
func pgtestdbConfig(connString string) (pgtestdb.Config, error) {
	u, err := url.Parse(connString)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return pgtestdb.Config{}, fmt.Errorf("the test database must be given as a postgres:// URL, not %q", redact(connString))
	}
	host := cmp.Or(u.Hostname(), "localhost")
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	password, _ := u.User.Password()
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       host,
		Port:       cmp.Or(u.Port(), "5432"),
		User:       u.User.Username(),
		Password:   password,
		Database:   cmp.Or(strings.TrimPrefix(u.Path, "/"), "postgres"),
		Options:    u.RawQuery,
		// A test that starts the real binary may leave its connections closing when the
		// test ends; dropping its database must not fail over that.
		ForceTerminateConnections: true,
		TestRole:                  &testRole,
	}, nil
}

// testRole owns the test databases and is who the tests connect as. Like pgtestdb's default
// role it is no superuser, but it bypasses row-level security (BYPASSRLS): tests read and
// write the raw rows as an administrator would, while the policies themselves are proven by
// internal/store's tests with a role of their own that does not bypass them. Granting
// BYPASSRLS takes a superuser, which the throwaway cluster's administrator is.
var testRole = pgtestdb.Role{
	Username:     "todo_test",
	Password:     "todo_test",
	Capabilities: "NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS",
}

// redact hides a password in a connection string for error messages.
func redact(connString string) string {
	if u, err := url.Parse(connString); err == nil && u.User != nil {
		return u.Redacted()
	}
	return connString
}

// New returns a pool on a fresh database of its own, cloned from a migrated template, for
// tests that use the store directly. The pool is closed and the database dropped at cleanup.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	connString := NewURL(t)
	pool, err := pgxpool.New(context.Background(), connString)
	if err != nil {
		t.Fatalf("dbtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close) // runs before pgtestdb drops the database: cleanups run last-in first-out
	return pool
}

// NewURL is [New] for tests that connect on their own, e.g. by starting the real binary with
// TEST_DATABASE_URL set: it returns the fresh database's connection string.
func NewURL(t testing.TB) string {
	t.Helper()
	if serverURL == "" {
		t.Fatalf("dbtest: no database server: call dbtest.Main(m) from TestMain in this package")
	}
	return pgtestdb.Custom(t, baseConf, migrator{}).URL()
}

// ServerURL returns the connection string of the server the tests use, as its administrator
// (the throwaway cluster's superuser), for tests that need a database of their own or put
// PgBouncer in front. It is empty when Main has not run.
func ServerURL() string { return serverURL }

// Cluster returns the throwaway cluster, so that fault tests can stop and restart the
// database; it is nil when the tests use an external server.
func Cluster() *pgcluster.Cluster { return cluster }

// migrator builds pgtestdb's template database with package migrate, the code `todo-api
// serve` runs, over the embedded migration files.
type migrator struct{}

// Hash identifies the template by the migration files' names and contents, so a changed
// migration gets a new template, also on a long-lived external server.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	h.Write([]byte("dbtest migrator v1\x00"))
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Migrate applies the migrations to the new template database.
func (migrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	return migrate.Up(ctx, conf.URL(), nil)
}
