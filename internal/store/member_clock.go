package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// MemberClock returns the clock of every list userID is a member of, or of one (listID): the
// collections' ETags hash it. When those are userID's own lists only, every write to them takes
// userID's own clock, whoever makes it: Last identifies their state. Otherwise View does too:
// it changes with every write to those lists and when userID joins or leaves one
// (shared_clock_view, db/migrations/0020_listing_own.sql; member_clock_view, 0016). The
// listings read the same clock with their pages (TaskListWithClock). A list userID is not a
// member of has the View of no list at all, so the answer says nothing about whether it
// exists.
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
	return *listsClock(row.Now, row.Last, row.View), nil
}

// listsClock is the clock of the lists a collection read covers, as MemberClock and the
// listings read it: their view when it is set, else the caller's own clock (last).
func listsClock(now time.Time, last *time.Time, view *string) *Clock {
	if view != nil {
		return &Clock{Now: now, View: *view}
	}
	return clockOf(now, last)
}
