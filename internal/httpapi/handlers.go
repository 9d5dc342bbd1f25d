package httpapi

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/events"
	"github.com/todo-api/todo-api/internal/store"
)

// Store is what the handlers need of internal/store; *store.Store implements it.
type Store interface {
	TaskCreate(ctx context.Context, userID string, f store.TaskFields, idemKey string, requestHash []byte) (store.Task, bool, error)
	TaskGet(ctx context.Context, userID string, id uuid.UUID) (store.Task, error)
	TaskList(ctx context.Context, userID string, p store.ListParams) ([]store.Task, *store.Position, error)
	TaskListKey(ctx context.Context, userID string, p store.ListParams, id uuid.UUID) (string, error)
	TaskListWithClock(ctx context.Context, userID string, p store.ListParams) (store.Clock, []store.Task, *store.Position, error)
	TaskUpdate(ctx context.Context, userID string, id uuid.UUID, c store.TaskChanges, pre *store.Precondition) (store.Task, error)
	TaskToggle(ctx context.Context, userID string, id uuid.UUID) (store.Task, error)
	TaskComplete(ctx context.Context, userID string, id uuid.UUID) (store.Task, error)
	TaskUncomplete(ctx context.Context, userID string, id uuid.UUID) (store.Task, error)
	TaskDelete(ctx context.Context, userID string, id uuid.UUID, pre *store.Precondition) error
	TaskStats(ctx context.Context, userID string, now time.Time, listID *uuid.UUID) (store.Stats, error)
	TagList(ctx context.Context, userID string, p store.TagListParams) ([]store.TagCount, *store.Position, error)
	TaskRestore(ctx context.Context, userID string, id uuid.UUID) (store.Task, error)
	TaskBulk(ctx context.Context, userID string, b store.Bulk, idemKey string, requestHash []byte) ([]store.BulkResult, bool, error)
	TaskMove(ctx context.Context, userID string, id uuid.UUID, afterID *uuid.UUID) (store.Task, error)
	TaskChanges(ctx context.Context, userID string, p store.ChangesParams) ([]store.Task, *store.Position, error)
	ListClock(ctx context.Context, userID string, listID uuid.UUID) (store.Clock, error)
	ListFeed(ctx context.Context, userID string, listID uuid.UUID, p store.ChangesParams) ([]store.Task, *store.Position, error)
	UserClock(ctx context.Context, userID string) (store.Clock, error)
	MemberClock(ctx context.Context, userID string, listID *uuid.UUID) (store.Clock, error)
	ListAll(ctx context.Context, userID string) ([]store.List, error)
	ListGet(ctx context.Context, userID string, id uuid.UUID) (store.List, error)
	ListCreate(ctx context.Context, userID string, f store.ListFields, idemKey string, requestHash []byte) (store.List, bool, error)
	ListUpdate(ctx context.Context, userID string, id uuid.UUID, c store.ListChanges, pre *store.Precondition) (store.List, error)
	ListDelete(ctx context.Context, userID string, id uuid.UUID, pre *store.Precondition) error
	ListRestore(ctx context.Context, userID string, id uuid.UUID) (store.List, error)
	ListMove(ctx context.Context, userID string, id uuid.UUID, afterID *uuid.UUID) (store.List, error)
	MemberList(ctx context.Context, userID string, listID uuid.UUID) ([]store.Member, error)
	MemberSetRole(ctx context.Context, userID string, listID uuid.UUID, memberID string, role store.Role) (store.Member, error)
	MemberRemove(ctx context.Context, userID string, listID uuid.UUID, memberID string) error
	InviteCreate(ctx context.Context, userID, userName string, listID uuid.UUID, role store.Role, ttl time.Duration) (store.Invite, error)
	InviteListPending(ctx context.Context, userID string, listID uuid.UUID) ([]store.Invite, error)
	InviteRevoke(ctx context.Context, userID string, listID, inviteID uuid.UUID) error
	InviteLookup(ctx context.Context, userID, token string) (store.InviteOffer, error)
	InviteAccept(ctx context.Context, userID, userName, token string) (store.List, error)
	Ping(ctx context.Context) error
	CursorKey(ctx context.Context) ([]byte, error)
}

var _ Store = (*store.Store)(nil)

// handlers implements the contract's operations. Each one takes the caller from the
// request context (put there by authentication: see operations), calls the store and maps
// the result to the generated response type. Failures are returned as errors and rendered
// by the one error handler.
type handlers struct {
	store     Store
	now       func() time.Time
	cursorKey *cursorKey
	events    *events.Hub
	heartbeat time.Duration
}

var _ api.StrictServerInterface = (*handlers)(nil)

// caller returns the authenticated user. The validator guarantees one on every /api route;
// its absence is a wiring bug, hence a 500.
func caller(ctx context.Context) (string, error) {
	sub, ok := auth.UserID(ctx)
	if !ok || sub == "" {
		return "", fmt.Errorf("no authenticated user in request context")
	}
	return sub, nil
}
