package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/gen/db"
)

// The leases of live owners (db/migrations/0022_live_owners.sql): a process's event hub
// keeps a row per owner whose writes its streams must hear, so that writes of everyone else
// notify nobody. The rows belong to the service (keyed by the hub, not a user), so these are
// service statements, not sqlc queries, like cursorKeySQL.
const (
	liveOwnersHoldSQL    = "SELECT live_owners_hold($1, $2, $3)"
	liveOwnersRenewSQL   = "SELECT live_owners_renew($1, $2, $3)"
	liveOwnersReleaseSQL = "SELECT live_owners_release($1, $2)"
)

// LiveOwnersHold commits hub's leases of owners for ttl, then waits, owner by owner, until no
// write that took the owner's clock before the lease committed is still open: once it
// returns, every write of these owners either is visible to what the caller reads next or
// notifies (0022_live_owners.sql).
func (s *Store) LiveOwnersHold(ctx context.Context, hub uuid.UUID, owners []string, ttl time.Duration) error {
	err := s.serviceConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		_, err := conn.Exec(ctx, liveOwnersHoldSQL, hub, owners, ttl)
		return err
	})
	if err != nil {
		return fmt.Errorf("hold live owners: %w", err)
	}
	return s.liveOwnersWait(ctx, owners)
}

// LiveOwnersRenew extends hub's leases of owners by ttl and sweeps expired rows (of any
// hub). It returns the owners whose lease had lapsed — their writes meanwhile notified
// nobody, so the caller's streams must resync — after holding them again as LiveOwnersHold
// does.
func (s *Store) LiveOwnersRenew(ctx context.Context, hub uuid.UUID, owners []string, ttl time.Duration) ([]string, error) {
	var lapsed []string
	err := s.serviceConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		return conn.QueryRow(ctx, liveOwnersRenewSQL, hub, owners, ttl).Scan(&lapsed)
	})
	if err != nil {
		return nil, fmt.Errorf("renew live owners: %w", err)
	}
	if err := s.liveOwnersWait(ctx, lapsed); err != nil {
		return nil, err
	}
	return lapsed, nil
}

// LiveOwnersRelease deletes hub's leases of owners.
func (s *Store) LiveOwnersRelease(ctx context.Context, hub uuid.UUID, owners []string) error {
	err := s.serviceConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		_, err := conn.Exec(ctx, liveOwnersReleaseSQL, hub, owners)
		return err
	})
	if err != nil {
		return fmt.Errorf("release live owners: %w", err)
	}
	return nil
}

// liveOwnersWait runs the ordering point of a new lease for each owner, as the owner (whose
// own clock row the policies admit), one owner at a time in a fixed order.
func (s *Store) liveOwnersWait(ctx context.Context, owners []string) error {
	for _, owner := range slices.Sorted(slices.Values(owners)) {
		err := s.run(ctx, owner, autocommit, func(ctx context.Context, q *db.Queries) error {
			return q.UserClockWait(ctx, owner)
		})
		if err != nil {
			return fmt.Errorf("wait for %s's open writes: %w", owner, err)
		}
	}
	return nil
}
