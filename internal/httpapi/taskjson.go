package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// Task bodies are the service's hot path (a page of 50 on every list): encoding/json on the
// generated api.Task, whose nullable fields are maps with their own MarshalJSON, cost more
// CPU and garbage than the database round trip (make bench, pprof). taskJSON writes the
// same bytes — what json.Encoder gives for toAPI(t) — straight from store.Task, and falls
// back to exactly that encoding whenever it could differ: when api.Task is not the shape
// appendTask knows (a field added to the contract), for a time outside years 0–9999 (which
// encoding/json refuses), and, per string, for anything but plain text (which it escapes).
// TestTaskJSONMatchesEncodingJSON holds it to encoding/json byte for byte.

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
	"Position *string position,omitempty",
	"Priority api.Priority priority",
	"Repeat api.Repeat repeat",
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

// taskJSON is a success response whose body is one task (one) or a page of them, with the
// headers the generated response types set. It implements the generated response
// interfaces of every operation that answers with tasks.
type taskJSON struct {
	status   int
	tasks    []store.Task
	one      bool // the body is tasks[0], not an array
	etag     string
	location string  // Location, when set
	link     *string // Link, when set
}

// writtenTask is the 200 of a write to one task (PUT, PATCH, /complete): the task, its ETag
// and, when it has a live next occurrence, the Link to it.
func writtenTask(t store.Task) taskJSON {
	r := oneTask(http.StatusOK, t, etag(t.Version))
	r.link = nextOccurrenceLink(t)
	return r
}

func oneTask(status int, t store.Task, etag string) taskJSON {
	return taskJSON{status: status, tasks: []store.Task{t}, one: true, etag: etag}
}

func (r taskJSON) VisitListTasksResponse(w http.ResponseWriter) error    { return r.write(w) }
func (r taskJSON) VisitGetTaskResponse(w http.ResponseWriter) error      { return r.write(w) }
func (r taskJSON) VisitCreateTaskResponse(w http.ResponseWriter) error   { return r.write(w) }
func (r taskJSON) VisitReplaceTaskResponse(w http.ResponseWriter) error  { return r.write(w) }
func (r taskJSON) VisitUpdateTaskResponse(w http.ResponseWriter) error   { return r.write(w) }
func (r taskJSON) VisitCompleteTaskResponse(w http.ResponseWriter) error { return r.write(w) }
func (r taskJSON) VisitMoveTaskResponse(w http.ResponseWriter) error     { return r.write(w) }
func (r taskJSON) VisitRestoreTaskResponse(w http.ResponseWriter) error  { return r.write(w) }

var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// write encodes the body first, as the generated code does (an encoding error leaves the
// response untouched for the error handler), then sets the headers and writes it.
func (r taskJSON) write(w http.ResponseWriter) error {
	bp := bodyBuffers.Get().(*[]byte)
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
// a newline.
func (r taskJSON) appendBody(b []byte) ([]byte, error) {
	if fastTaskJSON {
		start, ok := len(b), true
		if r.one {
			b, ok = appendTask(b, &r.tasks[0])
		} else {
			b = append(b, '[')
			for i := range r.tasks {
				if i > 0 {
					b = append(b, ',')
				}
				if b, ok = appendTask(b, &r.tasks[i]); !ok {
					break
				}
			}
			b = append(b, ']')
		}
		if ok {
			return append(b, '\n'), nil
		}
		b = b[:start]
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

// appendTask appends encoding/json's rendering of toAPI(*t); false when it cannot be sure
// of matching it (a time encoding/json refuses), and b is then to be discarded.
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
	b = append(b, `","position":`...) // always set (toAPI points at it)
	b = appendString(b, t.Position)
	b = append(b, `,"priority":`...)
	b = appendString(b, string(t.Priority))
	b = append(b, `,"repeat":`...)
	b = appendString(b, string(t.Repeat))
	b = append(b, `,"tags":[`...) // never null: toAPI turns nil into []
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

// appendTime appends time.Time.MarshalJSON of t in UTC (toAPI converts every time);
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
