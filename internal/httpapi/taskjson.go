package httpapi

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// Task bodies are the service's hot path (a page of 50 on every list). encoding/json on the
// generated api.Task, whose nullable fields are maps with their own MarshalJSON, costs 8
// times the CPU and 19 times the allocations of writing the bytes directly
// (BenchmarkTaskJSONPage); through the whole HTTP stack a page of 50 costs 5 times the CPU
// (BenchmarkHandlerListTasks, cpu-ns/op).
//
// appendTaskJSON and appendTaskPageJSON mirror encoding/json: they write exactly what json.Encoder.Encode writes
// for the contract's rendering of the tasks (api.Task, as tasks_render.go converts a
// store.Task), straight from store.Task. Where the output could differ they decline and the
// caller encodes with encoding/json itself: when api.Task is not the shape it knows (a
// field added to the contract: TestTaskJSONKnowsTask fails then), for a time outside years
// 0–9999 (which encoding/json refuses); and a string that needs escaping is handed to
// encoding/json alone. TestTaskJSONMatchesEncodingJSON holds them to encoding/json byte for
// byte, over thousands of random and awkward tasks.

// appendTaskJSON appends what json.Encoder.Encode writes for the rendering of t, newline
// included. It returns false, and b as it was, when it cannot be sure of matching
// encoding/json.
func appendTaskJSON(b []byte, t *store.Task) ([]byte, bool) {
	if !fastTaskJSON {
		return b, false
	}
	start := len(b)
	b, ok := appendTask(b, t)
	return encoded(b, start, ok)
}

// appendTaskPageJSON is appendTaskJSON for a page: the array of the tasks' renderings.
func appendTaskPageJSON(b []byte, tasks []store.Task) ([]byte, bool) {
	if !fastTaskJSON {
		return b, false
	}
	start, ok := len(b), true
	b = append(b, '[')
	for i := range tasks {
		if i > 0 {
			b = append(b, ',')
		}
		if b, ok = appendTask(b, &tasks[i]); !ok {
			break
		}
	}
	b = append(b, ']')
	return encoded(b, start, ok)
}

// encoded ends a body written from start: with json.Encoder's newline when it was written
// as encoding/json writes it (ok), else by dropping it.
func encoded(b []byte, start int, ok bool) ([]byte, bool) {
	if !ok {
		return b[:start], false
	}
	return append(b, '\n'), true
}

// taskJSONFields is api.Task as appendTask writes it: field name, Go type and JSON tag, in
// declaration order (encoding/json's order).
var taskJSONFields = []string{
	"Completed bool completed",
	"CompletedAt nullable.Nullable[time.Time] completed_at",
	"CreatedAt time.Time created_at",
	"Description nullable.Nullable[string] description",
	"DueDate nullable.Nullable[github.com/oapi-codegen/runtime/types.Date] due_date",
	"DueTime nullable.Nullable[string] due_time",
	"Id uuid.UUID id",
	"ListId uuid.UUID list_id",
	"ParentId nullable.Nullable[github.com/google/uuid.UUID] parent_id",
	"Position *string position,omitempty",
	"Priority api.Priority priority",
	"Repeat api.Repeat repeat",
	"Subtasks api.SubtaskCounts subtasks",
	"Tags []string tags",
	"Title string title",
	"UpdatedAt time.Time updated_at",
}

// fastTaskJSON reports whether api.Task is still the shape appendTask writes.
var fastTaskJSON = taskShapeIs(reflect.TypeFor[api.Task](), taskJSONFields)

func taskShapeIs(t reflect.Type, want []string) bool {
	if t.NumField() != len(want) {
		return false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name+" "+f.Type.String()+" "+f.Tag.Get("json") != want[i] {
			return false
		}
	}
	return true
}

// appendTask appends encoding/json's rendering of *t in the contract's shape; false when it
// cannot be sure of matching it (a time encoding/json refuses), and b is then to be
// discarded.
func appendTask(b []byte, t *store.Task) ([]byte, bool) {
	ok := true
	b = append(b, `{"completed":`...)
	b = strconv.AppendBool(b, t.Completed)
	b = append(b, `,"completed_at":`...)
	if t.CompletedAt != nil {
		b = appendTime(b, *t.CompletedAt, &ok)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"created_at":`...)
	b = appendTime(b, t.CreatedAt, &ok)
	b = append(b, `,"description":`...)
	b = appendNullString(b, t.Description)
	b = append(b, `,"due_date":`...)
	if t.DueDate != nil {
		b = append(b, '"')
		b = t.DueDate.AppendFormat(b, "2006-01-02") // openapi_types.Date: digits and '-' only
		b = append(b, '"')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"due_time":`...)
	b = appendNullString(b, t.DueTime)
	b = append(b, `,"id":"`...)
	b = appendUUID(b, t.ID)
	b = append(b, `","list_id":"`...)
	b = appendUUID(b, t.ListID)
	b = append(b, `","parent_id":`...)
	if t.ParentID != nil {
		b = append(b, '"')
		b = appendUUID(b, *t.ParentID)
		b = append(b, '"')
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"position":`...) // always set
	b = appendString(b, t.Position)
	b = append(b, `,"priority":`...)
	b = appendString(b, string(t.Priority))
	b = append(b, `,"repeat":`...)
	b = appendString(b, string(t.Repeat))
	b = append(b, `,"subtasks":{"completed":`...)
	b = strconv.AppendInt(b, int64(t.SubtasksCompleted), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(t.SubtasksTotal), 10)
	b = append(b, `},"tags":[`...) // never null: nil is rendered as []
	for i, tag := range t.Tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, tag)
	}
	b = append(b, `],"title":`...)
	b = appendString(b, t.Title)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, t.UpdatedAt, &ok)
	b = append(b, '}')
	return b, ok
}

// appendTime appends time.Time.MarshalJSON of t in UTC (the contract's rendering converts
// every time);
// *ok turns false for a year it refuses.
func appendTime(b []byte, t time.Time, ok *bool) []byte {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		*ok = false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendNullString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendString appends s as encoding/json quotes it (HTML-safe, as its Encoder does by
// default). Text that needs no escaping is copied; anything else goes through encoding/json
// itself.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendStringSlow(b, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendStringSlow(b, s)
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendStringSlow(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

const hexDigits = "0123456789abcdef"

// appendUUID appends the canonical form uuid.UUID.MarshalText gives.
func appendUUID(b []byte, u [16]byte) []byte {
	for i, x := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[x>>4], hexDigits[x&0x0f])
	}
	return b
}
