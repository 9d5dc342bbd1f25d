package httpapi

import (
	"context"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// ListListChanges is GET /api/lists/{id}/changes: the change feed of one list for any of its
// members — its tasks whoever wrote them, and the tasks that left it as tombstones — with
// exactly the semantics of GET /api/tasks/changes; 304 while the list owner's clock has not
// moved. A list the caller is no member of is 404, as a missing one: the membership is read
// before the ETag is compared, so a member removed a moment ago never gets a 304.
func (h *handlers) ListListChanges(ctx context.Context, req api.ListListChangesRequestObject) (api.ListListChangesResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f := feed{
		path:  "/api/lists/" + req.Id.String() + "/changes",
		scope: "list-changes\x00" + req.Id.String(),
		clock: func() (store.Clock, error) { return h.store.ListClock(ctx, user, req.Id) },
		read: func(cp store.ChangesParams) ([]store.Task, *store.Position, error) {
			return h.store.ListFeed(ctx, user, req.Id, cp)
		},
	}
	page, err := h.feedPage(ctx, user, f, api.ListTaskChangesParams(req.Params))
	if err != nil {
		return nil, err
	}
	if page.body == nil {
		return api.ListListChanges304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: page.tag}}, nil
	}
	return api.ListListChanges200JSONResponse{Body: page.body, Headers: api.ListListChanges200ResponseHeaders{ETag: page.tag, Link: page.link}}, nil
}
