package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// MaxListMembers is the most members a list may have, its owner included
// (max_list_members() in db/migrations/0015_sharing.sql says the same).
const MaxListMembers = 50

// MaxPendingInvites is the most pending invites (not used, revoked or expired) a list may
// have: an owner who needs more revokes some first. Invites no longer pending are deleted
// when the list's owner makes a new invite InviteRetention after they were made.
const MaxPendingInvites = 100

// InviteRetention is how long an invite that is no longer pending is kept (see
// MaxPendingInvites).
const InviteRetention = 30 * 24 * time.Hour

// Sharing errors.
var (
	// ErrForbidden: the user is a member of the list, but their role does not allow the
	// operation (a viewer writing, a member doing what only the owner may).
	ErrForbidden = errors.New("the member's role does not allow this")
	// ErrMemberNotFound: no such member of the list (an ErrNotFound).
	ErrMemberNotFound = fmt.Errorf("%w: no such member", ErrNotFound)
	// ErrSharingConflict is a rule of sharing: the inbox is never shared, a list has at most
	// MaxListMembers members and MaxPendingInvites pending invites, the owner keeps their
	// role and cannot leave.
	ErrSharingConflict = errors.New("sharing conflict")
	// ErrInboxNotShared: an invite to the inbox.
	ErrInboxNotShared = fmt.Errorf("%w: the inbox cannot be shared", ErrSharingConflict)
	// ErrListFull: the list has MaxListMembers members.
	ErrListFull = fmt.Errorf("%w: a list has at most %d members", ErrSharingConflict, MaxListMembers)
	// ErrTooManyInvites: the list has MaxPendingInvites pending invites.
	ErrTooManyInvites = fmt.Errorf("%w: a list has at most %d pending invites (revoke some first)", ErrSharingConflict, MaxPendingInvites)
	// ErrOwnerRole: the owner's role cannot change.
	ErrOwnerRole = fmt.Errorf("%w: the owner's role cannot change", ErrSharingConflict)
	// ErrOwnerLeaves: the owner cannot leave their list.
	ErrOwnerLeaves = fmt.Errorf("%w: the owner cannot leave the list", ErrSharingConflict)
)

// Member is a member of a list.
type Member struct {
	UserID string
	Role   Role
	// Name is the member's display name when they joined (auth.Identity's); "" for none.
	Name     string
	JoinedAt time.Time
}

// MemberList returns the members of a live list userID is a member of: the owner first,
// then in the order they joined. ErrListNotFound: userID is no member of such a list.
func (s *Store) MemberList(ctx context.Context, userID string, listID uuid.UUID) ([]Member, error) {
	var members []Member
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		rows, err := q.MemberList(ctx, db.MemberListParams{ListID: listID, UserID: userID})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return ErrListNotFound
		}
		members = make([]Member, len(rows))
		for i, r := range rows {
			members[i] = Member{UserID: r.UserID, Role: Role(r.Role), Name: deref(r.Name), JoinedAt: r.JoinedAt}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return members, nil
}

// MemberSetRole gives memberID the role (RoleEditor or RoleViewer) in a list userID owns.
// ErrListNotFound: userID is no member of such a live list; ErrForbidden: userID is a member
// but not the owner; ErrOwnerRole: memberID is the owner; ErrMemberNotFound: memberID is no
// member.
func (s *Store) MemberSetRole(ctx context.Context, userID string, listID uuid.UUID, memberID string, role Role) (Member, error) {
	var m Member
	err := s.listWrite(ctx, userID, listID, nil, func(ctx context.Context, q *db.Queries, _ *db.List, _ time.Time) error {
		if memberID == userID {
			return ErrOwnerRole
		}
		r, err := q.MemberSetRole(ctx, db.MemberSetRoleParams{Role: string(role), UserID: userID, ListID: listID, MemberID: memberID})
		if isNotFound(err) {
			return ErrMemberNotFound
		}
		if err != nil {
			return fmt.Errorf("set role: %w", err)
		}
		m = Member{UserID: r.UserID, Role: Role(r.Role), Name: deref(r.Name), JoinedAt: r.JoinedAt}
		return nil
	})
	if err != nil {
		return Member{}, fmt.Errorf("change member role: %w", err)
	}
	return m, nil
}

// MemberRemove removes memberID from a live list: the owner removes anyone but themself; a
// member removes themself (leaves). From its commit on, memberID reaches nothing of the list.
// ErrListNotFound: userID is no member of such a list; ErrOwnerLeaves: the owner leaving;
// ErrForbidden: a member removing someone else; ErrMemberNotFound: memberID is no member.
func (s *Store) MemberRemove(ctx context.Context, userID string, listID uuid.UUID, memberID string) error {
	var err error
	if memberID == userID {
		err = s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
			role, err := membership(ctx, q, userID, listID)
			if err != nil {
				return err
			}
			if role == RoleOwner {
				return ErrOwnerLeaves
			}
			if _, err := q.MemberLeave(ctx, db.MemberLeaveParams{ListID: listID, UserID: userID}); err != nil {
				return fmt.Errorf("leave: %w", err)
			}
			return nil
		})
	} else {
		err = s.listWrite(ctx, userID, listID, nil, func(ctx context.Context, q *db.Queries, _ *db.List, _ time.Time) error {
			n, err := q.MemberRemove(ctx, db.MemberRemoveParams{UserID: userID, ListID: listID, MemberID: memberID})
			if err != nil {
				return fmt.Errorf("remove member: %w", err)
			}
			if n == 0 {
				return ErrMemberNotFound
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	return nil
}

// membership is userID's role in a live list: ErrListNotFound when userID is no member of
// such a list.
func membership(ctx context.Context, q *db.Queries, userID string, listID uuid.UUID) (Role, error) {
	a, err := listAccess(ctx, q, userID, listID)
	return a.role, err
}

// notOwner is the error of an owner-only operation on a list userID does not own (the
// owner's read found none): ErrForbidden when userID is a member of that live list,
// ErrListNotFound otherwise.
func notOwner(ctx context.Context, q *db.Queries, userID string, listID uuid.UUID) error {
	if _, err := membership(ctx, q, userID, listID); err != nil {
		return err
	}
	return ErrForbidden
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
