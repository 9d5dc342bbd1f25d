package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestHeadIsGetWithoutBody: HEAD on a route that has GET answers what GET answers — status
// and headers, Content-Length and ETag included — without the body (RFC 9110 §9.3.2), on
// /api and on the operational endpoints.
func TestHeadIsGetWithoutBody(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "x", "tags": []string{"home"}})
	_, etag := f.get(t, f.tokA, task.Id)
	for _, tc := range []struct {
		name, path, token string
		header            map[string]string
		want              int
	}{
		{"Tasks", "/api/tasks", f.tokA, nil, http.StatusOK},
		{"TasksPaged", "/api/tasks?limit=1&tag=home", f.tokA, nil, http.StatusOK},
		{"Task", taskPath(task.Id), f.tokA, nil, http.StatusOK},
		{"TaskNotModified", taskPath(task.Id), f.tokA, map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		{"Stats", "/api/tasks/stats", f.tokA, nil, http.StatusOK},
		{"Tags", "/api/tags", f.tokA, nil, http.StatusOK},
		{"Changes", "/api/tasks/changes", f.tokA, nil, http.StatusOK},
		{"OtherUsersTask", taskPath(task.Id), f.tokB, nil, http.StatusNotFound},
		{"UnknownTask", taskPath(uuid.New()), f.tokA, nil, http.StatusNotFound},
		{"BadParameter", "/api/tasks?limit=0", f.tokA, nil, http.StatusBadRequest},
		{"NoToken", "/api/tasks", "", nil, http.StatusUnauthorized},
		{"UnknownRoute", "/api/nope", f.tokA, nil, http.StatusNotFound},
		{"Healthz", "/healthz", "", nil, http.StatusOK},
		{"Readyz", "/readyz", "", nil, http.StatusOK},
		{"OpenAPIJSON", "/openapi.json", "", nil, http.StatusOK},
		{"OpenAPIYAML", "/openapi.yaml", "", nil, http.StatusOK},
		{"Docs", "/docs/", "", nil, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			get := f.Do(t, apitest.Req{Method: http.MethodGet, Path: tc.path, Token: tc.token, Header: tc.header})
			head := f.Do(t, apitest.Req{Method: http.MethodHead, Path: tc.path, Token: tc.token, Header: tc.header})
			wantStatus(t, get, tc.want)
			if head.Status != get.Status {
				t.Fatalf("HEAD %d, GET %d: %s", head.Status, get.Status, head.Body)
			}
			if len(head.Body) != 0 {
				t.Errorf("HEAD answered a body: %q", head.Body)
			}
			if g, h := headerDump(get.Header), headerDump(head.Header); g != h {
				t.Errorf("headers differ\nGET:  %s\nHEAD: %s", g, h)
			}
		})
	}
}

// TestHeadInAllow: a 405 lists HEAD wherever it lists GET, and HEAD is refused where GET is.
func TestHeadInAllow(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "x"})
	for _, tc := range []struct {
		method, path string
		allow        []string
	}{
		{http.MethodPost, taskPath(task.Id), []string{"DELETE", "GET", "HEAD", "PATCH", "PUT"}},
		{http.MethodPut, "/api/tasks", []string{"GET", "HEAD", "POST"}},
		{http.MethodPost, "/api/tags", []string{"GET", "HEAD"}},
		{http.MethodPost, "/healthz", []string{"GET", "HEAD"}},
		{http.MethodPost, "/metrics", []string{"GET", "HEAD"}},
		{http.MethodHead, taskPath(task.Id) + "/complete", []string{"PATCH"}},
		{http.MethodHead, "/api/tasks/bulk", []string{"POST"}},
	} {
		t.Run(tc.method+strings.ReplaceAll(tc.path, "/", "_"), func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: tc.method, Path: tc.path, Token: f.tokA})
			wantStatus(t, r, http.StatusMethodNotAllowed)
			if tc.method != http.MethodHead {
				wantProblem(t, r, http.StatusMethodNotAllowed)
			}
			var got []string
			for _, m := range strings.Split(r.Header.Get("Allow"), ",") {
				if m = strings.TrimSpace(m); m != "" && m != http.MethodOptions {
					got = append(got, m)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.allow) {
				t.Errorf("Allow %q, want %q (OPTIONS aside)", r.Header.Get("Allow"), tc.allow)
			}
		})
	}
}

// headerDump renders the headers a HEAD must share with its GET: all but those that differ
// between any two requests.
func headerDump(h http.Header) string {
	var lines []string
	for k, vs := range h {
		switch k {
		case "Date", "X-Request-Id":
			continue
		}
		lines = append(lines, k+": "+strings.Join(vs, ", "))
	}
	slices.Sort(lines)
	return strings.Join(lines, " | ")
}
