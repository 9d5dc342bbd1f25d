package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

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
