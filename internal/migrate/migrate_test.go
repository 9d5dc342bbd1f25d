package migrate_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/todo-api/todo-api/db/migrations"
	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/migrate"
)

func TestMain(m *testing.M) {
	dbtest.Main(m)
}

// emptyDatabase creates a database with nothing in it (dbtest.New's are already migrated) and
// returns its URL and a pool on it.
func emptyDatabase(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	ctx := t.Context()
	admin, err := pgx.Connect(ctx, dbtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	name := "migrate_test_" + rand.Text()[:10]
	ident := pgx.Identifier{strings.ToLower(name)}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbtest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + strings.ToLower(name)
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		conn, err := pgx.Connect(context.Background(), dbtest.ServerURL())
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP DATABASE "+ident+" WITH (FORCE)"); err != nil {
			t.Error(err)
		}
	})
	return u.String(), pool
}

// gooseProvider is a goose provider over the embedded migrations on dsn, for tests that step
// through them one at a time (package migrate applies them all or rolls back one).
func gooseProvider(t *testing.T, dsn string) *goose.Provider {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { sqlDB.Close() })
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func pending(t *testing.T, pool *pgxpool.Pool) bool {
	t.Helper()
	p, err := migrate.Pending(t.Context(), pool)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tableExists(t *testing.T, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var exists bool
	if err := pool.QueryRow(t.Context(), "SELECT to_regclass($1) IS NOT NULL", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	return exists
}

func TestConcurrentUpAppliesEachMigrationOnce(t *testing.T) {
	t.Parallel()
	dsn, pool := emptyDatabase(t)
	if !pending(t, pool) {
		t.Fatal("Pending on a never-migrated database = false")
	}

	// Two replicas starting together on a fresh database.
	upConcurrently(t, dsn, pool, 2)

	// Replicas of a new release starting together, the version table already in place. On a
	// fresh database goose's own creation of that table happens to serialise the replicas;
	// here only the lock does. Several rounds, so that the replicas overlap.
	for range 2 {
		if err := migrate.Down(t.Context(), dsn, testLogger(t)); err != nil {
			t.Fatal(err)
		}
		upConcurrently(t, dsn, pool, 3)
	}
}

// upConcurrently runs n Ups at once and checks that each migration was applied once.
func upConcurrently(t *testing.T, dsn string, pool *pgxpool.Pool, n int) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range errs {
		wg.Go(func() {
			<-start
			errs[i] = migrate.Up(t.Context(), dsn, testLogger(t))
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var applied, distinct int
	if err := pool.QueryRow(t.Context(),
		"SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != distinct || applied == 0 {
		t.Fatalf("goose_db_version holds %d rows for %d versions: a migration ran twice", applied, distinct)
	}
	if !tableExists(t, pool, "tasks") || pending(t, pool) {
		t.Fatal("after Up: no tasks table, or migrations still pending")
	}
}

func TestDownThenUp(t *testing.T) {
	t.Parallel()
	dsn, pool := emptyDatabase(t)
	if err := migrate.Up(t.Context(), dsn, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	// Down rolls back one migration at a time, newest first; each Down section must work.
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v, %v", files, err)
	}
	for i := range files {
		if !tableExists(t, pool, "tasks") {
			t.Fatalf("tasks table gone after rolling back %d of %d migrations", i, len(files))
		}
		if err := migrate.Down(t.Context(), dsn, testLogger(t)); err != nil {
			t.Fatalf("Down %d of %d: %v", i+1, len(files), err)
		}
		if !pending(t, pool) {
			t.Fatalf("nothing pending after Down %d", i+1)
		}
	}
	if tableExists(t, pool, "tasks") || !pending(t, pool) {
		t.Fatal("after Down: tasks table still there, or nothing pending")
	}
	// Every migration is rolled back; there is nothing left.
	if err := migrate.Down(t.Context(), dsn, nil); !errors.Is(err, migrate.ErrNoneApplied) {
		t.Fatalf("Down with nothing applied: %v, want ErrNoneApplied", err)
	}
	if err := migrate.Up(t.Context(), dsn, nil); err != nil {
		t.Fatal(err)
	}
	if !tableExists(t, pool, "tasks") || pending(t, pool) {
		t.Fatal("after Down and Up: no tasks table, or migrations pending")
	}
}

func TestStatusListsEachMigration(t *testing.T) {
	t.Parallel()
	dsn, _ := emptyDatabase(t)
	var before, after bytes.Buffer
	if err := migrate.Status(t.Context(), dsn, &before); err != nil {
		t.Fatal(err)
	}
	if err := migrate.Up(t.Context(), dsn, nil); err != nil {
		t.Fatal(err)
	}
	if err := migrate.Status(t.Context(), dsn, &after); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		out   string
		state string
	}{{before.String(), "pending"}, {after.String(), "applied"}} {
		if !strings.Contains(tt.out, "0001_tasks.sql") || !strings.Contains(tt.out, tt.state) {
			t.Errorf("status does not show 0001_tasks.sql as %s:\n%s", tt.state, tt.out)
		}
	}
}

func TestPendingOnTestDatabaseIsFalse(t *testing.T) {
	t.Parallel()
	if pending(t, dbtest.New(t)) {
		t.Fatal("a dbtest database reports pending migrations")
	}
}

func TestUpReportsBadDSN(t *testing.T) {
	t.Parallel()
	err := migrate.Up(t.Context(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1&sslmode=disable", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "migrate up:") {
		t.Fatalf("Up on an unreachable server: %v", err)
	}
}

// TestCursorKeyIsRandomPerDatabase: migrating makes each database its own 32-byte cursor key.
func TestCursorKeyIsRandomPerDatabase(t *testing.T) {
	t.Parallel()
	var keys [][]byte
	for range 2 {
		dsn, pool := emptyDatabase(t)
		if err := migrate.Up(t.Context(), dsn, testLogger(t)); err != nil {
			t.Fatal(err)
		}
		var key []byte
		if err := pool.QueryRow(t.Context(), "SELECT key FROM cursor_keys WHERE id = 1").Scan(&key); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	if len(keys[0]) != 32 || len(keys[1]) != 32 || bytes.Equal(keys[0], keys[1]) {
		t.Fatalf("cursor keys of two databases: %x and %x; want two different 32-byte keys", keys[0], keys[1])
	}
}
