package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/recurrence"
)

// completing runs write, one statement writing task id that takes its owner's clock, in a
// transaction, for userID: the owner, or an editor of the task's list (taskWrite says how,
// and what also is; write gets the owner, and everything below works on the task's owner as
// the write left it). write reports whether it set completed = true (only such a write
// may need a next occurrence: a completed repeating task that is merely edited gets none).
// When it did, the same transaction completes the task's open subtree, and, when the task it
// returns is a completed repeating task without a next occurrence, creates that occurrence. The task returned carries
// NextID while its next occurrence is live.
//
// Most writes create nothing: BEGIN, the setting and the write in one round trip, COMMIT in
// the next.
func (s *Store) completing(ctx context.Context, userID string, id uuid.UUID, also string, write func(ctx context.Context, q *db.Queries, owner string) (row *db.Task, completes bool, err error)) (Task, error) {
	var task Task
	err := s.taskWrite(ctx, userID, id, also, func(ctx context.Context, q *db.Queries, owner string) error {
		row, completes, err := write(ctx, q, owner)
		if err != nil {
			return err
		}
		userID := row.UserID // the owner, who changes when write moved the task to another owner's list
		if completes && row.Completed && row.SubtasksTotal > 0 {
			// Completing a task completes its open subtree; the counts (and so the task's
			// version) follow.
			if err := completeTrees(ctx, q, userID, []uuid.UUID{row.ID}); err != nil {
				return err
			}
			if row, err = q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: row.ID}); err != nil {
				return err
			}
		}
		if completes && dueForNext(row) {
			if row.NextID, err = createNext(ctx, q, userID, row); err != nil {
				return err
			}
		}
		task = fromRow(row)
		task.NextID, err = liveNext(ctx, q, userID, row.NextID)
		return err
	})
	return task, err
}

// dueForNext reports whether a completion must give row its next occurrence.
func dueForNext(row *db.Task) bool {
	return row.Completed && row.Repeat != db.TaskRepeatNone && row.NextID == nil && row.DeletedAt == nil
}

// nextOccurrences gives each of ids that is a completed repeating task of userID's without a
// next occurrence its next one (bulk complete). The caller's transaction holds the user's
// clock.
func nextOccurrences(ctx context.Context, q *db.Queries, userID string, ids []uuid.UUID) error {
	rows, err := q.TaskRepeatDue(ctx, db.TaskRepeatDueParams{UserID: userID, Ids: ids})
	if err != nil {
		return fmt.Errorf("read repeating tasks: %w", err)
	}
	for _, row := range rows {
		if _, err := createNext(ctx, q, userID, row); err != nil {
			return err
		}
	}
	return nil
}

// createNext creates the next occurrence of row, a completed repeating task of userID's (in
// its list, with open copies of its subtree, see copySubtree), and returns its id; if row has one already, that one's; nil when the series ends instead (its
// next date would fall after recurrence.Last, the last date the API can write). The caller's
// transaction holds the user's clock (every write of the user's tasks takes it first), so no
// other write of the user's can race this; TaskSetNext's "only once" is the backstop.
func createNext(ctx context.Context, q *db.Queries, userID string, row *db.Task) (*uuid.UUID, error) {
	if row.DueDate == nil { // tasks_repeat_needs_date makes this unreachable
		return nil, fmt.Errorf("repeating task %s has no due date: %w", row.ID, ErrInvalid)
	}
	anchor := 0
	if row.RepeatAnchor != nil {
		anchor = int(*row.RepeatAnchor)
	}
	due, nextAnchor, err := recurrence.Next(recurrence.Rule(row.Repeat), *row.DueDate, anchor)
	if errors.Is(err, recurrence.ErrEnded) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new task id: %w", err)
	}
	n, err := q.TaskSetNext(ctx, db.TaskSetNextParams{UserID: userID, ID: row.ID, NextID: &id})
	if err != nil {
		return nil, fmt.Errorf("record next occurrence: %w", err)
	}
	if n == 0 { // it has one already
		cur, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: row.ID})
		if err != nil || cur.NextID == nil {
			return nil, fmt.Errorf("read next occurrence of %s: %w", row.ID, err)
		}
		return cur.NextID, nil
	}
	params := db.TaskCreateParams{
		UserID:      userID,
		ID:          id,
		Title:       row.Title,
		Description: row.Description,
		Priority:    row.Priority,
		DueDate:     &due,
		DueTime:     row.DueTime,
		Tags:        nonNil(row.Tags),
		Repeat:      row.Repeat,
		ListID:      &row.ListID,
	}
	if nextAnchor != 0 {
		a := int16(nextAnchor)
		params.RepeatAnchor = &a
	}
	if _, err := insertAtTop(ctx, q, &params); err != nil {
		return nil, fmt.Errorf("next occurrence: %w", err)
	}
	if row.SubtasksTotal > 0 {
		if err := copySubtree(ctx, q, userID, row, id); err != nil {
			return nil, fmt.Errorf("next occurrence: %w", err)
		}
	}
	return &id, nil
}

// liveNext returns next if it is one of userID's live tasks, else nil.
func liveNext(ctx context.Context, q *db.Queries, userID string, next *uuid.UUID) (*uuid.UUID, error) {
	if next == nil {
		return nil, nil
	}
	if _, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: *next}); err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read next occurrence: %w", err)
	}
	return next, nil
}
