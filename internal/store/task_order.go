package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// ErrNoSuchAfter: the task to move after is not one of the user's live tasks, or is the
// task being moved, or is not its sibling (same list, same parent).
var ErrNoSuchAfter = errors.New("no such task to move after")

// Order keys stay short. Each move into one gap lengthens the key it makes by about a
// character per six moves, without bound; so a move whose key would exceed maxPosition
// respaces the window of tasks around the gap instead: they and the moved task get keys spread
// evenly between the keys just outside the window (fracindex.Spread), in order. The window is
// 8 tasks each side, widened fourfold until the new keys are at most respacedPosition long (so
// the next respacing of that gap is some 100 moves away) or it holds the whole list (whose
// keys from scratch are a few characters).
const (
	maxPosition      = 32
	respacedPosition = 16
	firstWindow      = 8
)

// TaskMove puts a task userID writes (their own, or one of a list they edit: see
// taskWrite, whose owner the statements below work with) right after its sibling afterID (same list, same
// parent) in the manual order, or at the top when afterID is nil (the top of the owner's
// order, so of its siblings too: positions are unique per owner across lists), by giving it a position between its new neighbours: one
// row changes — or, when that position would be longer than maxPosition, the neighbours
// around the gap are respaced with it (respace). A task already in that place is returned
// unchanged. The user's clock is taken first, so concurrent moves (and creates) of the user
// run one after another and never pick the same position. ErrNotFound: no such task;
// ErrNoSuchAfter: no such afterID.
func (s *Store) TaskMove(ctx context.Context, userID string, id uuid.UUID, afterID *uuid.UUID) (Task, error) {
	var task Task
	err := s.taskWrite(ctx, userID, id, "", func(ctx context.Context, q *db.Queries, userID string) error {
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
			if after.ListID != row.ListID || !equalID(after.ParentID, row.ParentID) {
				return fmt.Errorf("%w: not a sibling (same list, same parent)", ErrNoSuchAfter)
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
		if len(pos) > maxPosition {
			if err := respace(ctx, q, userID, id, prev, next, now); err != nil {
				return err
			}
			row, err = q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: id})
		} else {
			row, err = q.TaskMove(ctx, db.TaskMoveParams{UserID: userID, ID: id, Position: pos, Now: now})
		}
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

// respace moves task id between the positions prev and next ("": the top) by giving it and
// the rows around that gap — tombstones too, which hold their positions for a restore — new
// keys spread evenly, in their order, between the rows just outside the window. Each live
// task whose position changes gets now and a new version, so the change feed reports it. q
// is a transaction holding userID's clock: no other write of the user's runs meanwhile.
func respace(ctx context.Context, q *db.Queries, userID string, id uuid.UUID, prev, next string, now time.Time) error {
	for half := firstWindow; ; half *= 4 {
		var above []*db.TaskPositionsUpToRow
		var below []*db.TaskPositionsFromRow
		var err error
		if prev != "" {
			if above, err = q.TaskPositionsUpTo(ctx, db.TaskPositionsUpToParams{UserID: userID, Key: prev, ID: id, RowLimit: int32(half + 1)}); err != nil {
				return fmt.Errorf("read positions above: %w", err)
			}
		}
		if next != "" {
			if below, err = q.TaskPositionsFrom(ctx, db.TaskPositionsFromParams{UserID: userID, Key: next, ID: id, RowLimit: int32(half + 1)}); err != nil {
				return fmt.Errorf("read positions below: %w", err)
			}
		}
		// The window, top first, with the moved task in its new place; lo and hi are the keys
		// just outside it ("": the list's end).
		var lo, hi string
		if len(above) > half {
			lo, above = above[half].Position, above[:half]
		}
		if len(below) > half {
			hi, below = below[half].Position, below[:half]
		}
		ids := make([]uuid.UUID, 0, len(above)+1+len(below))
		old := make([]string, 0, cap(ids))
		for _, r := range slices.Backward(above) {
			ids, old = append(ids, r.ID), append(old, r.Position)
		}
		ids, old = append(ids, id), append(old, "")
		for _, r := range below {
			ids, old = append(ids, r.ID), append(old, r.Position)
		}
		keys, err := fracindex.Spread(lo, hi, len(ids))
		if err != nil {
			return fmt.Errorf("respace between %q and %q: %w", lo, hi, err)
		}
		longest := 0
		for _, k := range keys {
			longest = max(longest, len(k))
		}
		whole := lo == "" && hi == ""
		if longest > respacedPosition && !whole {
			continue // too narrow: widen the window
		}
		if longest > maxPosition {
			return fmt.Errorf("respace %d tasks: a key of %d characters", len(ids), longest)
		}
		// Only the rows whose key changes are written.
		var changed []uuid.UUID
		var positions []string
		for i := range ids {
			if keys[i] != old[i] {
				changed, positions = append(changed, ids[i]), append(positions, keys[i])
			}
		}
		if err := q.TaskPositionsPark(ctx, db.TaskPositionsParkParams{UserID: userID, Ids: changed, Positions: positions}); err != nil {
			return fmt.Errorf("respace: park positions: %w", err)
		}
		if err := q.TaskPositionsSet(ctx, db.TaskPositionsSetParams{UserID: userID, Ids: changed, Positions: positions, Now: now}); err != nil {
			return fmt.Errorf("respace: set positions: %w", err)
		}
		return nil
	}
}

// maxInsertAttempts bounds insertAtTop's attempts. Each retry follows another write of the
// user's that changed the top of the manual order; those run one at a time, under the user's
// clock, and at most MaxConnsPerUser at once.
const maxInsertAttempts = 64

// insertAtTop inserts params at the top of its user's manual order: it reads the first
// position (TaskFirstPosition), takes a key before it, and inserts there — in one statement
// that takes the user's clock and then inserts only if that key is still the top. Should
// another create or a move have changed the top in between, it reads again. In a
// transaction that holds the user's clock already (a next occurrence, a keyed create) the
// first attempt succeeds.
func insertAtTop(ctx context.Context, q *db.Queries, params *db.TaskCreateParams) (*db.Task, error) {
	for range maxInsertAttempts {
		first, err := q.TaskFirstPosition(ctx, params.UserID)
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("read first position: %w", err)
		}
		if params.Position, err = fracindex.Between("", first); err != nil {
			return nil, fmt.Errorf("position before %q: %w", first, err)
		}
		row, err := q.TaskCreate(ctx, *params)
		if !isNotFound(err) {
			if err != nil {
				return nil, fmt.Errorf("insert task: %w", err)
			}
			return row, nil
		}
	}
	return nil, fmt.Errorf("insert task: the top of the manual order changed %d times: %w", maxInsertAttempts, ErrUnavailable)
}
