// Package store is the service's data access: it runs the sqlc queries of gen/db on a pgx
// pool, always on behalf of one user, and turns database outcomes into the sentinel errors
// below. Every method takes the user id; every query it runs carries it (see
// TestEveryQueryIsUserScoped), so one user can never reach another's rows. Every statement
// runs through one runner (run, exec.go), which also sets app.user_id for the row-level
// security policies, which refuse other users' rows should a statement ever forget its
// predicate.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"
)

// Sentinel errors. Callers match them with errors.Is; Translate is the one place that
// produces them from database errors.
var (
	// ErrNotFound: no such row for this user (including rows of other users).
	ErrNotFound = errors.New("not found")
	// ErrPreconditionFailed: the row exists but its version is not one the caller named.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrIdempotencyMismatch: the idempotency key was used before with a different body.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrInvalid: the database refused a value (a constraint the API should have checked).
	ErrInvalid = errors.New("invalid value")
	// ErrUnavailable: the database cannot be reached or did not answer in time.
	ErrUnavailable = errors.New("database unavailable")
	// ErrGone: a change feed position before purged tombstones; the feed cannot tell what
	// was deleted since.
	ErrGone = errors.New("changes since then were purged")
	// ErrDueTimeWithoutDate: a due time on a task without a due date (an ErrInvalid).
	ErrDueTimeWithoutDate = fmt.Errorf("%w: a due time needs a due date", ErrInvalid)
	// ErrRepeatWithoutDate: a repeating task without a due date (an ErrInvalid).
	ErrRepeatWithoutDate = fmt.Errorf("%w: a repeating task needs a due date", ErrInvalid)
)

// Options bound the store's use of the pool.
type Options struct {
	// AcquireTimeout bounds the wait for a pool connection — for one of the caller's share,
	// then for the pool's.
	AcquireTimeout time.Duration
	// StatementTimeout bounds each operation once it has a connection.
	StatementTimeout time.Duration
	// MaxConnsPerUser is the most pool connections one user's requests hold at once (see
	// userShare); more wait, then fail with ErrTooBusy.
	MaxConnsPerUser int
}

// DefaultMaxConnsPerUser is MaxConnsPerUser when the options leave it zero: a quarter of
// the pool, so that three other users keep a share as large while one user's requests hold
// theirs — but at least 2, so that a user's read is not stuck behind her own write waiting
// for her clock row (her writes serialise there) — and 1 on a pool of fewer than 4, which
// keeps the rest of it to others.
func DefaultMaxConnsPerUser(poolSize int) int {
	if poolSize < 4 {
		return 1
	}
	return max(2, poolSize/4)
}

// Store runs the service's queries.
type Store struct {
	pool  *pgxpool.Pool
	opts  Options
	share *userShare
	// skipUserSetting sends the statements without set_config(app.user_id): set by
	// DetectRowSecurity for a role row-level security does not bind, where the setting would
	// change nothing. (On a role it binds, every row would be hidden.)
	skipUserSetting bool
}

// New returns a Store over pool. Zero options take 2 s to acquire, 5 s per operation and
// DefaultMaxConnsPerUser of the pool's connections per user.
func New(pool *pgxpool.Pool, opts Options) *Store {
	if opts.AcquireTimeout <= 0 {
		opts.AcquireTimeout = 2 * time.Second
	}
	if opts.StatementTimeout <= 0 {
		opts.StatementTimeout = 5 * time.Second
	}
	if opts.MaxConnsPerUser <= 0 {
		opts.MaxConnsPerUser = DefaultMaxConnsPerUser(int(pool.Config().MaxConns))
	}
	return &Store{pool: pool, opts: opts, share: newUserShare(opts.MaxConnsPerUser)}
}

// DetectRowSecurity asks PostgreSQL whether row-level security binds the pool's role
// (row_security_active on tasks) and, when it does not — a superuser, a BYPASSRLS role, or a
// database without the policies — stops sending app.user_id with each statement: the setting
// would change nothing there and costs a statement per round trip. It reports whether row-level
// security is active. On an error the store keeps sending the setting. Call it before the
// store is used, not while.
func (s *Store) DetectRowSecurity(ctx context.Context) (bool, error) {
	var active bool
	err := s.serviceConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		return conn.QueryRow(ctx, "SELECT row_security_active('tasks')").Scan(&active)
	})
	if err != nil {
		return true, fmt.Errorf("detect row-level security: %w", err)
	}
	if !active {
		s.skipUserSetting = true
	}
	return active, nil
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.serviceConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		return conn.Ping(ctx)
	})
}

// cursorKeySQL reads the key pagination cursors are signed with (db/migrations/0007). The
// table is the service's, not a user's: it has no user_id, so this is the one statement
// without a user predicate, and it is not a sqlc query (sqlc vet would rightly refuse it
// among the user-scoped ones).
const cursorKeySQL = "SELECT key FROM cursor_keys WHERE id = 1"

// CursorKey returns the database's cursor-signing key (32 random bytes made by the
// migration), the same for every replica of the service.
func (s *Store) CursorKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.serviceConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		err := conn.QueryRow(ctx, cursorKeySQL).Scan(&key)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && len(key) < 32 {
			// Not a caller's missing row (that would read as a 404): the schema is broken.
			return errors.New("cursor_keys holds no key: run the migrations")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	return key, nil
}

// Translate maps a database error to the store's sentinels, keeping the cause wrapped.
// It is the only place that inspects pgx and PostgreSQL errors.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	for _, sentinel := range []error{ErrNotFound, ErrPreconditionFailed, ErrIdempotencyMismatch, ErrInvalid, ErrUnavailable, ErrGone, ErrQuotaExceeded, ErrTooBusy} {
		if errors.Is(err, sentinel) {
			return err
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.ConstraintName == "tasks_due_time_needs_date":
			return fmt.Errorf("%w: %w", ErrDueTimeWithoutDate, err)
		case pgErr.ConstraintName == "tasks_repeat_needs_date":
			return fmt.Errorf("%w: %w", ErrRepeatWithoutDate, err)
		case quotaConstraints[pgErr.ConstraintName] != nil:
			return fmt.Errorf("%w: %w", quotaConstraints[pgErr.ConstraintName], err)
		case pgErr.Code[:2] == "23" || pgErr.Code[:2] == "22": // integrity constraint, data exception
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		case pgErr.Code[:2] == "08", // connection exception
			pgErr.Code == "57014",                        // query_canceled (timeout)
			pgErr.Code == "57P01", pgErr.Code == "57P02", // admin/crash shutdown
			pgErr.Code == "57P03",                        // cannot connect now (starting up)
			pgErr.Code == "53300",                        // too many connections
			pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, puddle.ErrClosedPool) || // the pool is shutting down
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}
