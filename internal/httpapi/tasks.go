package httpapi

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"
	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

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
	key, hash, err := idempotencyInput(req.Params.IdempotencyKey, f)
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
	t, err := h.store.TaskUpdate(ctx, user, req.Id, store.AllChanges(f), ifMatch(req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	return writtenTask(t), nil
}

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

func (h *handlers) CompleteTask(ctx context.Context, req api.CompleteTaskRequestObject) (api.CompleteTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var t store.Task
	if req.Body == nil || req.Body.Completed == nil {
		t, err = h.store.TaskToggle(ctx, user, req.Id)
	} else {
		t, err = h.store.TaskSetCompleted(ctx, user, req.Id, *req.Body.Completed)
	}
	if err != nil {
		return nil, err
	}
	return writtenTask(t), nil
}

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

func (h *handlers) MoveTask(ctx context.Context, req api.MoveTaskRequestObject) (api.MoveTaskResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(nil)
	}
	var after *uuid.UUID
	if req.Body.AfterId.IsSpecified() && !req.Body.AfterId.IsNull() {
		id := req.Body.AfterId.MustGet()
		after = &id
	}
	t, err := h.store.TaskMove(ctx, user, req.Id, after)
	if err != nil {
		return nil, err
	}
	return oneTask(http.StatusOK, t, etag(t.Version)), nil
}

func (h *handlers) ListTasks(ctx context.Context, req api.ListTasksRequestObject) (api.ListTasksResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := req.Params
	lp := store.ListParams{Sort: store.SortCreated, Limit: 50, Priority: (*string)(p.Priority), DueBefore: dateOrNil(p.DueBefore), DueAfter: dateOrNil(p.DueAfter)}
	if p.Sort != nil {
		lp.Sort = string(*p.Sort)
	}
	switch {
	case p.Order != nil:
		lp.Desc = *p.Order == api.ListTasksParamsOrderDesc
	default:
		lp.Desc = lp.Sort == store.SortCreated || lp.Sort == store.SortUpdated || lp.Sort == store.SortPriority
	}
	if p.Status != nil && *p.Status != api.ListTasksParamsStatusAll {
		done := *p.Status == api.ListTasksParamsStatusCompleted
		lp.Completed = &done
	}
	if p.Q != nil {
		q := *p.Q
		var fe fieldErrors
		if checkText("query.q", q, &fe); len(fe) > 0 {
			return nil, badQuery("query.q", fe[0].Message)
		}
		lp.Q = &q
	}
	if p.Tag != nil {
		var fe fieldErrors
		lp.Tags = normTags(p.Tag, &fe)
		if len(fe) > 0 {
			return nil, badQuery("query.tag", "each tag must be 1 to 32 characters after trimming")
		}
	}
	if p.Limit != nil {
		lp.Limit = *p.Limit
	}
	var overdueMinute string
	if p.Overdue != nil {
		loc, err := callerZone(p.Tz)
		if err != nil {
			return nil, err
		}
		lp.Overdue, lp.Now = p.Overdue, h.now().In(loc)
		overdueMinute = lp.Now.Format("2006-01-02T15:04")
	}
	canon := canonicalQuery(p, lp)
	key, err := h.cursorKey.get(ctx)
	if err != nil {
		return nil, err
	}
	scope := cursorScope{key: key, userID: user, query: canon.Encode()}
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
	} else if clock, err = h.store.UserClock(ctx, user); err != nil {
		return nil, err
	}
	tagQuery := maps.Clone(canon)
	tagQuery.Set("limit", strconv.Itoa(lp.Limit))
	if p.Cursor != nil {
		tagQuery.Set("cursor", *p.Cursor)
	}
	// With overdue, the answer also moves with the caller's clock, minute by minute.
	tag := collectionETag("tasks", user, clock, tagQuery, overdueMinute)
	if p.IfNoneMatch != nil {
		if noneMatch(p.IfNoneMatch, tag) {
			return api.ListTasks304Response{Headers: api.CollectionNotModifiedResponseHeaders{ETag: tag}}, nil
		}
		if tasks, next, err = h.store.TaskList(ctx, user, lp); err != nil {
			return nil, listError(err, lp)
		}
	}
	resp := taskJSON{status: http.StatusOK, tasks: tasks, etag: tag}
	if next != nil {
		q := canon
		q.Set("limit", strconv.Itoa(lp.Limit))
		q.Set("cursor", encodeCursor(*next, from, scope))
		link := fmt.Sprintf(`</api/tasks?%s>; rel="next"`, q.Encode())
		resp.link = &link
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

// canonicalQuery is the listing's filters and order in one stable form: the cursor's scope
// and the base of the next-page link.
func canonicalQuery(p api.ListTasksParams, lp store.ListParams) url.Values {
	q := url.Values{}
	if lp.Completed != nil {
		q.Set("status", string(*p.Status))
	}
	q.Set("sort", lp.Sort)
	if lp.Desc {
		q.Set("order", "desc")
	} else {
		q.Set("order", "asc")
	}
	if lp.Q != nil {
		q.Set("q", *lp.Q)
	}
	if lp.Priority != nil {
		q.Set("priority", *lp.Priority)
	}
	for _, t := range lp.Tags {
		q.Add("tag", t)
	}
	if p.DueBefore != nil {
		q.Set("due_before", p.DueBefore.String())
	}
	if p.DueAfter != nil {
		q.Set("due_after", p.DueAfter.String())
	}
	if lp.Overdue != nil {
		q.Set("overdue", strconv.FormatBool(*lp.Overdue))
		q.Set("tz", lp.Now.Location().String())
	}
	return q
}
