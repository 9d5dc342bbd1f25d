package httpapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// A task operation's input: the body or query as the generated types hold it, checked
// against the rules the contract states and normalised into the store's types.

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
		checkText(field, raw, fe) // raw: lower-casing turns invalid UTF-8 into U+FFFD
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
		Priority:    storePriority(api.PriorityMedium),
		DueDate:     normDate(in.DueDate),
		DueTime:     normDueTime(in.DueTime),
		Tags:        normTags(in.Tags, &fe),
	}
	if f.DueTime != nil && f.DueDate == nil {
		fe.add("/due_time", "needs a due_date")
	}
	if in.Repeat != nil && *in.Repeat != api.RepeatNone { // none stays "" (see store.TaskFields)
		f.Repeat = storeRepeat(*in.Repeat)
	}
	if f.Repeat != "" && f.DueDate == nil {
		fe.add("/repeat", "needs a due_date: a schedule runs from it")
	}
	if in.Completed != nil {
		f.Completed = *in.Completed
	}
	if in.Priority != nil {
		f.Priority = storePriority(*in.Priority)
	}
	f.ListID = in.ListId
	f.ParentID = nullableID(in.ParentId)
	return f, fe.err()
}

// replaceChanges are a PUT's changes: every field, but list_id and parent_id only when
// present (a v1.0 client's PUT never moves a task); parent_id null makes it top-level.
func replaceChanges(in api.TaskInput, f store.TaskFields) store.TaskChanges {
	c := store.AllChanges(f)
	c.SetListID = in.ListId != nil
	c.SetParentID = in.ParentId.IsSpecified()
	return c
}

// nullableID is an optional, nullable id: nil when absent or null.
func nullableID(v nullable.Nullable[openapi_types.UUID]) *uuid.UUID {
	if !v.IsSpecified() || v.IsNull() {
		return nil
	}
	id := v.MustGet()
	return &id
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
		c.SetPriority, c.Fields.Priority = true, storePriority(*p.Priority)
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
	if p.ListId != nil {
		c.SetListID, c.Fields.ListID = true, p.ListId
	}
	if p.ParentId.IsSpecified() {
		c.SetParentID, c.Fields.ParentID = true, nullableID(p.ParentId)
	}
	if p.Repeat != nil {
		c.SetRepeat, c.Fields.Repeat = true, storeRepeat(*p.Repeat)
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

// moveTarget is the task a move puts the task after: nil for the top.
func moveTarget(m api.TaskMove) *uuid.UUID {
	if !m.AfterId.IsSpecified() || m.AfterId.IsNull() {
		return nil
	}
	id := m.AfterId.MustGet()
	return &id
}

// listParams validates a listing's query and applies the contract's defaults: 50 a page, by
// creation, newest first (created, updated and priority sort descending by default, the
// other keys ascending). now is the service's clock, read for the overdue filter only.
func listParams(p api.ListTasksParams, now func() time.Time) (store.ListParams, error) {
	lp := store.ListParams{Sort: store.SortCreated, Limit: 50, DueBefore: dateOrNil(p.DueBefore), DueAfter: dateOrNil(p.DueAfter)}
	if p.Sort != nil {
		lp.Sort = storeSort(*p.Sort)
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
	if p.Priority != nil {
		pr := storePriority(*p.Priority)
		lp.Priority = &pr
	}
	if p.Q != nil {
		q := *p.Q
		var fe fieldErrors
		if checkText("query.q", q, &fe); len(fe) > 0 {
			return lp, badQuery("query.q", fe[0].Message)
		}
		lp.Q = &q
	}
	if p.Tag != nil {
		var fe fieldErrors
		lp.Tags = normTags(p.Tag, &fe)
		if len(fe) > 0 {
			return lp, badQuery("query.tag", "each tag must be 1 to 32 characters after trimming")
		}
	}
	if p.Limit != nil {
		lp.Limit = *p.Limit
	}
	lp.ListID, lp.ParentID, lp.TopLevel = p.ListId, p.ParentId, p.TopLevel
	if p.Overdue != nil {
		loc, err := callerZone(p.Tz)
		if err != nil {
			return lp, err
		}
		lp.Overdue, lp.Now = p.Overdue, now().In(loc)
	}
	return lp, nil
}

// canonicalQuery is the listing's filters and order in one stable form: the cursor's scope
// and the base of the next-page link.
func canonicalQuery(p api.ListTasksParams, lp store.ListParams) url.Values {
	q := url.Values{}
	if lp.Completed != nil {
		q.Set("status", string(*p.Status))
	}
	q.Set("sort", string(lp.Sort))
	if lp.Desc {
		q.Set("order", "desc")
	} else {
		q.Set("order", "asc")
	}
	if lp.Q != nil {
		q.Set("q", *lp.Q)
	}
	if lp.Priority != nil {
		q.Set("priority", string(*lp.Priority))
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
	if lp.ListID != nil {
		q.Set("list_id", lp.ListID.String())
	}
	if lp.ParentID != nil {
		q.Set("parent_id", lp.ParentID.String())
	}
	if lp.TopLevel != nil {
		q.Set("top_level", strconv.FormatBool(*lp.TopLevel))
	}
	return q
}

// The store's names for the contract's enumerations, converted here and nowhere else.

// storePriority is the store's priority for the contract's.
func storePriority(p api.Priority) store.Priority { return store.Priority(p) }

// storeRepeat is the store's repeat rule for the contract's.
func storeRepeat(r api.Repeat) store.Repeat { return store.Repeat(r) }

// storeSort is the store's sort key for the contract's sort parameter.
func storeSort(s api.ListTasksParamsSort) store.SortKey { return store.SortKey(s) }
