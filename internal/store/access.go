package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// Access to a list and its tasks (issue 16): the one place that turns the caller's
// membership into the owner whose rows a statement works on, and their role.
//
// A list's tasks are its owner's rows: whoever writes them — the owner or an editor — takes
// the owner's clock, counts on the owner's quota and writes with the owner's id. The owner
// of a list (or of a task, checked again under the clock: a move across owners changes it) is read first, without a lock (the
// clock comes first in every write, see the end of db/queries/tasks.sql); under the owner's
// clock the caller's membership row is read again FOR SHARE and held until commit, so a
// removal, a leave or a change of role waits for the write, and the role checked stays true
// while it runs. Row-level security (0015_sharing.sql) admits the same writes and no others.

// access is the caller's way into a list: whose list it is, and the caller's role in it.
type access struct {
	owner string
	list  uuid.UUID
	role  Role
}

// writable is nil when the role may write the list's tasks, else ErrForbidden.
func (a access) writable() error {
	if a.role == RoleViewer {
		return fmt.Errorf("write the tasks of list %s: %w", a.list, ErrForbidden)
	}
	return nil
}

// listAccess reads, without a lock, userID's access to a live list: ErrListNotFound when
// userID is no member of such a list (or it does not exist, or is deleted).
func listAccess(ctx context.Context, q *db.Queries, userID string, listID uuid.UUID) (access, error) {
	m, err := q.ListMembership(ctx, db.ListMembershipParams{ListID: listID, UserID: userID})
	if isNotFound(err) {
		return access{}, ErrListNotFound
	}
	if err != nil {
		return access{}, fmt.Errorf("read membership: %w", err)
	}
	return access{owner: m.OwnerID, list: listID, role: Role(m.Role)}, nil
}

// listAccessHeld is listAccess under the owner's clock, which q's transaction holds: the
// membership is held FOR SHARE until commit.
func listAccessHeld(ctx context.Context, q *db.Queries, userID string, listID uuid.UUID) (access, error) {
	m, err := q.ListMembershipHeld(ctx, db.ListMembershipHeldParams{UserID: userID, ID: listID})
	if isNotFound(err) {
		return access{}, ErrListNotFound
	}
	if err != nil {
		return access{}, fmt.Errorf("read membership: %w", err)
	}
	return access{owner: m.OwnerID, list: listID, role: Role(m.Role)}, nil
}

// taskAccess reads, without a lock, userID's access to the list of task id (tombstones
// included): ErrNotFound when userID is no member of its live list (or there is no such task).
func taskAccess(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) (access, error) {
	a, err := q.TaskAccess(ctx, db.TaskAccessParams{UserID: userID, ID: id})
	if err != nil {
		return access{}, err
	}
	return access{owner: a.OwnerID, list: a.ListID, role: Role(a.Role)}, nil
}

// taskAccessHeld is taskAccess under the owner's clock, which q's transaction holds: the
// task's list as it stays until commit, and the membership held FOR SHARE.
func taskAccessHeld(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) (access, error) {
	a, err := q.TaskAccessHeld(ctx, db.TaskAccessHeldParams{UserID: userID, ID: id})
	if err != nil {
		return access{}, err
	}
	return access{owner: a.OwnerID, list: a.ListID, role: Role(a.Role)}, nil
}

// errNotShared: the task is not one of another owner's that the caller reaches.
var errNotShared = errors.New("not a task of a list shared with the caller")

// taskWrite runs write — the statements of one write of task id, with owner as their
// user_id — for userID in a transaction. userID's own task is written as it always was
// (owner = userID). Only when that finds no task, the task of another owner's list that
// userID is a member of is written in a transaction of its own: the owner's clock first,
// then userID's membership of the task's list held (taskAccessHeld), then write with the
// owner's id. A viewer gets ErrForbidden (before any clock: row-level security lets only an
// owner or editor take it; a role lowered between the two reads is ErrForbidden too, from
// the policy, see Translate); someone who is no member (or no more) gets what the first
// attempt got — exactly what a missing id gets. also is the owner of another list
// the write may reach (a move to another owner's list; "" for none): both clocks are then
// taken first, in the order of the owners' ids (takeClocks). Otherwise a transaction holds
// one clock.
func (s *Store) taskWrite(ctx context.Context, userID string, id uuid.UUID, also string, write func(ctx context.Context, q *db.Queries, owner string) error) error {
	err := s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		if also != "" && also != userID {
			if err := takeClocks(ctx, q, userID, also); err != nil {
				return err
			}
		}
		return write(ctx, q, userID)
	})
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	shared := errOwnerChanged
	for attempt := 0; attempt < 3 && errors.Is(shared, errOwnerChanged); attempt++ {
		shared = s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
			return sharedTaskWrite(ctx, q, userID, id, also, write)
		})
	}
	if errors.Is(shared, errNotShared) {
		return err
	}
	return shared
}

// errOwnerChanged: the task moved to another owner's list between the read that named its
// owner and the clock taken for that owner (the write is tried again).
var errOwnerChanged = errors.New("the task changed owner")

// sharedTaskWrite is taskWrite's second attempt, in q's transaction: userID's write of task
// id of another owner's list. The owner read first, without a lock, names the clock to take;
// the task's access read again under that clock must name the same owner — a task moved to
// another owner's list meanwhile (a move across owners holds the old owner's clock, which
// this write waited for) is errOwnerChanged, else the write would run under a clock that is
// not its rows' owner's.
func sharedTaskWrite(ctx context.Context, q *db.Queries, userID string, id uuid.UUID, also string, write func(ctx context.Context, q *db.Queries, owner string) error) error {
	a, err := taskAccess(ctx, q, userID, id)
	if isNotFound(err) || err == nil && a.owner == userID {
		return errNotShared
	}
	if err != nil {
		return fmt.Errorf("read the task's list: %w", err)
	}
	// A viewer may not even take the owner's clock (row-level security): refused here.
	if err := a.writable(); err != nil {
		return err
	}
	if err := takeClocks(ctx, q, a.owner, also); err != nil {
		return err
	}
	held, err := taskAccessHeld(ctx, q, userID, id)
	if isNotFound(err) {
		return errNotShared // removed meanwhile
	} else if err != nil {
		return fmt.Errorf("read membership: %w", err)
	}
	if held.owner != a.owner {
		return errOwnerChanged
	}
	if err := held.writable(); err != nil {
		return err
	}
	return write(ctx, q, held.owner)
}

// takeClocks takes the clocks of owners ("" skipped, each once) in the order of their ids:
// every transaction that holds several clocks takes them in that order, so none waits for
// another in a cycle.
func takeClocks(ctx context.Context, q *db.Queries, owners ...string) error {
	owners = slices.DeleteFunc(slices.Clone(owners), func(o string) bool { return o == "" })
	slices.Sort(owners)
	for _, o := range slices.Compact(owners) {
		if _, err := q.UserClockTick(ctx, o); err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
	}
	return nil
}

// writableListOwner reads, without a lock, the owner of a live list whose tasks userID may
// write: "" when userID is no member of it, or only views it (the write's own check, under
// the clock, then answers).
func (s *Store) writableListOwner(ctx context.Context, userID string, listID uuid.UUID) (string, error) {
	var owner string
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		a, err := listAccess(ctx, q, userID, listID)
		if errors.Is(err, ErrListNotFound) || err == nil && a.writable() != nil {
			return nil
		}
		owner = a.owner
		return err
	})
	return owner, err
}
