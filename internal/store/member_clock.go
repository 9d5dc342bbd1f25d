package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// MemberClock returns the clock of every list userID is a member of, or of one (listID): its
// View changes with every write to those lists, whoever makes it, and when userID joins or
// leaves one (member_clock_view, db/migrations/0016_task_membership.sql). The collections'
// ETags hash it. A list userID is not a member of has the View of no list at all, so the
// answer says nothing about whether it exists.
func (s *Store) MemberClock(ctx context.Context, userID string, listID *uuid.UUID) (Clock, error) {
	var c Clock
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		var err error
		c, err = readMemberClock(ctx, q, userID, listID)
		return err
	})
	if err != nil {
		return Clock{}, fmt.Errorf("read member clock: %w", err)
	}
	return c, nil
}

// readMemberClock reads the clock of the lists of userID's (or of listID).
func readMemberClock(ctx context.Context, q *db.Queries, userID string, listID *uuid.UUID) (Clock, error) {
	row, err := q.MemberClockGet(ctx, db.MemberClockGetParams{UserID: userID, ListID: listID})
	if err != nil {
		return Clock{}, err
	}
	return *viewClock(row.Now, &row.View), nil
}

// viewClock is the clock with the database's time now and the lists' view (nil: none).
func viewClock(now time.Time, view *string) *Clock {
	c := &Clock{Now: now}
	if view != nil {
		c.View = *view
	}
	return c
}
