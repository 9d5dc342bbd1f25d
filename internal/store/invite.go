package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// Invites: a list's owner makes an invite with a role; its token — InviteTokenBytes random
// bytes, base64url — is shown once, to the owner, and only its SHA-256 is stored. Whoever
// presents the token may look the invite up and accept it, once (db/migrations/0015_sharing.sql:
// invite_lookup, invite_accept).

// InviteTokenBytes is the randomness of an invite token: 128 bits.
const InviteTokenBytes = 16

// ErrInviteNotFound: no pending invite with that token for this caller (unknown, used by
// someone else, revoked, expired, or its list is gone) — an ErrNotFound. One error for all:
// a wrong token tells nothing.
var ErrInviteNotFound = fmt.Errorf("%w: no such invite", ErrNotFound)

// Invite is an invite as its owner sees it. Token is set only in the answer to InviteCreate.
type Invite struct {
	ID        uuid.UUID
	Token     string
	Role      Role
	ExpiresAt time.Time
}

// InviteOffer is what a pending invite offers its bearer.
type InviteOffer struct {
	ListName string
	Role     Role
	// InvitedBy is the inviting owner's user id; InvitedByName their display name when they
	// made the invite ("" for none).
	InvitedBy, InvitedByName string
	ExpiresAt                time.Time
}

// InviteCreate makes an invite to a live list userID owns, for role (RoleEditor or
// RoleViewer), valid for ttl; userName is the owner's display name, shown to the invite's
// bearer (and, the first time, recorded as the owner's name among the list's members). ErrListNotFound, ErrForbidden: as for ListUpdate; ErrInboxNotShared: the inbox;
// ErrListFull: the list has MaxListMembers members; ErrTooManyInvites: it has
// MaxPendingInvites pending invites. Invites of the list no longer pending and older than
// InviteRetention are deleted on the way.
func (s *Store) InviteCreate(ctx context.Context, userID, userName string, listID uuid.UUID, role Role, ttl time.Duration) (Invite, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Invite{}, fmt.Errorf("new invite id: %w", err)
	}
	var secret [InviteTokenBytes]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return Invite{}, fmt.Errorf("invite token: %w", err)
	}
	inv := Invite{ID: id, Token: base64.RawURLEncoding.EncodeToString(secret[:]), Role: role}
	err = s.listWrite(ctx, userID, listID, nil, func(ctx context.Context, q *db.Queries, row *db.List, now time.Time) error {
		if row.Inbox {
			return ErrInboxNotShared
		}
		n, err := q.MemberCount(ctx, db.MemberCountParams{UserID: userID, ListID: listID})
		if err != nil {
			return fmt.Errorf("count members: %w", err)
		}
		if n >= MaxListMembers {
			return ErrListFull
		}
		if err := q.InvitePrune(ctx, db.InvitePruneParams{UserID: userID, ListID: listID, Before: now.Add(-InviteRetention)}); err != nil {
			return fmt.Errorf("prune invites: %w", err)
		}
		pending, err := q.InvitePendingCount(ctx, db.InvitePendingCountParams{UserID: userID, ListID: listID})
		if err != nil {
			return fmt.Errorf("count invites: %w", err)
		}
		if pending >= MaxPendingInvites {
			return ErrTooManyInvites
		}
		inv.ExpiresAt = now.Add(ttl)
		var name *string
		if userName != "" {
			name = &userName
			if err := q.MemberNameOwner(ctx, db.MemberNameOwnerParams{Name: name, UserID: userID, ListID: listID}); err != nil {
				return fmt.Errorf("name the owner: %w", err)
			}
		}
		return q.InviteCreate(ctx, db.InviteCreateParams{
			UserID: userID, ListID: listID, ID: id, TokenHash: inviteTokenHash(inv.Token), Role: string(role),
			CreatedByName: name, Now: now, ExpiresAt: inv.ExpiresAt,
		})
	})
	if err != nil {
		return Invite{}, fmt.Errorf("create invite: %w", err)
	}
	return inv, nil
}

// InviteListPending returns the pending invites of a live list userID owns, oldest first,
// without tokens. ErrListNotFound, ErrForbidden: as for ListUpdate.
func (s *Store) InviteListPending(ctx context.Context, userID string, listID uuid.UUID) ([]Invite, error) {
	var invites []Invite
	err := s.run(ctx, userID, snapshot, func(ctx context.Context, q *db.Queries) error {
		if err := ownsLiveList(ctx, q, userID, listID); err != nil {
			return err
		}
		rows, err := q.InviteListPending(ctx, db.InviteListPendingParams{UserID: userID, ListID: listID})
		if err != nil {
			return err
		}
		invites = make([]Invite, len(rows))
		for i, r := range rows {
			invites[i] = Invite{ID: r.ID, Role: Role(r.Role), ExpiresAt: r.ExpiresAt}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	return invites, nil
}

// InviteRevoke revokes an invite to a live list userID owns; revoking one that is used,
// expired or revoked changes nothing. ErrListNotFound, ErrForbidden: as for ListUpdate;
// ErrInviteNotFound: no such invite of that list.
func (s *Store) InviteRevoke(ctx context.Context, userID string, listID, inviteID uuid.UUID) error {
	err := s.listWrite(ctx, userID, listID, nil, func(ctx context.Context, q *db.Queries, _ *db.List, _ time.Time) error {
		n, err := q.InviteRevoke(ctx, db.InviteRevokeParams{UserID: userID, ListID: listID, ID: inviteID})
		if err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		if n == 0 {
			return ErrInviteNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	return nil
}

// InviteLookup returns what the pending invite with token offers. ErrInviteNotFound: none.
func (s *Store) InviteLookup(ctx context.Context, userID, token string) (InviteOffer, error) {
	var offer InviteOffer
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		r, err := q.InviteLookup(ctx, db.InviteLookupParams{UserID: userID, TokenHash: inviteTokenHash(token)})
		if isNotFound(err) {
			return ErrInviteNotFound
		}
		if err != nil {
			return err
		}
		offer = InviteOffer{ListName: r.ListName, Role: Role(r.Role), InvitedBy: r.InvitedBy, InvitedByName: r.InvitedByName, ExpiresAt: r.ExpiresAt}
		return nil
	})
	if err != nil {
		return InviteOffer{}, fmt.Errorf("look up invite: %w", err)
	}
	return offer, nil
}

// InviteAccept makes userID, named userName ("" for none), a member of the invite's list
// with its role, last in the user's order, and uses the invite up; a user who already is a
// member (the owner, or the member who used this invite) gets the list and nothing changes.
// It returns the list as userID now sees it. ErrInviteNotFound: the token is unknown, used by
// someone else, revoked or expired, or the list is gone; ErrListFull: the list has
// MaxListMembers members.
func (s *Store) InviteAccept(ctx context.Context, userID, userName, token string) (List, error) {
	var list List
	err := s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		// The user's clock orders the user's writes of their own order of lists.
		if _, err := q.UserClockTick(ctx, userID); err != nil {
			return fmt.Errorf("take clock: %w", err)
		}
		pos, err := lastListPosition(ctx, q, userID)
		if err != nil {
			return err
		}
		var name *string
		if userName != "" {
			name = &userName
		}
		r, err := q.InviteAccept(ctx, db.InviteAcceptParams{UserID: userID, TokenHash: inviteTokenHash(token), Name: name, Position: pos})
		if isNotFound(err) {
			return ErrInviteNotFound
		}
		if err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		switch r.Outcome {
		case "joined", "member":
		case "full":
			return ErrListFull
		default:
			return fmt.Errorf("accept: unexpected outcome %q", r.Outcome)
		}
		list, err = readList(ctx, q, userID, r.ListID)
		return err
	})
	if err != nil {
		return List{}, fmt.Errorf("accept invite: %w", err)
	}
	return list, nil
}

// ownsLiveList checks that userID owns the live list listID: ErrForbidden when userID is
// another member of it, ErrListNotFound otherwise.
func ownsLiveList(ctx context.Context, q *db.Queries, userID string, listID uuid.UUID) error {
	role, err := membership(ctx, q, userID, listID)
	if err != nil {
		return err
	}
	if role != RoleOwner {
		return ErrForbidden
	}
	return nil
}

// inviteTokenHash is what the database keeps of a token: its SHA-256. Any string hashes, so
// a malformed token is simply one that matches nothing.
func inviteTokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
