package store

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// Stats counts a user's tasks.
type Stats struct {
	Total, Completed, Pending, Overdue int64
}

// TaskGet returns a task of a list userID is a member of (any role): ErrNotFound for any
// other, exactly as for a missing one.
func (s *Store) TaskGet(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	var task Task
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		row, err := q.TaskGetAsMember(ctx, db.TaskGetAsMemberParams{UserID: userID, ID: id})
		if err != nil {
			return err
		}
		task = fromRow(&row.Task)
		return nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("get task: %w", err)
	}
	return task, nil
}

// TaskStats counts the tasks of every list userID is a member of, or of one (listID: ErrNotFound
// when userID is not a member). Overdue ones are not completed and due before now on
// the caller's wall clock: now is the current time in the caller's time zone (its Location);
// a task with a due time is overdue once that time has passed, one without once its date has.
func (s *Store) TaskStats(ctx context.Context, userID string, now time.Time, listID *uuid.UUID) (Stats, error) {
	today, wall := wallClock(now)
	var st Stats
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		if listID != nil {
			if err := readableList(ctx, q, userID, *listID); err != nil {
				return err
			}
		}
		row, err := q.TaskStats(ctx, db.TaskStatsParams{UserID: userID, Today: today, NowLocal: wall, ListID: listID})
		st = Stats{Total: row.Total, Completed: row.Completed, Pending: row.Total - row.Completed, Overdue: row.Overdue}
		return err
	})
	if err != nil {
		return Stats{}, fmt.Errorf("task stats: %w", err)
	}
	return st, nil
}
