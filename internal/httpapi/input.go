package httpapi

import (
	"fmt"
	"strings"
	"time"
	"unicode"
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

// fieldErrors collects the rules a request body breaks.
type fieldErrors []api.FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, api.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return validationProblem(fe)
}

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

// msgInvisible refuses text made only of characters that do not show.
const msgInvisible = "must have a visible character: this one has only blank or zero-width ones"

// trimText trims what surrounds a title or a tag and does not show: Unicode's White_Space
// (which has every \p{Zs}) and the zero-width space, word joiner and byte order mark that
// copying text picks up. Other invisible characters stay: at the end of a text they may
// belong to what precedes them (a variation selector, the tag characters of a flag).
func trimText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\ufeff'
	})
}

// visible reports whether s has a character that shows: one that is not White_Space,
// a control, a format character (zero-width joiners, direction marks, soft hyphen…), a
// variation selector, another default-ignorable code point (Hangul fillers) or the blank
// Braille pattern.
func visible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '\u2800' &&
			!unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) {
			return true
		}
	}
	return false
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

// checkText refuses what PostgreSQL text cannot hold: NUL, and invalid UTF-8 (which JSON
// decoding never yields, but query parameters and headers can carry).
func checkText(field, s string, fe *fieldErrors) {
	if strings.ContainsRune(s, 0) {
		fe.add(field, "must not contain the NUL character")
	}
	if !utf8.ValidString(s) {
		fe.add(field, "must be valid UTF-8")
	}
}

// normTags trims, lower-cases and de-duplicates tags, keeping first-seen order.
func normTags(in *[]string, fe *fieldErrors) []string {
	out := []string{}
	if in == nil {
		return out
	}
	seen := map[string]bool{}
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
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
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
		Priority:    store.Priority(api.PriorityMedium),
		DueDate:     normDate(in.DueDate),
		DueTime:     normDueTime(in.DueTime),
		Tags:        normTags(in.Tags, &fe),
	}
	if f.DueTime != nil && f.DueDate == nil {
		fe.add("/due_time", "needs a due_date")
	}
	if in.Repeat != nil && *in.Repeat != api.RepeatNone { // none stays "" (see store.TaskFields)
		f.Repeat = store.Repeat(*in.Repeat)
	}
	if f.Repeat != "" && f.DueDate == nil {
		fe.add("/repeat", "needs a due_date: a schedule runs from it")
	}
	if in.Completed != nil {
		f.Completed = *in.Completed
	}
	if in.Priority != nil {
		f.Priority = store.Priority(*in.Priority)
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
		c.SetPriority, c.Fields.Priority = true, store.Priority(*p.Priority)
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
		c.SetRepeat, c.Fields.Repeat = true, store.Repeat(*p.Repeat)
		// A repeat with the date cleared in the same patch; a repeat on a task without a date
		// is found by the database (store.ErrRepeatWithoutDate).
		if *p.Repeat != api.RepeatNone && c.SetDueDate && c.Fields.DueDate == nil {
			fe.add("/repeat", "needs a due_date: a schedule runs from it")
		}
	}
	return c, fe.err()
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

func dateOrNil(d *openapi_types.Date) *time.Time {
	if d == nil {
		return nil
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return &t
}
