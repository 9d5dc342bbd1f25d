package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

func (h *handlers) BulkTasks(ctx context.Context, req api.BulkTasksRequestObject) (api.BulkTasksResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired()
	}
	b, err := bulkInput(*req.Body)
	if err != nil {
		return nil, err
	}
	key, hash, err := idempotencyInput(req.Params.IdempotencyKey, b)
	if err != nil {
		return nil, err
	}
	results, _, err := h.store.TaskBulk(ctx, user, b, key, hash)
	if err != nil {
		return nil, err
	}
	out := api.BulkTasks200JSONResponse{Results: make([]api.TaskBulkResult, len(results))}
	for i, r := range results {
		out.Results[i] = api.TaskBulkResult{Id: r.ID, Status: api.TaskBulkResultStatus(r.Status)}
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
	b := store.Bulk{Action: store.BulkAction(in.Action), IDs: make([]uuid.UUID, 0, len(in.Ids))}
	first := map[uuid.UUID]int{}
	for i, id := range in.Ids {
		if j, dup := first[id]; dup {
			fe.add(fmt.Sprintf("/ids/%d", i), "repeats /ids/%d", j)
			continue
		}
		first[id] = i
		b.IDs = append(b.IDs, id)
	}
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

// idempotencyInput checks an Idempotency-Key header and hashes the normalised request it
// guards: requests that differ only in spacing, key order or tag case are the same request.
func idempotencyInput(header *string, normalised any) (key string, hash []byte, err error) {
	if header == nil {
		return "", nil, nil
	}
	key = *header
	var fe fieldErrors
	if checkText("header.Idempotency-Key", key, &fe); len(fe) > 0 {
		return "", nil, &problemError{status: http.StatusBadRequest, typ: typeBadRequest, title: "Bad request", detail: "A header is invalid.", fields: fe}
	}
	b, err := json.Marshal(normalised)
	if err != nil {
		return "", nil, fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(b)
	return key, sum[:], nil
}
