package httpapi

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/store"
)

// TestTaskResponseRefusesWhatEncodingJSONRefuses: a year outside 0–9999 is an error, as with the
// generated types (500), and nothing is written.
func TestTaskResponseRefusesWhatEncodingJSONRefuses(t *testing.T) {
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

// TestTaskResponseHeaders: the headers and status of the generated response types.
func TestTaskResponseHeaders(t *testing.T) {
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
		{taskResponse{status: 200, tasks: []store.Task{task}, etag: `W/"x"`, link: &link}.VisitListTasksResponse,
			api.ListTasks200JSONResponse{Body: []api.Task{toAPI(task)}, Headers: api.ListTasks200ResponseHeaders{ETag: `W/"x"`, Link: &link}}.VisitListTasksResponse},
		{taskResponse{status: 200, tasks: []store.Task{}, etag: `W/"y"`}.VisitListTasksResponse,
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
