package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// ListClock is the write clock of the owner of listID, a live list userID is a member of:
// every write to the list takes it (whoever writes), so it identifies the state of the list's
// feed. ErrListNotFound when userID is no member of such a list.
func (s *Store) ListClock(ctx context.Context, userID string, listID uuid.UUID) (Clock, error) {
	var c Clock
	err := s.run(ctx, userID, snapshot, func(ctx context.Context, q *db.Queries) error {
		m, err := q.ListMembership(ctx, db.ListMembershipParams{ListID: listID, UserID: userID})
		if isNotFound(err) {
			return ErrListNotFound
		}
		if err != nil {
			return err
		}
		c, err = readClock(ctx, q, m.OwnerID)
		return err
	})
	if err != nil {
		return Clock{}, fmt.Errorf("read list clock: %w", err)
	}
	return c, nil
}

// ListFeed returns one page of the change feed of listID, a live list userID is a member
// of (ErrListNotFound otherwise): every task of the list whoever wrote it, deleted ones
// included (as tombstones), and every task that left the list for another one (as a
// tombstone from the time it left), in (updated_at, id) order, and the position to continue
// after when more follow. Every write to the list — and every move out of it — takes its
// owner's clock and is stamped with it, so a change committed after this read sorts after
// everything it returned. ErrGone (a *GoneError) as TaskChanges, by the owner's purge mark.
func (s *Store) ListFeed(ctx context.Context, userID string, listID uuid.UUID, p ChangesParams) ([]Task, *Position, error) {
	owner := func(ctx context.Context, q *db.Queries) (string, error) {
		m, err := q.ListMembership(ctx, db.ListMembershipParams{ListID: listID, UserID: userID})
		if isNotFound(err) {
			return "", ErrListNotFound
		}
		return m.OwnerID, err
	}
	read := func(ctx context.Context, q *db.Queries, b changeBounds) ([]Task, []Task, error) {
		rows, err := q.ListTaskChanges(ctx, db.ListTaskChangesParams{UserID: userID, ListID: listID, AfterTs: b.ts, AfterID: b.id, RowLimit: b.limit})
		if err != nil {
			return nil, nil, err
		}
		tasks := make([]Task, len(rows))
		for i, r := range rows {
			tasks[i] = fromRow(&r.Task)
		}
		away, err := q.ListDepartureChanges(ctx, db.ListDepartureChangesParams{UserID: userID, ListID: listID, AfterTs: b.ts, AfterID: b.id, RowLimit: b.limit})
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
		return nil, nil, fmt.Errorf("list feed: %w", err)
	}
	return changes, next, nil
}
