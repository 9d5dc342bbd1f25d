package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// Subtasks (issue 14). A task may have a parent, a live task of the same list; the tree is
// at most MaxDepth+1 levels deep (tasks.depth 0..MaxDepth). The rules are checked here, in
// the transaction of the write, after the owner's clock is taken (every write of the owner's
// tasks and lists takes it first, so what is checked stays true until commit); the cascades
// are the statements of db/queries/tasks_tree.sql; the subtask counts follow by trigger
// (0012_subtasks.sql).

// MaxDepth is the depth of the deepest subtask: a task (0), its subtask, theirs, theirs (3).
// The database says the same (the tasks_depth check of 0011_lists.sql).
const MaxDepth = 3

// ErrNoSuchList: a list_id that is not one of the user's live lists — missing, deleted and
// someone else's alike (no existence oracle).
var ErrNoSuchList = fmt.Errorf("%w: no such list", ErrInvalid)

// ErrSubtaskRepeats: a subtask cannot repeat.
var ErrSubtaskRepeats = fmt.Errorf("%w: a subtask cannot repeat", ErrInvalid)

// ParentError is a parent_id the tree's rules refuse; Reason says which rule, in words for
// the client. A parent that is missing, deleted or someone else's has one reason
// (ReasonNoSuchParent), so the answer tells nothing about other users' tasks.
type ParentError struct {
	Reason string
}

// Reasons of a ParentError.
const (
	ReasonNoSuchParent = "must be one of your tasks (not deleted), or null"
	ReasonOtherList    = "must be a task of the same list"
	ReasonCycle        = "cannot be the task itself nor one of its subtasks"
	ReasonTooDeep      = "would nest the task more than 4 levels deep"
)

func (e *ParentError) Error() string { return "parent_id " + e.Reason }

// Unwrap makes a ParentError an ErrInvalid.
func (e *ParentError) Unwrap() error { return ErrInvalid }

// place is where a new task goes: its list (nil: the user's inbox), parent and depth. With a
// parent, the list defaults to the parent's and must be it. q's transaction holds userID's
// clock.
type place struct {
	list   *uuid.UUID
	parent *uuid.UUID
	depth  int16
}

// placeNew checks where f puts a new task of userID's.
func placeNew(ctx context.Context, q *db.Queries, userID string, f *TaskFields) (place, error) {
	p := place{list: f.ListID, parent: f.ParentID}
	if f.ListID != nil {
		if err := liveList(ctx, q, userID, *f.ListID); err != nil {
			return place{}, err
		}
	}
	if f.ParentID == nil {
		return p, nil
	}
	parent, err := liveParent(ctx, q, userID, *f.ParentID)
	if err != nil {
		return place{}, err
	}
	switch {
	case f.ListID != nil && *f.ListID != parent.ListID:
		return place{}, &ParentError{ReasonOtherList}
	case parent.Depth >= MaxDepth:
		return place{}, &ParentError{ReasonTooDeep}
	case f.Repeat != "" && f.Repeat != RepeatNone:
		return place{}, ErrSubtaskRepeats
	}
	p.list, p.depth = &parent.ListID, parent.Depth+1
	return p, nil
}

// targetOwner reads, without a lock (before the owner's clock is taken), the owner of the
// list a new task of f goes to — f.ListID, else the list of the parent f.ParentID: userID
// for their own lists, another user for a list shared with userID. ErrNoSuchList or a
// ParentError when userID is no member of it.
func targetOwner(ctx context.Context, q *db.Queries, userID string, f *TaskFields) (string, error) {
	var a access
	var err error
	if f.ListID != nil {
		a, err = listAccess(ctx, q, userID, *f.ListID)
	} else {
		a, err = taskAccess(ctx, q, userID, *f.ParentID)
	}
	if err != nil {
		return "", createPlaceError(err, f)
	}
	return a.owner, nil
}

// holdWriteMembership checks, under the owner's clock, that userID may write the tasks of
// the list of f (its ListID, else the parent's), in one read that holds the membership
// until commit, so a removal waits for the write: ErrForbidden for a viewer, ErrNoSuchList
// (or a ParentError) for a member no more.
func holdWriteMembership(ctx context.Context, q *db.Queries, userID string, f *TaskFields) error {
	var a access
	var err error
	if f.ListID != nil {
		a, err = listAccessHeld(ctx, q, userID, *f.ListID)
	} else {
		a, err = taskAccessHeld(ctx, q, userID, *f.ParentID)
	}
	if err != nil {
		return createPlaceError(err, f)
	}
	return a.writable()
}

// createPlaceError is the error of a create whose list or parent userID does not reach.
func createPlaceError(err error, f *TaskFields) error {
	switch {
	case !isNotFound(err):
		return err
	case f.ListID != nil:
		return ErrNoSuchList
	default:
		return &ParentError{ReasonNoSuchParent}
	}
}

// liveList checks that id is one of userID's live lists.
func liveList(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) error {
	if _, err := q.TaskTargetList(ctx, db.TaskTargetListParams{UserID: userID, ID: id}); err != nil {
		if isNotFound(err) {
			return ErrNoSuchList
		}
		return fmt.Errorf("read list: %w", err)
	}
	return nil
}

// holdMoveTarget checks, under the clocks of the task's owner and of the target list's
// owner (also), that userID may move a task to list: a live list whose tasks userID may
// write (their own, or one they edit), held until commit. ErrNoSuchList when userID is no
// member of such a list (or was none when also was read), ErrForbidden for a list userID
// only views.
func holdMoveTarget(ctx context.Context, q *db.Queries, userID, owner, also string, list uuid.UUID) (access, error) {
	a, err := listAccessHeld(ctx, q, userID, list)
	switch {
	case isNotFound(err):
		return access{}, ErrNoSuchList
	case err != nil:
		return access{}, err
	case a.writable() != nil:
		return access{}, a.writable()
	case a.owner != owner && a.owner != also:
		return access{}, ErrNoSuchList // its clock is not held: userID joined after also was read
	}
	return a, nil
}

// readableList checks that id is a live list userID is a member of (any role may read) and
// returns its owner: ErrNotFound otherwise, as for a list that does not exist.
func readableList(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) (string, error) {
	a, err := listAccess(ctx, q, userID, id)
	if errors.Is(err, ErrListNotFound) {
		return "", fmt.Errorf("list %s: %w", id, ErrNotFound)
	}
	return a.owner, err
}

// liveParent reads the parent id, one of userID's live tasks.
func liveParent(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) (*db.Task, error) {
	parent, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: id})
	if isNotFound(err) {
		return nil, &ParentError{ReasonNoSuchParent}
	}
	if err != nil {
		return nil, fmt.Errorf("read parent: %w", err)
	}
	return parent, nil
}

// moveTree applies c's list_id and parent_id to row, one of userID's live tasks that caller
// (userID, or an editor of the task's list) writes — to a list of another owner (also, whose
// clock the transaction holds too) with moveAcross — and that the
// transaction's first statement has just written (row.UpdatedAt is the clock's value): the
// task moves with its subtree. A task that changes list without a parent_id in c becomes
// top-level there; setting a parent puts the task at the top of its new siblings (the top of
// the owner's manual order, which is before every sibling). It returns the task as it now is
// — row itself when nothing moves.
func moveTree(ctx context.Context, q *db.Queries, caller, userID, also string, row *db.Task, c TaskChanges) (*db.Task, error) {
	list, parent := row.ListID, row.ParentID
	if c.SetListID && c.Fields.ListID != nil && *c.Fields.ListID != row.ListID {
		target, err := holdMoveTarget(ctx, q, caller, userID, also, *c.Fields.ListID)
		if err != nil {
			return nil, err
		}
		if target.owner != userID {
			return moveAcross(ctx, q, userID, target, row, c)
		}
		list, parent = *c.Fields.ListID, nil
	}
	if c.SetParentID {
		parent = c.Fields.ParentID
	}
	if list == row.ListID && equalID(parent, row.ParentID) {
		return row, nil
	}
	depth := int16(0)
	if parent != nil {
		p, err := liveParent(ctx, q, userID, *parent)
		if err != nil {
			return nil, err
		}
		if p.ListID != list {
			return nil, &ParentError{ReasonOtherList}
		}
		tree, err := q.TaskTree(ctx, db.TaskTreeParams{UserID: userID, ID: row.ID})
		if err != nil {
			return nil, fmt.Errorf("read subtree: %w", err)
		}
		height := int16(0)
		for _, t := range tree {
			if t.Task.ID == p.ID {
				return nil, &ParentError{ReasonCycle}
			}
			height = max(height, t.Task.Depth-row.Depth)
		}
		if p.Depth+1+height > MaxDepth {
			return nil, &ParentError{ReasonTooDeep}
		}
		depth = p.Depth + 1
	}
	first, err := q.TaskFirstPosition(ctx, userID)
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("read first position: %w", err)
	}
	pos, err := fracindex.Between("", first)
	if err != nil {
		return nil, fmt.Errorf("position before %q: %w", first, err)
	}
	if _, err := q.TaskTreeMove(ctx, db.TaskTreeMoveParams{
		UserID: userID, ID: row.ID, ListID: list, ParentID: parent, Position: pos,
		Shift: depth - row.Depth, Now: row.UpdatedAt,
	}); err != nil {
		return nil, fmt.Errorf("move subtree: %w", err)
	}
	return q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: row.ID})
}

// moveAcross moves row, one of owner's live tasks, with its subtree (tombstones included) to
// target, a list of another owner that the caller may write, under c's parent_id there (or
// top-level): the rows become the target owner's — their clock, quota, tags and search
// (0018_cross_owner_moves.sql) — at the top of that owner's manual order, in the subtree's
// order. q's transaction holds both owners' clocks; the rows are stamped with the later of
// the two new values, so that each owner's feed shows what changed of its rows (the task
// leaving, a former parent's counts) after everything it showed before, and the target
// owner's clock moves to that stamp, so that their next writes come after the moved rows.
func moveAcross(ctx context.Context, q *db.Queries, owner string, target access, row *db.Task, c TaskChanges) (*db.Task, error) {
	var parent *uuid.UUID
	depth := int16(0)
	if c.SetParentID && c.Fields.ParentID != nil {
		p, err := liveParent(ctx, q, target.owner, *c.Fields.ParentID)
		if err != nil {
			return nil, err
		}
		if p.ListID != target.list {
			return nil, &ParentError{ReasonOtherList}
		}
		tree, err := q.TaskTree(ctx, db.TaskTreeParams{UserID: owner, ID: row.ID})
		if err != nil {
			return nil, fmt.Errorf("read subtree: %w", err)
		}
		height := int16(0)
		for _, t := range tree {
			height = max(height, t.Task.Depth-row.Depth)
		}
		if p.Depth+1+height > MaxDepth {
			return nil, &ParentError{ReasonTooDeep}
		}
		parent, depth = &p.ID, p.Depth+1
	}
	ids, err := q.TaskSubtreeIDs(ctx, db.TaskSubtreeIDsParams{UserID: owner, ID: row.ID})
	if err != nil {
		return nil, fmt.Errorf("read subtree: %w", err)
	}
	now := row.UpdatedAt // the owner's clock, from the transaction's first statement
	later, err := q.UserClockTick(ctx, target.owner)
	if err != nil {
		return nil, fmt.Errorf("take clock: %w", err)
	}
	if later.After(now) {
		now = later
	} else if err := q.UserClockAtLeast(ctx, db.UserClockAtLeastParams{UserID: target.owner, At: now}); err != nil {
		// The rows become target.owner's, stamped now: their clock must not fall behind.
		return nil, fmt.Errorf("advance clock: %w", err)
	}
	first, err := q.TaskFirstPosition(ctx, target.owner)
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("read first position: %w", err)
	}
	keys, err := fracindex.Spread("", first, len(ids))
	if err != nil {
		return nil, fmt.Errorf("%d positions before %q: %w", len(ids), first, err)
	}
	if _, err := q.TaskTreeMoveOwner(ctx, db.TaskTreeMoveOwnerParams{
		UserID: owner, NewOwner: target.owner, ID: row.ID, ListID: target.list, ParentID: parent,
		Shift: depth - row.Depth, Now: now, Ids: ids, Positions: keys,
	}); err != nil {
		return nil, fmt.Errorf("move subtree: %w", err)
	}
	return q.TaskGet(ctx, db.TaskGetParams{UserID: target.owner, ID: row.ID})
}

func equalID(a, b *uuid.UUID) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// completeTrees completes the open subtasks of userID's live tasks among ids, whole
// subtrees, with a clock value of its own (taken again: the transaction holds the clock).
func completeTrees(ctx context.Context, q *db.Queries, userID string, ids []uuid.UUID) error {
	now, err := q.UserClockTick(ctx, userID)
	if err != nil {
		return fmt.Errorf("take clock: %w", err)
	}
	if _, err := q.TaskTreeComplete(ctx, db.TaskTreeCompleteParams{UserID: userID, Ids: ids, Now: now}); err != nil {
		return fmt.Errorf("complete subtasks: %w", err)
	}
	return nil
}

// copySubtree gives the next occurrence next of row (a repeating task just completed) copies
// of row's live subtree, all open: the same depths, new ids, each at the top of its new
// siblings in the subtree's order. q's transaction holds userID's clock.
func copySubtree(ctx context.Context, q *db.Queries, userID string, row *db.Task, next uuid.UUID) error {
	tree, err := q.TaskTree(ctx, db.TaskTreeParams{UserID: userID, ID: row.ID})
	if err != nil {
		return fmt.Errorf("read subtree: %w", err)
	}
	if len(tree) <= 1 {
		return nil
	}
	// Parents before children; among siblings the last first, as each goes to the top.
	tasks := make([]*db.Task, 0, len(tree)-1)
	for _, t := range tree[1:] {
		tasks = append(tasks, &t.Task)
	}
	slices.SortStableFunc(tasks, func(a, b *db.Task) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(b.Position, a.Position))
	})
	ids := map[uuid.UUID]uuid.UUID{row.ID: next}
	for _, t := range tasks {
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("new task id: %w", err)
		}
		parent := ids[*t.ParentID]
		ids[t.ID] = id
		params := db.TaskCreateParams{
			UserID: userID, ID: id, Title: t.Title, Description: t.Description,
			Priority: t.Priority, DueDate: t.DueDate, DueTime: t.DueTime, Tags: nonNil(t.Tags),
			Repeat: db.TaskRepeatNone, ListID: &t.ListID, ParentID: &parent, Depth: t.Depth,
		}
		if _, err := insertAtTop(ctx, q, &params); err != nil {
			return fmt.Errorf("copy subtask: %w", err)
		}
	}
	return nil
}
