package httpapi

import (
	"context"

	"github.com/todo-api/todo-api/gen/api"
)

// The list operations: each takes the caller, checks its input (lists_input.go), calls the
// store and renders what it returns (lists_render.go); failures go to the error handler.

// ListLists is GET /api/lists: the caller's lists, the inbox first (created on this first
// need), with a weak ETag; 304 while the answer is unchanged.
func (h *handlers) ListLists(ctx context.Context, req api.ListListsRequestObject) (api.ListListsResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	lists, err := h.store.ListAll(ctx, user)
	if err != nil {
		return nil, err
	}
	body, tag, err := listsToAPI(lists)
	if err != nil {
		return nil, err
	}
	if req.Params.IfNoneMatch != nil && noneMatch((*string)(req.Params.IfNoneMatch), tag) {
		return api.ListLists304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: tag}}, nil
	}
	return api.ListLists200JSONResponse{Body: body, Headers: api.ListLists200ResponseHeaders{ETag: tag}}, nil
}

// CreateList is POST /api/lists: 201 with the list and its Location; with an
// Idempotency-Key a retry replays the first answer.
func (h *handlers) CreateList(ctx context.Context, req api.CreateListRequestObject) (api.CreateListResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	f, err := listFields(*req.Body)
	if err != nil {
		return nil, err
	}
	key, hash, err := idempotencyInput(req.Params.IdempotencyKey, listCreateRequestOf(f))
	if err != nil {
		return nil, err
	}
	l, _, err := h.store.ListCreate(ctx, user, f, key, hash)
	if err != nil {
		return nil, err
	}
	return api.CreateList201JSONResponse{Body: listToAPI(l), Headers: api.CreateList201ResponseHeaders{
		ETag: etag(l.Version), Location: "/api/lists/" + l.ID.String(),
	}}, nil
}

// GetList is GET /api/lists/{id}: the list and its ETag, or 304 for If-None-Match.
func (h *handlers) GetList(ctx context.Context, req api.GetListRequestObject) (api.GetListResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	l, err := h.store.ListGet(ctx, user, req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(l.Version)
	if noneMatch(req.Params.IfNoneMatch, tag) {
		return api.GetList304Response{Headers: api.GetList304ResponseHeaders{ETag: tag}}, nil
	}
	return api.GetList200JSONResponse{Body: listToAPI(l), Headers: api.GetList200ResponseHeaders{ETag: tag}}, nil
}

// UpdateList is PATCH /api/lists/{id}: a JSON merge patch of name and colour, under
// If-Match when sent; the inbox keeps its name (409).
func (h *handlers) UpdateList(ctx context.Context, req api.UpdateListRequestObject) (api.UpdateListResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	patch := req.ApplicationMergePatchPlusJSONBody
	if patch == nil {
		patch = req.JSONBody
	}
	if patch == nil {
		return nil, bodyRequired(nil)
	}
	c, err := listChanges(*patch)
	if err != nil {
		return nil, err
	}
	l, err := h.store.ListUpdate(ctx, user, req.Id, c, ifMatch(req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	return api.UpdateList200JSONResponse{Body: listToAPI(l), Headers: api.UpdateList200ResponseHeaders{ETag: etag(l.Version)}}, nil
}

// DeleteList is DELETE /api/lists/{id}: the list and its live tasks become tombstones,
// under If-Match when sent; the inbox stays (409).
func (h *handlers) DeleteList(ctx context.Context, req api.DeleteListRequestObject) (api.DeleteListResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.store.ListDelete(ctx, user, req.Id, ifMatch(req.Params.IfMatch)); err != nil {
		return nil, err
	}
	return api.DeleteList204Response{}, nil
}

// RestoreList is POST /api/lists/{id}/restore: the list and the tasks deleted with it come
// back; a live list is answered unchanged.
func (h *handlers) RestoreList(ctx context.Context, req api.RestoreListRequestObject) (api.RestoreListResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	l, err := h.store.ListRestore(ctx, user, req.Id)
	if err != nil {
		return nil, err
	}
	return api.RestoreList200JSONResponse{Body: listToAPI(l), Headers: api.RestoreList200ResponseHeaders{ETag: etag(l.Version)}}, nil
}

// MoveList is POST /api/lists/{id}/move: the list goes right after after_id in the caller's
// order, or first after the inbox.
func (h *handlers) MoveList(ctx context.Context, req api.MoveListRequestObject) (api.MoveListResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	l, err := h.store.ListMove(ctx, user, req.Id, listMoveTarget(*req.Body))
	if err != nil {
		return nil, err
	}
	return api.MoveList200JSONResponse{Body: listToAPI(l), Headers: api.MoveList200ResponseHeaders{ETag: etag(l.Version)}}, nil
}
