package store

import (
	"context"
	"fmt"
	"time"

	"github.com/todo-api/todo-api/gen/db"
)

// GoneError is ErrGone with how long tombstones are kept: the rule is the database's
// (tombstone_retention(), db/migrations/0010_rule_functions.sql), read with the feed.
type GoneError struct {
	Retention time.Duration
}

func (e *GoneError) Error() string {
	return fmt.Sprintf("%v (tombstones are kept %v)", ErrGone, e.Retention)
}

// Is makes a GoneError an ErrGone.
func (e *GoneError) Is(target error) bool { return target == ErrGone }

// Clock is a user's write clock, read in one primary-key lookup.
type Clock struct {
	// Last is the time of the user's latest write; zero before the first one. Every write
	// (every attempt, even one that finds no task) moves it forward, so it identifies the
	// state of all the user's tasks.
	Last time.Time
	// Now is the database's current time.
	Now time.Time
	// View, when set, identifies the state of the lists a collection read covers — every
	// list the user is a member of, or one — whoever wrote them (MemberClock); the
	// collections' ETags hash it rather than Last, the user's own clock.
	View string
}

// UserClock returns userID's write clock.
func (s *Store) UserClock(ctx context.Context, userID string) (Clock, error) {
	var c Clock
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		var err error
		c, err = readClock(ctx, q, userID)
		return err
	})
	if err != nil {
		return Clock{}, fmt.Errorf("read user clock: %w", err)
	}
	return c, nil
}

// readClock reads userID's clock.
func readClock(ctx context.Context, q *db.Queries, userID string) (Clock, error) {
	row, err := q.UserClockGet(ctx, userID)
	if err != nil {
		return Clock{}, err
	}
	return *clockOf(row.Now, row.Last), nil
}

// clockOf is the clock with the database's time now and the user's last write (nil: none).
func clockOf(now time.Time, last *time.Time) *Clock {
	c := &Clock{Now: now}
	if last != nil {
		c.Last = *last
	}
	return c
}

// ChangesParams select a page of the change feed.
type ChangesParams struct {
	// UpdatedAfter, when set, starts the feed after every change at or before it.
	UpdatedAfter *time.Time
	// After continues after a page's last change (its Key is an RFC 3339 time); it takes
	// precedence over UpdatedAfter.
	After *Position
	Limit int
}

// ChangeKey is the Position.Key of a change: its updated_at in RFC 3339 with microseconds.
func ChangeKey(t Task) string {
	return t.UpdatedAt.UTC().Format(time.RFC3339Nano)
}

// TaskChanges returns one page of userID's change feed: every task of the lists userID owns,
// deleted ones included (as tombstones: DeletedAt set), and every task that left one of them
// for a list of another owner (as a tombstone from the time it left), in (updated_at, id)
// order, and the position to continue after when more follow. Writes stamp updated_at (and
// a departure's time) from the user's clock, so a change committed after this read always
// sorts after everything it returned. With UpdatedAfter before the end of the user's purged
// tombstones it is ErrGone (a *GoneError): deletions since then may be missing. (A full
// feed, without UpdatedAfter, is never gone: its client has nothing to delete.)
func (s *Store) TaskChanges(ctx context.Context, userID string, p ChangesParams) ([]Task, *Position, error) {
	owner := func(context.Context, *db.Queries) (string, error) { return userID, nil }
	read := func(ctx context.Context, q *db.Queries, b changeBounds) ([]Task, []Task, error) {
		rows, err := q.TaskChanges(ctx, db.TaskChangesParams{UserID: userID, AfterTs: b.ts, AfterID: b.id, RowLimit: b.limit})
		if err != nil {
			return nil, nil, err
		}
		tasks := make([]Task, len(rows))
		for i, r := range rows {
			tasks[i] = fromRow(&r.Task)
		}
		away, err := q.OwnDepartureChanges(ctx, db.OwnDepartureChangesParams{UserID: userID, AfterTs: b.ts, AfterID: b.id, RowLimit: b.limit})
		if err != nil {
			return nil, nil, err
		}
		left := make([]Task, len(away))
		for i, d := range away {
			left[i] = departure(d.TaskID, d.DepartedAt)
		}
		return tasks, left, nil
	}
	changes, next, err := s.changes(ctx, userID, p, owner, read)
	if err != nil {
		return nil, nil, fmt.Errorf("task changes: %w", err)
	}
	return changes, next, nil
}
