package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// TaskCreate stores a new task for userID, at the top of the manual order, in f.ListID (or
// the parent's list, or the user's inbox) under f.ParentID: ErrNoSuchList, a ParentError or
// ErrSubtaskRepeats when the tree's rules refuse that place (see place). With an
// idempotency key, a repeat of the same request (same requestHash) within 24 hours returns
// the task of the first one with replayed=true; the same key with another hash is
// ErrIdempotencyMismatch. Concurrent requests with one key serialise on the key's row.
func (s *Store) TaskCreate(ctx context.Context, userID string, f TaskFields, idemKey string, requestHash []byte) (task Task, replayed bool, err error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Task{}, false, fmt.Errorf("new task id: %w", err)
	}
	params := db.TaskCreateParams{
		UserID:      userID,
		ID:          id,
		Title:       f.Title,
		Description: f.Description,
		Completed:   f.Completed,
		Priority:    orMedium(f.Priority),
		DueDate:     f.DueDate,
		DueTime:     clockTime(f.DueTime),
		Tags:        nonNil(f.Tags),
		Repeat:      orNone(f.Repeat),
	}
	m := autocommit // the inbox, which the insert itself finds (or creates)
	if f.ListID != nil || f.ParentID != nil {
		m = transaction // the list and parent are checked under the clock
	}
	insert := func(ctx context.Context, q *db.Queries) error {
		if m == transaction {
			// The task is the list owner's: their clock, their quota, their rows.
			owner, err := targetOwner(ctx, q, userID, &f)
			if err != nil {
				return err
			}
			params.UserID = owner
			if _, err := q.UserClockTick(ctx, owner); err != nil {
				return fmt.Errorf("take clock: %w", err)
			}
			if owner != userID {
				if err := holdWriteMembership(ctx, q, userID, &f); err != nil {
					return err
				}
			}
			p, err := placeNew(ctx, q, owner, &f)
			if err != nil {
				return err
			}
			params.ListID, params.ParentID, params.Depth = p.list, p.parent, p.depth
		}
		row, err := insertAtTop(ctx, q, &params)
		if err != nil {
			return err
		}
		task = fromRow(row)
		return nil
	}
	if idemKey == "" {
		err = s.run(ctx, userID, m, insert)
	} else {
		replayed, err = s.withIdempotencyKey(ctx, userID, keyed{idemCreate, idemKey, requestHash}, taskResponse{&task}, insert)
		if err == nil && replayed {
			// A replay shows the task only while the caller may still read its list (a
			// member removed since gets what a list out of reach gets), in its list and
			// under its parent as they are now: the saved response (taskV1) has neither.
			err = s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
				place, err := q.MemberTaskPlace(ctx, db.MemberTaskPlaceParams{UserID: userID, ID: task.ID})
				if isNotFound(err) {
					return ErrNoSuchList
				}
				if err != nil {
					return err
				}
				task.ListID, task.ParentID = place.ListID, place.ParentID
				return nil
			})
		}
	}
	if err != nil {
		return Task{}, false, fmt.Errorf("create task: %w", err)
	}
	return task, replayed, nil
}

// TaskUpdate applies changes to a task userID writes — their own, or one of a list they
// edit, as its owner's (taskWrite; a viewer's is ErrForbidden) — if pre holds: ErrNotFound
// when there is no such task for userID, ErrPreconditionFailed when its version is not one pre names. Setting a
// repeating task completed creates its next occurrence (see completing). A new list or
// parent moves the task with its subtree (moveTree): ErrNoSuchList, a ParentError or
// ErrSubtaskRepeats when the tree's rules refuse it, and nothing changes.
func (s *Store) TaskUpdate(ctx context.Context, userID string, id uuid.UUID, c TaskChanges, pre *Precondition) (Task, error) {
	f := c.Fields
	params := db.TaskUpdateParams{
		SetTitle: c.SetTitle, Title: f.Title,
		SetDescription: c.SetDescription, Description: f.Description,
		SetCompleted: c.SetCompleted, Completed: f.Completed,
		SetPriority: c.SetPriority, Priority: orMedium(f.Priority),
		SetDueDate: c.SetDueDate, DueDate: f.DueDate,
		SetDueTime: c.SetDueTime, DueTime: clockTime(f.DueTime),
		SetTags: c.SetTags, Tags: nonNil(f.Tags),
		SetRepeat: c.SetRepeat, Repeat: orNone(f.Repeat),
		UserID: userID, ID: id,
		IfVersions: pre.versions(),
	}
	// A move to a list of another owner holds that owner's clock too: named here, before
	// any clock is taken.
	also := ""
	if c.SetListID && f.ListID != nil {
		var err error
		if also, err = s.writableListOwner(ctx, userID, *f.ListID); err != nil {
			return Task{}, fmt.Errorf("update task: %w", err)
		}
	}
	task, err := s.completing(ctx, userID, id, also, func(ctx context.Context, q *db.Queries, owner string) (*db.Task, bool, error) {
		params.UserID = owner
		row, err := q.TaskUpdate(ctx, params)
		if err != nil {
			if pre != nil && isNotFound(err) {
				// The conditional UPDATE touched no row: missing, or another version.
				err = preconditionOrNotFound(ctx, q, owner, id)
			}
			return nil, false, err
		}
		if c.SetListID || c.SetParentID {
			if row, err = moveTree(ctx, q, userID, owner, also, row, c); err != nil {
				return nil, false, err
			}
		}
		if row.ParentID != nil && row.Repeat != db.TaskRepeatNone {
			return nil, false, ErrSubtaskRepeats
		}
		return row, c.SetCompleted && f.Completed, nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("update task: %w", err)
	}
	return task, nil
}

// preconditionOrNotFound tells, after a conditional statement touched no row, whether the
// task is missing (ErrNotFound) or only its version differs (ErrPreconditionFailed).
func preconditionOrNotFound(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) error {
	if _, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: id}); err != nil {
		return err
	}
	return ErrPreconditionFailed
}

// TaskToggle flips completed on a task userID writes (see TaskUpdate); completing a repeating task creates
// its next occurrence (see completing).
func (s *Store) TaskToggle(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	task, err := s.completing(ctx, userID, id, "", func(ctx context.Context, q *db.Queries, owner string) (*db.Task, bool, error) {
		row, err := q.TaskToggle(ctx, db.TaskToggleParams{UserID: owner, ID: id})
		return row, true, err // a toggle that uncompleted the task leaves it pending: nothing is due
	})
	if err != nil {
		return Task{}, fmt.Errorf("toggle task: %w", err)
	}
	return task, nil
}

// TaskComplete sets a task userID writes (see TaskUpdate) completed; a completed task is returned unchanged.
// Completing a repeating task creates its next occurrence, also when it was completed
// already (see completing).
func (s *Store) TaskComplete(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	task, err := s.completing(ctx, userID, id, "", func(ctx context.Context, q *db.Queries, owner string) (*db.Task, bool, error) {
		row, err := q.TaskSetCompleted(ctx, db.TaskSetCompletedParams{UserID: owner, ID: id, Completed: true})
		return row, true, err
	})
	if err != nil {
		return Task{}, fmt.Errorf("complete task: %w", err)
	}
	return task, nil
}

// TaskUncomplete sets a task userID writes (see TaskUpdate) pending; a pending task is returned unchanged.
func (s *Store) TaskUncomplete(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	task, err := s.completing(ctx, userID, id, "", func(ctx context.Context, q *db.Queries, owner string) (*db.Task, bool, error) {
		row, err := q.TaskSetCompleted(ctx, db.TaskSetCompletedParams{UserID: owner, ID: id, Completed: false})
		return row, false, err
	})
	if err != nil {
		return Task{}, fmt.Errorf("uncomplete task: %w", err)
	}
	return task, nil
}

// TaskDelete deletes a task userID writes (see TaskUpdate) if pre holds, with its subtree, in one
// statement: each becomes a tombstone with the same deleted_at, which TaskChanges reports
// and TaskRestore can bring back, together, within the retention (see GoneError). It also
// purges the owner's tombstones older than that.
func (s *Store) TaskDelete(ctx context.Context, userID string, id uuid.UUID, pre *Precondition) error {
	err := s.taskWrite(ctx, userID, id, "", func(ctx context.Context, q *db.Queries, owner string) error {
		now, err := q.UserClockTickPurging(ctx, owner)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		ids, err := q.TaskTreeDelete(ctx, db.TaskTreeDeleteParams{UserID: owner, Ids: []uuid.UUID{id}, Now: now, IfVersions: pre.versions()})
		if err != nil {
			return err
		}
		if !slices.Contains(ids, id) {
			if pre != nil {
				return preconditionOrNotFound(ctx, q, owner, id)
			}
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete task: %w", err)
	}
	return nil
}

// TaskRestore brings back a task userID writes (see TaskUpdate) deleted within the retention (GoneError),
// as a new version, with the subtasks deleted together with it (not those deleted before);
// a task whose parent is still deleted comes back top-level. A task that is not deleted is
// returned as it is (restoring twice is harmless); one deleted longer ago, one of a deleted
// list (it comes back with the list, ListRestore), or none at all, is ErrNotFound.
func (s *Store) TaskRestore(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	var task Task
	err := s.taskWrite(ctx, userID, id, "", func(ctx context.Context, q *db.Queries, owner string) error {
		now, err := q.UserClockTick(ctx, owner)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		ids, err := q.TaskTreeRestore(ctx, db.TaskTreeRestoreParams{UserID: owner, Ids: []uuid.UUID{id}, Now: now})
		if err != nil {
			return err
		}
		if !slices.Contains(ids, id) {
			return ErrNotFound
		}
		row, err := q.TaskGet(ctx, db.TaskGetParams{UserID: owner, ID: id})
		if err != nil {
			return err
		}
		task = fromRow(row)
		return nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("restore task: %w", err)
	}
	return task, nil
}
