package httpapi

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// Limits the contract states; the validator checks raw lengths, these are checked after
// normalising.
const (
	maxTitle       = 200
	maxDescription = 2000
	maxTags        = 10
	maxTag         = 32
)

// normTitle trims the title and checks its length in characters.
func normTitle(s string, fe *fieldErrors) string {
	t := trimText(s)
	switch n := utf8.RuneCountInString(t); {
	case n < 1 || n > maxTitle:
		fe.add("/title", "must be 1 to %d characters after trimming", maxTitle)
	case !visible(t):
		fe.add("/title", msgInvisible)
	}
	checkText("/title", t, fe)
	return t
}

// normDescription checks an optional description.
func normDescription(d nullable.Nullable[string], fe *fieldErrors) *string {
	if !d.IsSpecified() || d.IsNull() {
		return nil
	}
	v := d.MustGet()
	if utf8.RuneCountInString(v) > maxDescription {
		fe.add("/description", "must be at most %d characters", maxDescription)
	}
	checkText("/description", v, fe)
	return &v
}

// normTags trims, lower-cases and de-duplicates tags, keeping first-seen order.
func normTags(in *[]string, fe *fieldErrors) []string {
	if in == nil {
		return []string{}
	}
	tags := make([]string, 0, len(*in))
	for i, raw := range *in {
		t := strings.ToLower(trimText(raw))
		field := fmt.Sprintf("/tags/%d", i)
		if n := utf8.RuneCountInString(t); n < 1 || n > maxTag {
			fe.add(field, "must be 1 to %d characters after trimming", maxTag)
			continue
		}
		if !visible(t) {
			fe.add(field, msgInvisible)
			continue
		}
		checkText(field, t, fe)
		tags = append(tags, t)
	}
	out := dedupe(tags, nil)
	if len(out) > maxTags {
		fe.add("/tags", "at most %d tags", maxTags)
	}
	return out
}

func normDate(d nullable.Nullable[openapi_types.Date]) *time.Time {
	if !d.IsSpecified() || d.IsNull() {
		return nil
	}
	t := d.MustGet().Time
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &t
}

// normDueTime is an optional "HH:MM" (the validator has checked the pattern).
func normDueTime(d nullable.Nullable[api.DueTime]) *string {
	if !d.IsSpecified() || d.IsNull() {
		return nil
	}
	v := d.MustGet()
	return &v
}

// taskFields validates a whole task (POST, PUT), applying the defaults of the contract.
func taskFields(in api.TaskInput) (store.TaskFields, error) {
	var fe fieldErrors
	f := store.TaskFields{
		Title:       normTitle(in.Title, &fe),
		Description: normDescription(in.Description, &fe),
		Priority:    string(api.PriorityMedium),
		DueDate:     normDate(in.DueDate),
		DueTime:     normDueTime(in.DueTime),
		Tags:        normTags(in.Tags, &fe),
	}
	if f.DueTime != nil && f.DueDate == nil {
		fe.add("/due_time", "needs a due_date")
	}
	if in.Repeat != nil && *in.Repeat != api.RepeatNone { // none stays "" (see store.TaskFields)
		f.Repeat = string(*in.Repeat)
	}
	if f.Repeat != "" && f.DueDate == nil {
		fe.add("/repeat", "needs a due_date: a schedule runs from it")
	}
	if in.Completed != nil {
		f.Completed = *in.Completed
	}
	if in.Priority != nil {
		f.Priority = string(*in.Priority)
	}
	return f, fe.err()
}

// taskChanges validates a merge patch: only the fields present change.
func taskChanges(p api.TaskPatch) (store.TaskChanges, error) {
	var fe fieldErrors
	var c store.TaskChanges
	if p.Title != nil {
		c.SetTitle, c.Fields.Title = true, normTitle(*p.Title, &fe)
	}
	if p.Description.IsSpecified() {
		c.SetDescription, c.Fields.Description = true, normDescription(p.Description, &fe)
	}
	if p.Completed != nil {
		c.SetCompleted, c.Fields.Completed = true, *p.Completed
	}
	if p.Priority != nil {
		c.SetPriority, c.Fields.Priority = true, string(*p.Priority)
	}
	if p.DueDate.IsSpecified() {
		c.SetDueDate, c.Fields.DueDate = true, normDate(p.DueDate)
	}
	if p.DueTime.IsSpecified() {
		c.SetDueTime, c.Fields.DueTime = true, normDueTime(p.DueTime)
		// A time with the date cleared in the same patch; a time on a task without a date
		// is found by the database (store.ErrDueTimeWithoutDate).
		if c.Fields.DueTime != nil && c.SetDueDate && c.Fields.DueDate == nil {
			fe.add("/due_time", "needs a due_date")
		}
	}
	if p.Tags != nil {
		c.SetTags, c.Fields.Tags = true, normTags(p.Tags, &fe)
	}
	if p.Repeat != nil {
		c.SetRepeat, c.Fields.Repeat = true, string(*p.Repeat)
		// A repeat with the date cleared in the same patch; a repeat on a task without a date
		// is found by the database (store.ErrRepeatWithoutDate).
		if *p.Repeat != api.RepeatNone && c.SetDueDate && c.Fields.DueDate == nil {
			fe.add("/repeat", "needs a due_date: a schedule runs from it")
		}
	}
	return c, fe.err()
}

func dateOrNil(d *openapi_types.Date) *time.Time {
	if d == nil {
		return nil
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return &t
}
