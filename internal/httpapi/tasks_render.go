package httpapi

// A task goes out in the contract's shape (toAPI, toChange), as the body of a taskResponse.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// toChange renders a task of the feed: the task, or its tombstone when it is deleted.
func toChange(t store.Task, out *api.TaskChange) error {
	if t.DeletedAt != nil {
		return out.FromTaskTombstone(api.TaskTombstone{Id: t.ID, DeletedAt: t.DeletedAt.UTC()})
	}
	return out.FromTask(toAPI(t))
}

// nextOccurrenceLink is the Link header naming t's next occurrence, or nil.
func nextOccurrenceLink(t store.Task) *string {
	if t.NextID == nil {
		return nil
	}
	link := fmt.Sprintf(`</api/tasks/%s>; rel="next-occurrence"`, t.NextID)
	return &link
}

// toAPI renders a stored task in the contract's shape; nullable fields are always written.
func toAPI(t store.Task) api.Task {
	out := api.Task{
		Id:        t.ID,
		Title:     t.Title,
		Completed: t.Completed,
		Priority:  apiPriority(t.Priority),
		Tags:      t.Tags,
		CreatedAt: t.CreatedAt.UTC(),
		UpdatedAt: t.UpdatedAt.UTC(),
		Position:  &t.Position, // read-only, hence a pointer in the generated type; always set
		Repeat:    apiRepeat(t.Repeat),
		ListId:    t.ListID,
		Subtasks:  api.SubtaskCounts{Total: t.SubtasksTotal, Completed: t.SubtasksCompleted},
	}
	if t.ParentID != nil {
		out.ParentId.Set(*t.ParentID)
	} else {
		out.ParentId.SetNull()
	}
	if t.Tags == nil {
		out.Tags = []string{}
	}
	if t.Description != nil {
		out.Description.Set(*t.Description)
	} else {
		out.Description.SetNull()
	}
	if t.DueDate != nil {
		out.DueDate.Set(openapi_types.Date{Time: *t.DueDate})
	} else {
		out.DueDate.SetNull()
	}
	if t.DueTime != nil {
		out.DueTime.Set(*t.DueTime)
	} else {
		out.DueTime.SetNull()
	}
	if t.CompletedAt != nil {
		out.CompletedAt.Set(t.CompletedAt.UTC())
	} else {
		out.CompletedAt.SetNull()
	}
	return out
}

// apiPriority is the contract's priority for the store's.
func apiPriority(p store.Priority) api.Priority { return api.Priority(p) }

// apiRepeat is the contract's repeat rule for the store's.
func apiRepeat(r store.Repeat) api.Repeat { return api.Repeat(r) }

// taskResponse is a success response whose body is one task (one) or a page of them, with the
// headers the generated response types set. It implements the generated response
// interfaces of every operation that answers with tasks.
type taskResponse struct {
	status   int
	tasks    []store.Task
	one      bool // the body is tasks[0], not an array
	etag     string
	location string  // Location, when set
	link     *string // Link, when set
}

// writtenTask is the 200 of a write to one task (PUT, PATCH, /complete): the task, its ETag
// and, when it has a live next occurrence, the Link to it.
func writtenTask(t store.Task) taskResponse {
	r := oneTask(http.StatusOK, t, etag(t.Version))
	r.link = nextOccurrenceLink(t)
	return r
}

// oneTask is a response of status whose body is t, with etag as its ETag.
func oneTask(status int, t store.Task, etag string) taskResponse {
	return taskResponse{status: status, tasks: []store.Task{t}, one: true, etag: etag}
}

// The Visit methods implement the generated response interfaces: each writes r.

func (r taskResponse) VisitListTasksResponse(w http.ResponseWriter) error    { return r.write(w) }
func (r taskResponse) VisitGetTaskResponse(w http.ResponseWriter) error      { return r.write(w) }
func (r taskResponse) VisitCreateTaskResponse(w http.ResponseWriter) error   { return r.write(w) }
func (r taskResponse) VisitReplaceTaskResponse(w http.ResponseWriter) error  { return r.write(w) }
func (r taskResponse) VisitUpdateTaskResponse(w http.ResponseWriter) error   { return r.write(w) }
func (r taskResponse) VisitCompleteTaskResponse(w http.ResponseWriter) error { return r.write(w) }
func (r taskResponse) VisitMoveTaskResponse(w http.ResponseWriter) error     { return r.write(w) }
func (r taskResponse) VisitRestoreTaskResponse(w http.ResponseWriter) error  { return r.write(w) }

// bodyBuffers holds *[]byte buffers for response bodies, 32 KiB to start with (a page of 50
// tasks fits) and kept up to 1 MiB.
var bodyBuffers sync.Pool

// write encodes the body first, as the generated code does (an encoding error leaves the
// response untouched for the error handler), then sets the headers and writes it.
func (r taskResponse) write(w http.ResponseWriter) error {
	bp, _ := bodyBuffers.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 32<<10)
		bp = &b
	}
	defer func() {
		if cap(*bp) <= 1<<20 {
			bodyBuffers.Put(bp)
		}
	}()
	b, err := r.appendBody((*bp)[:0])
	if err != nil {
		return err
	}
	*bp = b
	h := w.Header()
	h.Set("Content-Type", "application/json")
	// With its length known, net/http sends a page (tens of KiB, more than it buffers) as it
	// is, without chunk framing and the closing chunk's extra write. make bench showed no
	// CPU difference beyond noise; it is kept because it is the plainer framing.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("ETag", r.etag)
	if r.location != "" {
		h.Set("Location", r.location)
	}
	if r.link != nil {
		h.Set("Link", *r.link)
	}
	w.WriteHeader(r.status)
	_, err = w.Write(b)
	return err
}

// appendBody appends what json.Encoder.Encode writes for the generated body: the value and
// a newline. appendTaskJSON or appendTaskPageJSON writes it when it can; encoding/json
// otherwise.
func (r taskResponse) appendBody(b []byte) ([]byte, error) {
	fast, ok := appendTaskPageJSON(b, r.tasks)
	if r.one {
		fast, ok = appendTaskJSON(b, &r.tasks[0])
	}
	if ok {
		return fast, nil
	}
	var v any
	if r.one {
		v = toAPI(r.tasks[0])
	} else {
		page := make([]api.Task, len(r.tasks))
		for i, t := range r.tasks {
			page[i] = toAPI(t)
		}
		v = page
	}
	buf := bytes.NewBuffer(b)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
