package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// ErrNoSuchAfter: the task to move after is not one of the user's live tasks (or is the
// task being moved).
var ErrNoSuchAfter = errors.New("no such task to move after")

// TaskMove puts one of userID's tasks right after the task afterID in the manual order, or
// at the top when afterID is nil, by giving it a position between its new neighbours: one
// row changes. A task already in that place is returned unchanged. The user's clock is taken
// first, so concurrent moves (and creates) of the user run one after another and never pick
// the same position. ErrNotFound: no such task; ErrNoSuchAfter: no such afterID.
func (s *Store) TaskMove(ctx context.Context, userID string, id uuid.UUID, afterID *uuid.UUID) (Task, error) {
	var task Task
	err := s.withTx(ctx, userID, func(ctx context.Context, q *db.Queries) error {
		now, err := q.UserClockTick(ctx, userID)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		row, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: id})
		if err != nil {
			return err
		}
		task = fromRow(row)
		prev := "" // the top
		if afterID != nil {
			if *afterID == id {
				return fmt.Errorf("%w: a task cannot follow itself", ErrNoSuchAfter)
			}
			after, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: *afterID})
			if isNotFound(err) {
				return ErrNoSuchAfter
			}
			if err != nil {
				return err
			}
			prev = after.Position
		}
		next, err := q.TaskPositionAfter(ctx, db.TaskPositionAfterParams{UserID: userID, After: prev, ID: id})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("read next position: %w", err)
		}
		if task.Position > prev && (next == "" || task.Position < next) {
			return nil // already there
		}
		pos, err := fracindex.Between(prev, next)
		if err != nil {
			return fmt.Errorf("position between %q and %q: %w", prev, next, err)
		}
		row, err = q.TaskMove(ctx, db.TaskMoveParams{UserID: userID, ID: id, Position: pos, Now: now})
		if err != nil {
			return err
		}
		task = fromRow(row)
		return nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("move task: %w", err)
	}
	return task, nil
}
