package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

func (h *handlers) MoveTask(ctx context.Context, req api.MoveTaskRequestObject) (api.MoveTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired()
	}
	var after *uuid.UUID
	if req.Body.AfterId.IsSpecified() && !req.Body.AfterId.IsNull() {
		id := req.Body.AfterId.MustGet()
		after = &id
	}
	t, err := h.store.TaskMove(ctx, user, req.Id, after)
	if errors.Is(err, store.ErrNoSuchAfter) {
		// Unknown, deleted, someone else's or the task itself: one answer.
		return nil, validationProblem([]api.FieldError{{Field: "/after_id", Message: "must be another of your tasks (not deleted), or null for the top"}})
	}
	if err != nil {
		return nil, err
	}
	return oneTask(http.StatusOK, t, etag(t.Version)), nil
}
