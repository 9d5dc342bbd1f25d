package store

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// MaxLists is the most live lists a user may own, the inbox included. Creating or restoring
// a list beyond it is ErrListQuota. The store enforces it under the user's clock.
const MaxLists = 200

// InboxName is the inbox's name (user_inbox in db/migrations/0011_lists.sql writes it).
const InboxName = "Inbox"

// List errors.
var (
	// ErrListNotFound: no such live list for this user (an ErrNotFound).
	ErrListNotFound = fmt.Errorf("%w: no such list", ErrNotFound)
	// ErrListQuota: the write would give the user more than MaxLists live lists.
	ErrListQuota = fmt.Errorf("%w: at most %d live lists per user", ErrQuotaExceeded, MaxLists)
	// ErrInboxConflict: the inbox cannot be renamed, deleted or moved.
	ErrInboxConflict = errors.New("the inbox cannot be renamed, deleted or moved")
	// ErrNoSuchAfterList: the list to move after is not another of the user's live lists.
	ErrNoSuchAfterList = errors.New("no such list to move after")
)

// Role is a member's role in a list. The values are the contract's and the database's
// (member_role).
type Role string

// Roles. In issue 14 a user is the owner of every list they see.
const (
	RoleOwner  Role = "owner"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// List is one of the user's lists, as the user sees it.
type List struct {
	ID    uuid.UUID
	Name  string
	Color *string // "#rrggbb", lower-case; nil: none
	// Inbox is true for the user's inbox: the list of tasks created without one.
	Inbox bool
	// Role is the user's role in the list.
	Role        Role
	MemberCount int
	// Position is the list's place in the user's own order (a fractional-index key); the
	// inbox comes first whatever its position.
	Position  string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version increases with every change of the list as the user sees it (its position
	// included); it is the list's ETag.
	Version int64
}

// ListFields are the values a client writes. The caller has validated and normalised them
// (trimmed name, lower-case colour).
type ListFields struct {
	Name  string
	Color *string
}

// ListChanges says which fields a patch changes.
type ListChanges struct {
	Fields            ListFields
	SetName, SetColor bool
}

// listFromRow is the List of a row of ListAll (or ListGet, the same shape).
func listFromRow(r *db.ListAllRow) List {
	return List{
		ID: r.List.ID, Name: r.List.Name, Color: r.List.Color, Inbox: r.List.Inbox,
		Role: Role(r.Role), MemberCount: int(r.MemberCount), Position: r.Position,
		CreatedAt: r.List.CreatedAt, UpdatedAt: r.List.UpdatedAt, Version: r.List.Version,
	}
}
