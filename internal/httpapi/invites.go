package httpapi

import (
	"context"
	"time"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/store"
)

// The invite operations (the contract's Sharing section). The owner makes, lists and revokes
// a list's invites; whoever holds a token looks it up and accepts it. A token that leads to
// no pending invite is 404 whatever it looks like (the contract's path parameter takes any
// string, so that a malformed guess tells nothing either).

// defaultInviteHours is how long an invite lasts when the request does not say.
const defaultInviteHours = 168

// CreateInvite is POST /api/lists/{id}/invites: 201 with the invite, its Location and its token, shown
// this once.
func (h *handlers) CreateInvite(ctx context.Context, req api.CreateInviteRequestObject) (api.CreateInviteResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	hours := defaultInviteHours
	if req.Body.ExpiresInHours != nil {
		hours = *req.Body.ExpiresInHours // 1..720: the validator checked it
	}
	inv, err := h.store.InviteCreate(ctx, user, auth.DisplayName(ctx), req.Id, store.Role(req.Body.Role), time.Duration(hours)*time.Hour)
	if err != nil {
		return nil, err
	}
	return api.CreateInvite201JSONResponse{
		Body:    api.Invite{Id: inv.ID, Token: inv.Token, Role: api.InviteRole(inv.Role), ExpiresAt: inv.ExpiresAt.UTC()},
		Headers: api.CreateInvite201ResponseHeaders{Location: "/api/lists/" + req.Id.String() + "/invites/" + inv.ID.String()},
	}, nil
}

// ListInvites is GET /api/lists/{id}/invites: the pending invites, oldest first, without
// their tokens.
func (h *handlers) ListInvites(ctx context.Context, req api.ListInvitesRequestObject) (api.ListInvitesResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	invites, err := h.store.InviteListPending(ctx, user, req.Id)
	if err != nil {
		return nil, err
	}
	out := make(api.ListInvites200JSONResponse, len(invites))
	for i, inv := range invites {
		out[i] = api.PendingInvite{Id: inv.ID, Role: api.PendingInviteRole(inv.Role), ExpiresAt: inv.ExpiresAt.UTC()}
	}
	return out, nil
}

// RevokeInvite is DELETE /api/lists/{id}/invites/{invite_id}: 204.
func (h *handlers) RevokeInvite(ctx context.Context, req api.RevokeInviteRequestObject) (api.RevokeInviteResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.store.InviteRevoke(ctx, user, req.Id, req.InviteId); err != nil {
		return nil, err
	}
	return api.RevokeInvite204Response{}, nil
}

// GetInvite is GET /api/invites/{token}: what a pending invite offers.
func (h *handlers) GetInvite(ctx context.Context, req api.GetInviteRequestObject) (api.GetInviteResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	offer, err := h.store.InviteLookup(ctx, user, req.Token)
	if err != nil {
		return nil, err
	}
	out := api.GetInvite200JSONResponse{ListName: offer.ListName, Role: api.InviteOfferRole(offer.Role), ExpiresAt: offer.ExpiresAt.UTC()}
	out.InvitedBy.UserId = offer.InvitedBy
	setName(&out.InvitedBy.Name, offer.InvitedByName)
	return out, nil
}

// AcceptInvite is POST /api/invites/{token}/accept: the caller becomes a member (or already
// is one) and gets the list.
func (h *handlers) AcceptInvite(ctx context.Context, req api.AcceptInviteRequestObject) (api.AcceptInviteResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	l, err := h.store.InviteAccept(ctx, user, auth.DisplayName(ctx), req.Token)
	if err != nil {
		return nil, err
	}
	return api.AcceptInvite200JSONResponse{Body: listToAPI(l), Headers: api.AcceptInvite200ResponseHeaders{ETag: etag(l.Version)}}, nil
}
