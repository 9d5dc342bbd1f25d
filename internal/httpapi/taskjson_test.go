package httpapi

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// TestTaskJSONKnowsTask fails when api.Task changes shape (a field added to the contract):
// the responses stay correct — taskJSON falls back to encoding/json — but lose the fast
// path until appendTask and taskJSONFields learn the new field.
func TestTaskJSONKnowsTask(t *testing.T) {
	t.Parallel()
	if !fastTaskJSON {
		typ := reflect.TypeFor[api.Task]()
		var got []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			got = append(got, f.Name+" "+f.Type.String()+" "+f.Tag.Get("json"))
		}
		t.Fatalf("api.Task is no longer the shape appendTask writes, so every task body takes encoding/json; "+
			"teach appendTask the change and update taskJSONFields to:\n\t%s", strings.Join(got, "\n\t"))
	}
}

// encodingJSON is what the generated response types write for the same body.
func encodingJSON(r taskJSON) ([]byte, error) {
	var v any
	if r.one {
		v = toAPI(r.tasks[0])
	} else {
		page := make([]api.Task, len(r.tasks))
		for i, x := range r.tasks {
			page[i] = toAPI(x)
		}
		v = page
	}
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

var awkwardStrings = []string{
	"", "Buy milk", "a\"b", `back\slash`, "<b>&amp;</b>", "tab\there", "new\nline", "\r\f\b\x00\x1f\x7f",
	"Café ☕", "日本語", "emoji 🧪", "\u2028\u2029", "bad \xff utf8", "\xc3", "replacement \uFFFD ok",
	"/slashes/", "'single'", "%41", strings.Repeat("x", 300),
}

func randomTask(rng *rand.Rand) store.Task {
	pick := func() string {
		if rng.IntN(3) == 0 {
			b := make([]byte, rng.IntN(12))
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			return string(b)
		}
		return awkwardStrings[rng.IntN(len(awkwardStrings))]
	}
	ptr := func(s string) *string {
		if rng.IntN(2) == 0 {
			return nil
		}
		return &s
	}
	ts := func() time.Time {
		zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -7*3600)}
		years := []int{2026, 1999, 0, 9999, 1, 2100, -1, 10000}
		return time.Date(years[rng.IntN(len(years))], time.Month(1+rng.IntN(12)), 1+rng.IntN(28),
			rng.IntN(24), rng.IntN(60), rng.IntN(60), []int{0, 1000, 123456000, 999999999, 5}[rng.IntN(5)], zones[rng.IntN(len(zones))])
	}
	task := store.Task{
		ID: uuid.UUID(func() (u [16]byte) {
			for i := range u {
				u[i] = byte(rng.IntN(256))
			}
			return
		}()),
		Title: pick(), Description: ptr(pick()), Completed: rng.IntN(2) == 0,
		Priority: []store.Priority{"low", "medium", "high"}[rng.IntN(3)], DueTime: ptr("17:0" + string(rune('0'+rng.IntN(10)))),
		CreatedAt: ts(), UpdatedAt: ts(), Version: rng.Int64(), Position: pick(),
	}
	if rng.IntN(2) == 0 {
		d := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		task.DueDate = &d
	}
	if rng.IntN(2) == 0 {
		c := ts()
		task.CompletedAt = &c
	}
	switch rng.IntN(3) {
	case 0: // nil: toAPI sends []
	case 1:
		task.Tags = []string{}
	default:
		for range rng.IntN(4) {
			task.Tags = append(task.Tags, pick())
		}
	}
	return task
}

// saneTask gives t times encoding/json accepts.
func saneTask(t store.Task) store.Task {
	now := time.Date(2026, 11, 25, 21, 0, 0, 123456789, time.UTC)
	t.CreatedAt, t.UpdatedAt = now, now
	if t.CompletedAt != nil {
		t.CompletedAt = &now
	}
	return t
}

// TestTaskJSONMatchesEncodingJSON: the fast path writes the bytes encoding/json writes for
// the generated types, for single tasks and pages, plain and awkward text alike.
func TestTaskJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 3000 {
		var r taskJSON
		if i%3 == 0 {
			r = oneTask(http.StatusOK, randomTask(rng), `"1"`)
		} else {
			r = taskJSON{status: http.StatusOK}
			for range rng.IntN(5) {
				r.tasks = append(r.tasks, randomTask(rng))
			}
			if r.tasks == nil {
				r.tasks = []store.Task{}
			}
		}
		got, err := r.appendBody(nil)
		want, wantErr := encodingJSON(r)
		if (err != nil) != (wantErr != nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s (%v)\nwant %s (%v)", i, got, err, want, wantErr)
		}
	}
}

// TestTaskJSONRefusesWhatEncodingJSONRefuses: a year outside 0–9999 is an error, as with the
// generated types (500), and nothing is written.
func TestTaskJSONRefusesWhatEncodingJSONRefuses(t *testing.T) {
	t.Parallel()
	task := randomTask(rand.New(rand.NewPCG(1, 2)))
	task.UpdatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	rec := httptest.NewRecorder()
	if err := oneTask(http.StatusOK, task, `"1"`).VisitGetTaskResponse(rec); err == nil {
		t.Fatal("no error for year 10000")
	}
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Fatalf("wrote %q with headers %v", rec.Body.String(), rec.Header())
	}
}

// TestTaskJSONHeaders: the headers and status of the generated response types.
func TestTaskJSONHeaders(t *testing.T) {
	t.Parallel()
	link := `</api/tasks?cursor=x>; rel="next"`
	task := saneTask(randomTask(rand.New(rand.NewPCG(3, 4))))
	r := oneTask(http.StatusCreated, task, `"7"`)
	r.location = "/api/tasks/" + task.ID.String()
	for _, c := range []struct {
		visit func(http.ResponseWriter) error
		gen   func(http.ResponseWriter) error
	}{
		{r.VisitCreateTaskResponse, api.CreateTask201JSONResponse{Body: toAPI(task), Headers: api.CreateTask201ResponseHeaders{ETag: `"7"`, Location: r.location}}.VisitCreateTaskResponse},
		{taskJSON{status: 200, tasks: []store.Task{task}, etag: `W/"x"`, link: &link}.VisitListTasksResponse,
			api.ListTasks200JSONResponse{Body: []api.Task{toAPI(task)}, Headers: api.ListTasks200ResponseHeaders{ETag: `W/"x"`, Link: &link}}.VisitListTasksResponse},
		{taskJSON{status: 200, tasks: []store.Task{}, etag: `W/"y"`}.VisitListTasksResponse,
			api.ListTasks200JSONResponse{Body: []api.Task{}, Headers: api.ListTasks200ResponseHeaders{ETag: `W/"y"`}}.VisitListTasksResponse},
		{oneTask(200, task, `"7"`).VisitGetTaskResponse, api.GetTask200JSONResponse{Body: toAPI(task), Headers: api.GetTask200ResponseHeaders{ETag: `"7"`}}.VisitGetTaskResponse},
	} {
		got, want := httptest.NewRecorder(), httptest.NewRecorder()
		if err := c.visit(got); err != nil {
			t.Fatal(err)
		}
		if err := c.gen(want); err != nil {
			t.Fatal(err)
		}
		// Content-Length is the one header added: net/http sets it on small bodies by itself,
		// and without it a page goes chunked.
		if cl := got.Header().Get("Content-Length"); cl != strconv.Itoa(got.Body.Len()) {
			t.Fatalf("Content-Length %q, body %d bytes", cl, got.Body.Len())
		}
		got.Header().Del("Content-Length")
		if got.Code != want.Code || !reflect.DeepEqual(got.Header(), want.Header()) || got.Body.String() != want.Body.String() {
			t.Fatalf("got %d %v %s\nwant %d %v %s", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
		}
	}
}

func BenchmarkTaskJSONPage(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	r := taskJSON{status: http.StatusOK}
	for range 50 {
		task := saneTask(randomTask(rng))
		task.Title, task.Position, task.Tags = "Buy milk and bread", "a0V", []string{"home", "load"}
		r.tasks = append(r.tasks, task)
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := r.VisitListTasksResponse(httptest.NewRecorder()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			page := make([]api.Task, len(r.tasks))
			for i, x := range r.tasks {
				page[i] = toAPI(x)
			}
			if err := (api.ListTasks200JSONResponse{Body: page}).VisitListTasksResponse(httptest.NewRecorder()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
