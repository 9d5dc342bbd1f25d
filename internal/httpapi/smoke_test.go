package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

func TestCreateGetList(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	tok := e.Token(t, "user-a")
	r := e.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: map[string]any{"title": "  Buy milk  ", "tags": []string{"Home", "home ", "x"}}})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	task := r.Task(t)
	if task.Title != "Buy milk" || len(task.Tags) != 2 {
		t.Errorf("normalised task = %+v", task)
	}
	g := e.Do(t, apitest.Req{Method: http.MethodGet, Path: r.Header.Get("Location"), Token: tok})
	if g.Status != http.StatusOK {
		t.Fatalf("get: %d %s", g.Status, g.Body)
	}
	l := e.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tok})
	t.Logf("list: %d %s", l.Status, l.Body)
	o := e.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/" + task.Id.String(), Token: e.Token(t, "user-b")})
	if o.Status != http.StatusNotFound {
		t.Errorf("foreign get: %d", o.Status)
	}
	o.Problem(t)
	bad := e.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: map[string]any{"title": "x", "id": "y", "user_id": "z"}})
	t.Logf("unknown fields: %d %s", bad.Status, bad.Body)
	na := e.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks"})
	t.Logf("no auth: %d %v %s", na.Status, na.Header, na.Body)
}
