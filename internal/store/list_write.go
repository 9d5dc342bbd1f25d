package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// Every list write runs in one transaction that takes the user's clock first (the lock
// order of every write: the clock, then list rows, then task rows), so a user's list writes
// run one after another: the lists quota holds, and positions are computed from a stable
// order. The clock's value stamps what the write changes.
//
// Only a list's owner renames, recolours, deletes or restores it and manages its members and
// invites: another member gets ErrForbidden, anyone else ErrListNotFound (liveListRow,
// notOwner). Moving a list in one's own order is any member's.

// ListCreate creates a list owned by userID, last in the user's order (and the user's inbox
// first, if the user had none). ErrListQuota: the user owns MaxLists live lists already.
// With idemKey, a repeat with the same requestHash replays the first answer (replayed).
func (s *Store) ListCreate(ctx context.Context, userID string, f ListFields, idemKey string, requestHash []byte) (list List, replayed bool, err error) {
	id, err := uuid.NewV7()
	if err != nil {
		return List{}, false, fmt.Errorf("new list id: %w", err)
	}
	create := func(ctx context.Context, q *db.Queries) error {
		now, err := q.UserClockTick(ctx, userID)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		if _, err := q.ListInboxEnsure(ctx, userID); err != nil {
			return fmt.Errorf("ensure inbox: %w", err)
		}
		if err := holdsListQuota(ctx, q, userID); err != nil {
			return err
		}
		pos, err := lastListPosition(ctx, q, userID)
		if err != nil {
			return err
		}
		if err := q.ListCreate(ctx, db.ListCreateParams{UserID: userID, ID: id, Name: f.Name, Color: f.Color, Now: now}); err != nil {
			return fmt.Errorf("insert list: %w", err)
		}
		if err := q.ListMemberAdd(ctx, db.ListMemberAddParams{UserID: userID, ListID: id, Position: pos, Now: now}); err != nil {
			return fmt.Errorf("insert membership: %w", err)
		}
		list, err = readList(ctx, q, userID, id)
		return err
	}
	if idemKey == "" {
		err = s.run(ctx, userID, transaction, create)
	} else {
		replayed, err = s.withIdempotencyKey(ctx, userID, keyed{idemListCreate, idemKey, requestHash}, listResponse{&list}, create)
	}
	if err != nil {
		return List{}, false, fmt.Errorf("create list: %w", err)
	}
	return list, replayed, nil
}

// ListUpdate applies changes to one of userID's live lists if pre holds. ErrListNotFound: no
// such list; ErrForbidden: userID is a member, not the owner; ErrPreconditionFailed: its version is not one pre names; ErrInboxConflict: a new
// name for the inbox (its colour may change).
func (s *Store) ListUpdate(ctx context.Context, userID string, id uuid.UUID, c ListChanges, pre *Precondition) (List, error) {
	var list List
	err := s.listWrite(ctx, userID, id, pre, func(ctx context.Context, q *db.Queries, row *db.List, now time.Time) error {
		if row.Inbox && c.SetName && c.Fields.Name != row.Name {
			return ErrInboxConflict
		}
		params := db.ListUpdateParams{
			SetName: c.SetName, Name: c.Fields.Name, SetColor: c.SetColor, Color: c.Fields.Color,
			Now: now, UserID: userID, ID: id,
		}
		if _, err := q.ListUpdate(ctx, params); err != nil {
			return fmt.Errorf("update list: %w", err)
		}
		var err error
		list, err = readList(ctx, q, userID, id)
		return err
	})
	if err != nil {
		return List{}, fmt.Errorf("update list: %w", err)
	}
	return list, nil
}

// ListDelete deletes one of userID's lists and its live tasks, all stamped with one
// deleted_at — the clock's value — by which ListRestore finds them again. It also purges the
// user's task and list tombstones older than the retention. ErrListNotFound, ErrForbidden,
// ErrPreconditionFailed as for ListUpdate; ErrInboxConflict: the inbox.
func (s *Store) ListDelete(ctx context.Context, userID string, id uuid.UUID, pre *Precondition) error {
	err := s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		now, err := q.ListDeleteClockTick(ctx, userID)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		if err := q.ListPurge(ctx, userID); err != nil {
			return fmt.Errorf("purge lists: %w", err)
		}
		row, err := liveListRow(ctx, q, userID, id, pre)
		if err != nil {
			return err
		}
		if row.Inbox {
			return ErrInboxConflict
		}
		if _, err := q.ListMarkDeleted(ctx, db.ListMarkDeletedParams{UserID: userID, ID: id, Now: now}); err != nil {
			return fmt.Errorf("delete list: %w", err)
		}
		if _, err := q.ListTasksDelete(ctx, db.ListTasksDeleteParams{UserID: userID, ListID: id, Now: now}); err != nil {
			return fmt.Errorf("delete the list's tasks: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete list: %w", err)
	}
	return nil
}

// ListRestore brings back one of userID's lists deleted less than the retention ago, last in
// the user's order, with exactly the tasks deleted with it; a live list is returned
// unchanged. ErrListNotFound: no such list, or purged; ErrForbidden: userID is a member of
// the live list, not its owner; a quota error (ErrListQuota, or the
// tasks' or tags' quota) when the list or its tasks would take the user over it.
func (s *Store) ListRestore(ctx context.Context, userID string, id uuid.UUID) (List, error) {
	var list List
	err := s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		now, err := q.UserClockTick(ctx, userID)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		row, err := q.ListRow(ctx, db.ListRowParams{UserID: userID, ID: id})
		if isNotFound(err) {
			return notOwner(ctx, q, userID, id)
		}
		if err != nil {
			return err
		}
		if row.DeletedAt != nil {
			if err := holdsListQuota(ctx, q, userID); err != nil {
				return err
			}
			deletedAt := *row.DeletedAt
			if _, err := q.ListMarkRestored(ctx, db.ListMarkRestoredParams{UserID: userID, ID: id, DeletedAt: deletedAt, Now: now}); err != nil {
				return fmt.Errorf("restore list: %w", err)
			}
			if _, err := q.ListTasksRestore(ctx, db.ListTasksRestoreParams{UserID: userID, ListID: id, DeletedAt: deletedAt, Now: now}); err != nil {
				return fmt.Errorf("restore the list's tasks: %w", err)
			}
			pos, err := lastListPosition(ctx, q, userID)
			if err != nil {
				return err
			}
			if _, err := q.ListMovePosition(ctx, db.ListMovePositionParams{UserID: userID, ID: id, Position: pos}); err != nil {
				return fmt.Errorf("place restored list: %w", err)
			}
		}
		list, err = readList(ctx, q, userID, id)
		return err
	})
	if err != nil {
		return List{}, fmt.Errorf("restore list: %w", err)
	}
	return list, nil
}

// ListMove puts a list userID is a member of right after the list afterID in the user's
// own order, or first after the inbox when afterID is nil; a list already there is returned
// unchanged. Any member may: each orders their lists independently. ErrListNotFound: no such
// list; ErrInboxConflict: the inbox (always first); ErrNoSuchAfterList: afterID is not
// another of the user's live lists.
func (s *Store) ListMove(ctx context.Context, userID string, id uuid.UUID, afterID *uuid.UUID) (List, error) {
	var list List
	err := s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		// The user's clock orders the user's writes of their own order.
		if _, err := q.UserClockTick(ctx, userID); err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		var err error
		if list, err = readList(ctx, q, userID, id); err != nil {
			return err
		}
		if list.Inbox {
			return ErrInboxConflict
		}
		prev := "" // first: before every list but the inbox, which comes first anyway
		if afterID != nil {
			if *afterID == id {
				return fmt.Errorf("%w: a list cannot follow itself", ErrNoSuchAfterList)
			}
			after, err := readList(ctx, q, userID, *afterID)
			if isNotFound(err) {
				return ErrNoSuchAfterList
			}
			if err != nil {
				return err
			}
			if !after.Inbox {
				prev = after.Position
			}
		}
		next, err := q.ListPositionAfter(ctx, db.ListPositionAfterParams{UserID: userID, After: prev, ListID: id})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("read next position: %w", err)
		}
		if list.Position > prev && (next == "" || list.Position < next) {
			return nil // already there
		}
		pos, err := fracindex.Between(prev, next)
		if err != nil {
			return fmt.Errorf("position between %q and %q: %w", prev, next, err)
		}
		if _, err := q.ListMovePosition(ctx, db.ListMovePositionParams{UserID: userID, ID: id, Position: pos}); err != nil {
			return fmt.Errorf("move list: %w", err)
		}
		list, err = readList(ctx, q, userID, id)
		return err
	})
	if err != nil {
		return List{}, fmt.Errorf("move list: %w", err)
	}
	return list, nil
}

// listWrite runs write in a transaction holding userID's clock (its value: now) and the row
// of the live list id that userID owns, matching pre (see liveListRow).
func (s *Store) listWrite(ctx context.Context, userID string, id uuid.UUID, pre *Precondition,
	write func(ctx context.Context, q *db.Queries, row *db.List, now time.Time) error) error {
	return s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		now, err := q.UserClockTick(ctx, userID)
		if err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		row, err := liveListRow(ctx, q, userID, id, pre)
		if err != nil {
			return err
		}
		return write(ctx, q, row, now)
	})
}

// liveListRow reads and locks one of the live lists userID owns: ErrForbidden when userID is
// another member of it, ErrListNotFound when there is none for userID,
// ErrPreconditionFailed when its version is not one pre names.
func liveListRow(ctx context.Context, q *db.Queries, userID string, id uuid.UUID, pre *Precondition) (*db.List, error) {
	row, err := q.ListRow(ctx, db.ListRowParams{UserID: userID, ID: id})
	if isNotFound(err) {
		return nil, notOwner(ctx, q, userID, id)
	}
	if err == nil && row.DeletedAt != nil {
		return nil, ErrListNotFound
	}
	if err != nil {
		return nil, err
	}
	if pre != nil && !slices.Contains(pre.versions(), row.Version) {
		return nil, ErrPreconditionFailed
	}
	return row, nil
}

// holdsListQuota checks, under userID's clock, that one more live list stays within
// MaxLists: else ErrListQuota.
func holdsListQuota(ctx context.Context, q *db.Queries, userID string) error {
	n, err := q.ListCountLive(ctx, userID)
	if err != nil {
		return fmt.Errorf("count lists: %w", err)
	}
	if n >= MaxLists {
		return ErrListQuota
	}
	return nil
}

// lastListPosition is a position after every one of userID's lists.
func lastListPosition(ctx context.Context, q *db.Queries, userID string) (string, error) {
	last, err := q.ListLastPosition(ctx, userID)
	if err != nil && !isNotFound(err) {
		return "", fmt.Errorf("read last position: %w", err)
	}
	pos, err := fracindex.Between(last, "")
	if err != nil {
		return "", fmt.Errorf("position after %q: %w", last, err)
	}
	return pos, nil
}
