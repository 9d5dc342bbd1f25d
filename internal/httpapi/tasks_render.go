package httpapi

import (
	"fmt"

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
		Priority:  api.Priority(t.Priority),
		Tags:      t.Tags,
		CreatedAt: t.CreatedAt.UTC(),
		UpdatedAt: t.UpdatedAt.UTC(),
		Position:  &t.Position, // read-only, hence a pointer in the generated type; always set
		Repeat:    api.Repeat(t.Repeat),
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
