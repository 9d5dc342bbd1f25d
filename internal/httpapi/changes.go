package httpapi

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// The change feed: how a client keeps a local copy of its tasks current.

// ListTaskChanges is GET /api/tasks/changes: what changed after updated_after, tombstones
// included, in pages; 304 while the caller's clock has not moved.
func (h *handlers) ListTaskChanges(ctx context.Context, req api.ListTaskChangesRequestObject) (api.ListTaskChangesResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := req.Params
	cp := store.ChangesParams{Limit: 50}
	if p.Limit != nil {
		cp.Limit = *p.Limit
	}
	canon := url.Values{}
	if p.UpdatedAfter != nil {
		after := p.UpdatedAfter.UTC()
		cp.UpdatedAfter = &after
		canon.Set("updated_after", after.Format(time.RFC3339Nano))
	}
	// The prefix keeps listing cursors and feed cursors apart.
	scope, err := h.cursorKey.scope(ctx, user, "changes\x00"+canon.Encode())
	if err != nil {
		return nil, err
	}
	var from seek
	if p.Cursor != nil {
		// A change's key is a timestamp, which always fits in a cursor: none names its task.
		if from, err = decodeCursor(ctx, *p.Cursor, scope, nil); err != nil {
			return nil, badCursor("feed")
		}
		cp.After = from.after
	}
	clock, err := h.store.UserClock(ctx, user)
	if err != nil {
		return nil, err
	}
	tag := collectionETag("changes", user, clock, pageQuery(canon, cp.Limit, p.Cursor))
	if noneMatch(p.IfNoneMatch, tag) {
		return api.ListTaskChanges304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: tag}}, nil
	}
	changes, next, err := h.store.TaskChanges(ctx, user, cp)
	if err != nil {
		if cp.After != nil && errors.Is(err, store.ErrInvalid) {
			return nil, badCursor("feed")
		}
		return nil, err
	}
	resp := api.ListTaskChanges200JSONResponse{Body: make([]api.TaskChange, len(changes)), Headers: api.ListTaskChanges200ResponseHeaders{ETag: tag}}
	for i, t := range changes {
		if err := toChange(t, &resp.Body[i]); err != nil {
			return nil, err
		}
	}
	if next != nil {
		resp.Headers.Link = nextLink("/api/tasks/changes", canon, cp.Limit, encodeCursor(*next, from, scope))
	}
	return resp, nil
}
