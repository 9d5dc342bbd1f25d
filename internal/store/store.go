// Package store is the service's data access: it runs the sqlc queries of gen/db on a pgx
// pool, always on behalf of one user, and turns database outcomes into the sentinel errors
// below. Every method takes the user id; every query it runs carries it (see
// TestEveryQueryIsUserScoped), so one user can never reach another's rows. Every statement
// runs through one runner (run, exec.go), which also sets app.user_id for the row-level
// security policies, which refuse other users' rows should a statement ever forget its
// predicate.
package store

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
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
