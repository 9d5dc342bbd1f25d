package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// What the change feeds (TaskChanges, ListFeed) share: the page's bounds, the purge mark,
// and the merge of tasks with departures (tasks that left a list, as tombstones).

// changeBounds are a feed statement's position and row limit.
type changeBounds struct {
	ts    *time.Time
	id    *uuid.UUID
	limit int32
}

// feedOwner names the owner whose clock orders a feed (and whose purge mark ends it), read in
// the feed's snapshot; an error (ErrListNotFound) ends the read.
type feedOwner func(ctx context.Context, q *db.Queries) (string, error)

// feedRead reads a feed's tasks and departures after the bounds, each in (updated_at, id)
// order, at most b.limit of each.
type feedRead func(ctx context.Context, q *db.Queries, b changeBounds) (tasks, departures []Task, err error)

// changes is one page of a change feed: owner and read in one snapshot (the purge mark and
// the rows: a purge committing between two reads could otherwise remove a tombstone the mark
// did not yet cover; the tasks and the departures: a move committing between them could
// otherwise show in neither), merged in (updated_at, id) order.
func (s *Store) changes(ctx context.Context, userID string, p ChangesParams, owner feedOwner, read feedRead) ([]Task, *Position, error) {
	if p.Limit < 1 {
		p.Limit = 50
	}
	b := changeBounds{ts: p.UpdatedAfter, limit: int32(p.Limit + 1)}
	if p.After != nil {
		ts, err := time.Parse(time.RFC3339Nano, p.After.Key)
		if err != nil {
			return nil, nil, fmt.Errorf("position key %q: %w", p.After.Key, ErrInvalid)
		}
		b.ts, b.id = &ts, &p.After.ID
	}
	var changes []Task
	err := s.run(ctx, userID, snapshot, func(ctx context.Context, q *db.Queries) error {
		ownerID, err := owner(ctx, q)
		if err != nil {
			return err
		}
		if p.UpdatedAfter != nil {
			clock, err := q.UserClockGet(ctx, ownerID)
			if err != nil {
				return err
			}
			if clock.PurgedThrough != nil && p.UpdatedAfter.Before(*clock.PurgedThrough) {
				return &GoneError{Retention: time.Duration(clock.RetentionSeconds) * time.Second}
			}
		}
		tasks, departures, err := read(ctx, q, b)
		if err != nil {
			return err
		}
		changes = mergeChanges(tasks, departures)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(changes) <= p.Limit {
		return changes, nil, nil
	}
	changes = changes[:p.Limit]
	last := changes[len(changes)-1]
	return changes, &Position{Key: ChangeKey(last), ID: last.ID}, nil
}

// departure is the tombstone of a task that left a list at the time at.
func departure(id uuid.UUID, at time.Time) Task {
	return Task{ID: id, UpdatedAt: at, DeletedAt: &at, Tags: []string{}}
}

// mergeChanges merges two feeds, each in (updated_at, id) order, into one in that order.
func mergeChanges(a, b []Task) []Task {
	if len(b) == 0 {
		return a
	}
	out := slices.Concat(a, b)
	slices.SortStableFunc(out, func(x, y Task) int {
		return cmp.Or(x.UpdatedAt.Compare(y.UpdatedAt), slices.Compare(x.ID[:], y.ID[:]))
	})
	return out
}
