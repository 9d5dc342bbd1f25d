package httpapi

import (
	"context"

	"github.com/oapi-codegen/nullable"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// The member operations (the contract's Sharing section): any member lists the members; the
// owner changes roles and removes members; a member removes themself (leaves).

// ListMembers is GET /api/lists/{id}/members: the owner first, then in the order they joined.
func (h *handlers) ListMembers(ctx context.Context, req api.ListMembersRequestObject) (api.ListMembersResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	members, err := h.store.MemberList(ctx, user, req.Id)
	if err != nil {
		return nil, err
	}
	out := make(api.ListMembers200JSONResponse, len(members))
	for i, m := range members {
		out[i] = memberToAPI(m)
	}
	return out, nil
}

// UpdateMember is PATCH /api/lists/{id}/members/{user_id}: the member with the new role.
func (h *handlers) UpdateMember(ctx context.Context, req api.UpdateMemberRequestObject) (api.UpdateMemberResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	m, err := h.store.MemberSetRole(ctx, user, req.Id, req.UserId, store.Role(req.Body.Role))
	if err != nil {
		return nil, err
	}
	return api.UpdateMember200JSONResponse(memberToAPI(m)), nil
}

// RemoveMember is DELETE /api/lists/{id}/members/{user_id}: 204.
func (h *handlers) RemoveMember(ctx context.Context, req api.RemoveMemberRequestObject) (api.RemoveMemberResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.store.MemberRemove(ctx, user, req.Id, req.UserId); err != nil {
		return nil, err
	}
	return api.RemoveMember204Response{}, nil
}

// memberToAPI renders a member; name is null when the member's token had none.
func memberToAPI(m store.Member) api.Member {
	out := api.Member{UserId: m.UserID, Role: api.MemberRole(m.Role), JoinedAt: m.JoinedAt.UTC()}
	setName(&out.Name, m.Name)
	return out
}

// setName writes a display name, null for "" (none).
func setName(dst *nullable.Nullable[string], name string) {
	if name == "" {
		dst.SetNull()
		return
	}
	dst.Set(name)
}
