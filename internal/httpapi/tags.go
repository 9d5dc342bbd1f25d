package httpapi

import (
	"context"
	"net/url"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// tagsScope is the listing a tags cursor belongs to (task listings' scopes are their
// queries, which always have a sort).
const tagsScope = "/api/tags"

// ListTags is GET /api/tags: the caller's tags with their counts, by name, in pages.
func (h *handlers) ListTags(ctx context.Context, req api.ListTagsRequestObject) (api.ListTagsResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := store.TagListParams{Limit: store.MaxTagPage, ListID: req.Params.ListId}
	if req.Params.Limit != nil {
		p.Limit = *req.Params.Limit
	}
	var canon url.Values // the listing's filter, one list's tags: part of the cursor's scope
	scopeKey := tagsScope
	if p.ListID != nil {
		canon = url.Values{"list_id": {p.ListID.String()}}
		scopeKey += "?" + canon.Encode()
	}
	scope, err := h.cursorKey.scope(ctx, user, scopeKey)
	if err != nil {
		return nil, err
	}
	if req.Params.Cursor != nil {
		// Tag names (at most 32 characters) always fit in a cursor whole: no key to look up.
		from, err := decodeCursor(ctx, *req.Params.Cursor, scope, nil)
		if err != nil {
			return nil, badCursor("listing")
		}
		p.After = from.after
	}
	tags, next, err := h.store.TagList(ctx, user, p)
	if err != nil {
		return nil, err
	}
	resp := api.ListTags200JSONResponse{Body: make([]api.TagCount, len(tags))}
	for i, t := range tags {
		resp.Body[i] = api.TagCount{Name: t.Name, Count: t.Count}
	}
	if next != nil {
		resp.Headers.Link = nextLink(tagsScope, canon, p.Limit, encodeCursor(*next, seek{}, scope))
	}
	return resp, nil
}
