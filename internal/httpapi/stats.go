package httpapi

import (
	"context"
	"net/url"

	"github.com/todo-api/todo-api/gen/api"
)

// GetTaskStats is GET /api/tasks/stats: the caller's counts (of one list with list_id), overdue on the wall clock of
// tz; 304 while neither the caller's clock nor the minute there has moved.
func (h *handlers) GetTaskStats(ctx context.Context, req api.GetTaskStatsRequestObject) (api.GetTaskStatsResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := callerZone(req.Params.Tz)
	if err != nil {
		return nil, err
	}
	now := h.now().In(loc)
	clock, err := h.store.MemberClock(ctx, user, req.Params.ListId)
	if err != nil {
		return nil, err
	}
	// overdue moves with the caller's wall clock: due times are minutes. One list's counts
	// are another answer than every list's: the list is part of the tag.
	var query url.Values
	if req.Params.ListId != nil {
		query = url.Values{"list_id": {req.Params.ListId.String()}}
	}
	tag := collectionETag("stats", user, clock, query, loc.String(), now.Format("2006-01-02T15:04"))
	if noneMatch(req.Params.IfNoneMatch, tag) {
		return api.GetTaskStats304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: tag}}, nil
	}
	st, err := h.store.TaskStats(ctx, user, now, req.Params.ListId)
	if err != nil {
		return nil, err
	}
	return api.GetTaskStats200JSONResponse{
		Body:    api.TaskStats{Total: st.Total, Completed: st.Completed, Pending: st.Pending, Overdue: st.Overdue},
		Headers: api.GetTaskStats200ResponseHeaders{ETag: tag},
	}, nil
}
