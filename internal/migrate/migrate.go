package migrate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/todo-api/todo-api/db/migrations"
)

// ErrNoneApplied reports a Down on a database with no applied migration.
var ErrNoneApplied = errors.New("no applied migration to roll back")

// Lock timing: a waiting replica retries every lockRetry for lockRetries times (5 minutes).
// The lock row's lease outlives a crashed holder by at most 30 s (goose's default).
const (
	lockRetry   = 500 * time.Millisecond
	lockRetries = 600
)

// Up applies all pending migrations. It holds the migration lock while it does, so that
// replicas starting together apply each migration once.
func Up(ctx context.Context, dsn string, logger *slog.Logger) error {
	logger = cmp.Or(logger, discard)
	p, closeDB, err := newProvider(dsn, logger, true)
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	defer closeDB()
	results, err := p.Up(ctx)
	for _, r := range results {
		logger.InfoContext(ctx, "migration applied", slog.Int64("version", r.Source.Version),
			slog.String("source", r.Source.Path), slog.Duration("took", r.Duration))
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	// GetVersions reads without taking the lock again (GetDBVersion would).
	version, _, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	logger.InfoContext(ctx, "database schema is current", slog.Int64("version", version), slog.Int("applied", len(results)))
	return nil
}

// Down rolls back the most recently applied migration, under the same lock as Up. With none
// applied it returns [ErrNoneApplied].
func Down(ctx context.Context, dsn string, logger *slog.Logger) error {
	logger = cmp.Or(logger, discard)
	p, closeDB, err := newProvider(dsn, logger, true)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	defer closeDB()
	result, err := p.Down(ctx)
	if errors.Is(err, goose.ErrNoNextVersion) {
		return fmt.Errorf("migrate down: %w", ErrNoneApplied)
	}
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	logger.InfoContext(ctx, "migration rolled back", slog.Int64("version", result.Source.Version),
		slog.String("source", result.Source.Path))
	return nil
}

// Status writes one line per migration — version, applied or pending, when, file — to w.
// Like goose, it creates the version table in a database that has none.
func Status(ctx context.Context, dsn string, w io.Writer) error {
	p, closeDB, err := newProvider(dsn, discard, false)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	defer closeDB()
	statuses, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tMIGRATION")
	for _, s := range statuses {
		applied := "-"
		if s.State == goose.StateApplied {
			applied = s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Source.Version, s.State, applied, s.Source.Path)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	return nil
}

// Pending reports whether the database lacks migrations that this binary embeds, for /readyz.
// It is one cheap query: the highest version recorded in goose_db_version against the newest
// embedded file. A database that was never migrated has pending migrations.
func Pending(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	latest, err := latestVersion()
	if err != nil {
		return false, fmt.Errorf("pending migrations: %w", err)
	}
	var applied *int64
	err = pool.QueryRow(ctx, "SELECT max(version_id) FROM goose_db_version").Scan(&applied)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table: never migrated
		return latest > 0, nil
	}
	if err != nil {
		return false, fmt.Errorf("pending migrations: %w", err)
	}
	return applied == nil || *applied < latest, nil
}

// latestVersion is the highest version among the embedded migration files.
var latestVersion = sync.OnceValues(func() (int64, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return 0, fmt.Errorf("list migrations: %w", err)
	}
	var latest int64
	for _, name := range names {
		v, err := goose.NumericComponent(name)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", name, err)
		}
		latest = max(latest, v)
	}
	return latest, nil
})

// discard is the logger used when the caller passes none.
var discard = slog.New(slog.DiscardHandler)

// newProvider opens dsn through pgx's database/sql driver and builds a goose provider over
// the embedded migrations, with the table locker when locked is true.
func newProvider(dsn string, logger *slog.Logger, locked bool) (*goose.Provider, func(), error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("parse database URL: %w", err)
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	}
	sqlDB := stdlib.OpenDB(*cfg)
	closeDB := func() { _ = sqlDB.Close() }
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		// Not verbose: goose would log every SQL statement; Up and Down log the results.
		goose.WithSlog(logger),
	}
	if locked {
		locker, err := lock.NewPostgresTableLocker(
			lock.WithTableLockTimeout(lockRetry, lockRetries),
			lock.WithTableRetryPolicy(retryable),
			lock.WithTableLogger(logger),
		)
		if err != nil {
			closeDB()
			return nil, nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithLocker(locker))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, opts...)
	if err != nil {
		closeDB()
		return nil, nil, fmt.Errorf("goose: %w", err)
	}
	return p, closeDB, nil
}

// retryable tells the table locker which failures deserve another attempt: the lock being
// held by another replica (not a server error), lost connections and transient server
// states. By default the locker retries every error for the whole lock timeout, so a
// permission problem, or a pooler rejecting cached prepared statements, would hang Up for
// five minutes before failing.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return true
	}
	switch pgErr.Code[:min(2, len(pgErr.Code))] {
	case "08", "40", "53", "57": // connection, rollback (serialisation, deadlock), resources, shutdown
		return true
	}
	return false
}
