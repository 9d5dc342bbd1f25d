package httpapi

import (
	"context"
	"fmt"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// BulkTasks is POST /api/tasks/bulk: one action on up to 100 tasks in one transaction, a
// result per id; with an Idempotency-Key a retry replays the first results.
func (h *handlers) BulkTasks(ctx context.Context, req api.BulkTasksRequestObject) (api.BulkTasksResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	b, err := bulkInput(*req.Body)
	if err != nil {
		return nil, err
	}
	key, hash, err := idempotencyInput(req.Params.IdempotencyKey, bulkRequestOf(b))
	if err != nil {
		return nil, err
	}
	results, _, err := h.store.TaskBulk(ctx, user, b, key, hash)
	if err != nil {
		return nil, err
	}
	out := api.BulkTasks200JSONResponse{Results: make([]api.TaskBulkResult, len(results))}
	for i, r := range results {
		out.Results[i] = api.TaskBulkResult{Id: r.ID, Status: apiBulkStatus(r.Status)}
		if r.Detail != "" {
			out.Results[i].Detail = &r.Detail
		}
	}
	return out, nil
}

// bulkInput validates a bulk request: ids distinct as UUIDs (the contract's uniqueItems
// compares their text), tags normalised, present exactly for the tag actions.
func bulkInput(in api.TaskBulk) (store.Bulk, error) {
	var fe fieldErrors
	b := store.Bulk{Action: storeBulkAction(in.Action), IDs: dedupe(in.Ids, func(i, first int) {
		fe.add(fmt.Sprintf("/ids/%d", i), "repeats /ids/%d", first)
	})}
	tagAction := in.Action == api.TaskBulkActionAddTags || in.Action == api.TaskBulkActionRemoveTags
	switch {
	case tagAction && in.Tags == nil:
		fe.add("/tags", "required with %s", in.Action)
	case !tagAction && in.Tags != nil:
		fe.add("/tags", "only add_tags and remove_tags take tags")
	case tagAction:
		b.Tags = normTags(in.Tags, &fe)
	}
	return b, fe.err()
}

// storeBulkAction is the store's bulk action for the contract's.
func storeBulkAction(a api.TaskBulkAction) store.BulkAction { return store.BulkAction(a) }

// apiBulkStatus is the contract's outcome of one id for the store's.
func apiBulkStatus(s store.BulkStatus) api.TaskBulkResultStatus { return api.TaskBulkResultStatus(s) }
