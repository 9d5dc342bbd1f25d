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

// TaskChanges returns one page of userID's change feed: every task, deleted ones included
// (as tombstones: DeletedAt set), in (updated_at, id) order, and the position to continue
// after when more follow. Writes stamp updated_at from the user's clock, so a change
// committed after this read always sorts after everything it returned. With UpdatedAfter
// before the end of the user's purged tombstones it is ErrGone (a *GoneError): deletions
// since then may be missing. (A full feed, without UpdatedAfter, is never gone: its client
// has nothing to delete.)
func (s *Store) TaskChanges(ctx context.Context, userID string, p ChangesParams) ([]Task, *Position, error) {
	if p.Limit < 1 {
		p.Limit = 50
	}
	params := db.TaskChangesParams{UserID: userID, AfterTs: p.UpdatedAfter, RowLimit: int32(p.Limit + 1)}
	if p.After != nil {
		ts, err := time.Parse(time.RFC3339Nano, p.After.Key)
		if err != nil {
			return nil, nil, fmt.Errorf("task changes: position key %q: %w", p.After.Key, ErrInvalid)
		}
		params.AfterTs, params.AfterID = &ts, &p.After.ID
	}
	var rows []*db.TaskChangesRow
	read := func(ctx context.Context, q *db.Queries) error {
		var err error
		rows, err = q.TaskChanges(ctx, params)
		return err
	}
	var err error
	if p.UpdatedAfter == nil {
		err = s.run(ctx, userID, listing, read)
	} else {
		// The purge mark and the rows from one snapshot: a purge committing between two
		// reads could otherwise remove a tombstone the mark did not yet cover.
		err = s.run(ctx, userID, snapshot, func(ctx context.Context, q *db.Queries) error {
			clock, err := q.UserClockGet(ctx, userID)
			if err != nil {
				return err
			}
			if clock.PurgedThrough != nil && p.UpdatedAfter.Before(*clock.PurgedThrough) {
				return &GoneError{Retention: time.Duration(clock.RetentionSeconds) * time.Second}
			}
			return read(ctx, q)
		})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("task changes: %w", err)
	}
	var next *Position
	more := len(rows) > p.Limit
	if more {
		rows = rows[:p.Limit]
	}
	tasks := make([]Task, len(rows))
	for i, r := range rows {
		tasks[i] = fromRow(&r.Task)
	}
	if more {
		last := tasks[len(tasks)-1]
		next = &Position{Key: ChangeKey(last), ID: last.ID}
	}
	return tasks, next, nil
}
