package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// The task operations. Each takes the caller, checks its input (tasks_input.go), calls the
// store and renders what it returns (tasks_render.go); failures go to the error handler.

// CreateTask is POST /api/tasks: 201 with the task and its Location; with an
// Idempotency-Key a retry replays the first answer.
func (h *handlers) CreateTask(ctx context.Context, req api.CreateTaskRequestObject) (api.CreateTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	f, err := taskFields(*req.Body)
	if err != nil {
		return nil, err
	}
	key, hash, err := idempotencyInput(req.Params.IdempotencyKey, createRequestOf(f))
	if err != nil {
		return nil, err
	}
	t, _, err := h.store.TaskCreate(ctx, user, f, key, hash)
	if err != nil {
		return nil, err
	}
	resp := oneTask(http.StatusCreated, t, etag(t.Version))
	resp.location = "/api/tasks/" + t.ID.String()
	return resp, nil
}

// GetTask is GET /api/tasks/{id}: the task and its ETag, or 304 for If-None-Match.
func (h *handlers) GetTask(ctx context.Context, req api.GetTaskRequestObject) (api.GetTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := h.store.TaskGet(ctx, user, req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(t.Version)
	if noneMatch(req.Params.IfNoneMatch, tag) {
		return api.GetTask304Response{Headers: api.GetTask304ResponseHeaders{ETag: tag}}, nil
	}
	return oneTask(http.StatusOK, t, tag), nil
}

// ReplaceTask is PUT /api/tasks/{id}: every field replaced, under If-Match when sent.
func (h *handlers) ReplaceTask(ctx context.Context, req api.ReplaceTaskRequestObject) (api.ReplaceTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	f, err := taskFields(*req.Body)
	if err != nil {
		return nil, err
	}
	t, err := h.store.TaskUpdate(ctx, user, req.Id, replaceChanges(*req.Body, f), ifMatch(req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	return writtenTask(t), nil
}

// UpdateTask is PATCH /api/tasks/{id}: a JSON merge patch (application/merge-patch+json
// or application/json), under If-Match when sent.
func (h *handlers) UpdateTask(ctx context.Context, req api.UpdateTaskRequestObject) (api.UpdateTaskResponseObject, error) {
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
	c, err := taskChanges(*patch)
	if err != nil {
		return nil, err
	}
	t, err := h.store.TaskUpdate(ctx, user, req.Id, c, ifMatch(req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	return writtenTask(t), nil
}

// DeleteTask is DELETE /api/tasks/{id}: the task becomes a tombstone, under If-Match when
// sent.
func (h *handlers) DeleteTask(ctx context.Context, req api.DeleteTaskRequestObject) (api.DeleteTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.store.TaskDelete(ctx, user, req.Id, ifMatch(req.Params.IfMatch)); err != nil {
		return nil, err
	}
	return api.DeleteTask204Response{}, nil
}

// CompleteTask is PATCH /api/tasks/{id}/complete: sets completed as the body says, or
// toggles it without one; completing a repeating task creates its next occurrence.
func (h *handlers) CompleteTask(ctx context.Context, req api.CompleteTaskRequestObject) (api.CompleteTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var t store.Task
	switch {
	case req.Body == nil || req.Body.Completed == nil:
		t, err = h.store.TaskToggle(ctx, user, req.Id)
	case *req.Body.Completed:
		t, err = h.store.TaskComplete(ctx, user, req.Id)
	default:
		t, err = h.store.TaskUncomplete(ctx, user, req.Id)
	}
	if err != nil {
		return nil, err
	}
	return writtenTask(t), nil
}

// RestoreTask is POST /api/tasks/{id}/restore: a tombstone becomes the task again.
func (h *handlers) RestoreTask(ctx context.Context, req api.RestoreTaskRequestObject) (api.RestoreTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	t, err := h.store.TaskRestore(ctx, user, req.Id)
	if err != nil {
		return nil, err
	}
	return oneTask(http.StatusOK, t, etag(t.Version)), nil
}

// MoveTask is POST /api/tasks/{id}/move: the task goes right after after_id in the manual
// order, or to the top.
func (h *handlers) MoveTask(ctx context.Context, req api.MoveTaskRequestObject) (api.MoveTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	t, err := h.store.TaskMove(ctx, user, req.Id, moveTarget(*req.Body))
	if err != nil {
		return nil, err
	}
	return oneTask(http.StatusOK, t, etag(t.Version)), nil
}

// ListTasks is GET /api/tasks: a page of the caller's tasks, filtered and sorted as the
// query says, with the next page's Link; 304 while the caller's clock has not moved.
func (h *handlers) ListTasks(ctx context.Context, req api.ListTasksRequestObject) (api.ListTasksResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := req.Params
	lp, err := listParams(p, h.now)
	if err != nil {
		return nil, err
	}
	canon := canonicalQuery(p, lp)
	scope, err := h.cursorKey.scope(ctx, user, canon.Encode())
	if err != nil {
		return nil, err
	}
	var from seek
	if p.Cursor != nil {
		keyOf := func(ctx context.Context, id uuid.UUID) (string, error) { return h.store.TaskListKey(ctx, user, lp, id) }
		if from, err = decodeCursor(ctx, *p.Cursor, scope, keyOf); err != nil {
			return nil, listError(err, lp)
		}
		lp.After = from.after
	}
	// The clock is read before the tasks: a write committing in between makes the tag older
	// than the body (the next request gets a 200), never newer. Without If-None-Match the
	// page is read anyway, so both go in one round trip; with it, a 304 reads nothing else.
	var (
		clock store.Clock
		tasks []store.Task
		next  *store.Position
	)
	if p.IfNoneMatch == nil {
		if clock, tasks, next, err = h.store.TaskListWithClock(ctx, user, lp); err != nil {
			return nil, listError(err, lp)
		}
	} else if clock, err = h.store.MemberClock(ctx, user, lp.ListID); err != nil {
		return nil, err
	}
	var overdueMinute string
	if lp.Overdue != nil {
		// With overdue, the answer also moves with the caller's clock, minute by minute.
		overdueMinute = lp.Now.Format("2006-01-02T15:04")
	}
	tag := collectionETag("tasks", user, clock, pageQuery(canon, lp.Limit, p.Cursor), overdueMinute)
	if p.IfNoneMatch != nil {
		if noneMatch(p.IfNoneMatch, tag) {
			return api.ListTasks304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: tag}}, nil
		}
		if tasks, next, err = h.store.TaskList(ctx, user, lp); err != nil {
			return nil, listError(err, lp)
		}
	}
	resp := taskResponse{status: http.StatusOK, tasks: tasks, etag: tag}
	if next != nil {
		resp.link = nextLink("/api/tasks", canon, lp.Limit, encodeCursor(*next, from, scope))
	}
	return resp, nil
}

// listError is the error of a listing. The cursor's check is not secret; a forged position
// the database cannot read is a bad cursor like any other.
func listError(err error, lp store.ListParams) error {
	if errors.Is(err, errBadCursor) || lp.After != nil && errors.Is(err, store.ErrInvalid) {
		return badCursor("listing")
	}
	return err
}
