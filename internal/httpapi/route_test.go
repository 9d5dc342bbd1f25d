package httpapi

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/todo-api/todo-api/gen/api"
)

// TestSegmentRouterMatchesGorillamux: for the contract's paths, and for paths around them,
// segmentRouter finds what kin-openapi's gorillamux router finds — route, variables, error.
func TestSegmentRouterMatchesGorillamux(t *testing.T) {
	t.Parallel()
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	spec.Servers = nil
	fast, err := newRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fast.(*segmentRouter); !ok {
		t.Fatalf("the contract has a path segmentRouter does not handle; the validator routes with %T", fast)
	}
	slow, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	id := "0190b5c2-7d3e-7a1b-9c4d-5e6f7a8b9c0d"
	paths := []string{"", "/", "/api", "/api/", "/api/tags", "/api/tags/", "/api/tasks/stats/x", "//api/tasks",
		"/api/tasks/%2F", "/api/tasks/a%2Fb/complete", "/api/tasks/%41", "/api/tasks/a%20b", "/api/tasks/ü",
		"/api/tasks/" + id + "/", "/api/tasks/" + id + "/complete/", "/api/tasks//complete", "/api/tasks/./move",
		"/API/tasks", "/api/tasks;x", "/api/tasks/x/y/z", "/healthz", "/api/tasks/" + id + "%2Fcomplete"}
	for _, p := range spec.Paths.InMatchingOrder() {
		paths = append(paths, p, p+"/", p+"/x", strings.ReplaceAll(p, "{id}", id), strings.ReplaceAll(p, "{id}", "changes"),
			strings.ReplaceAll(p, "{id}", "not-a-uuid"), strings.ReplaceAll(p, "{id}", ""))
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions, "BREW"}
	for _, path := range paths {
		for _, m := range methods {
			req := httptest.NewRequest(m, "http://example.com/", nil)
			req.URL.Path, req.URL.RawPath = "", ""
			if u, err := req.URL.Parse(path); err == nil && path != "" {
				req.URL = u
			}
			gr, gv, gerr := fast.FindRoute(req)
			wr, wv, werr := slow.FindRoute(req)
			if gerr != werr || !reflect.DeepEqual(gr, wr) || len(gv) != len(wv) || len(gv) > 0 && !reflect.DeepEqual(gv, wv) {
				t.Errorf("%s %q: got %+v %v %v, want %+v %v %v", m, path, gr, gv, gerr, wr, wv, werr)
			}
		}
	}
}
