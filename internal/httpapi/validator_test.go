package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

// unknownPropertiesBody is the body of issue 12, item 1: a title and n unknown properties,
// {"title":"x","p0":1,…}. With n = 6000 it is 58 903 bytes, under the 64 KiB limit.
func unknownPropertiesBody(n int) string {
	var b strings.Builder
	b.WriteString(`{"title":"x"`)
	for i := range n {
		fmt.Fprintf(&b, `,"p%d":1`, i)
	}
	b.WriteString("}")
	return b.String()
}

// emptyTagsBody is a title and n empty tags: n+1 broken rules (each tag, and maxItems).
func emptyTagsBody(n int) string {
	return `{"title":"x","tags":[` + strings.TrimSuffix(strings.Repeat(`"",`, n), ",") + `]}`
}

// problemTotal is the errors_total of a problem document, -1 when it has none.
func problemTotal(t *testing.T, r *apitest.Response) int {
	t.Helper()
	var p struct {
		ErrorsTotal *int `json:"errors_total"`
	}
	r.JSON(t, &p)
	if p.ErrorsTotal == nil {
		return -1
	}
	return *p.ErrorsTotal
}

// A body that breaks thousands of rules costs work in proportion to its size, and its
// problem lists the first 20 field errors and how many there are in all (issue 12, item 1).
func TestValidationProblemIsBounded(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	const maxListed = 20
	many := unknownPropertiesBody(6000)
	if len(many) >= 64<<10 {
		t.Fatalf("the body is %d bytes, over the body limit", len(many))
	}
	cases := []struct {
		name, method, path, contentType, body string
		total                                 int    // errors_total
		first                                 string // the first field named
	}{
		{"Create", http.MethodPost, "/api/tasks", "", many, 6000, "/p0"},
		{"Replace", http.MethodPut, "{task}", "", many, 6000, "/p0"},
		{"MergePatch", http.MethodPatch, "{task}", "application/merge-patch+json", many, 6000, "/p0"},
		{"Patch", http.MethodPatch, "{task}", "application/json", many, 6000, "/p0"},
		// Unknown: the title and the 6000; missing: ids and action.
		{"Bulk", http.MethodPost, "/api/tasks/bulk", "", many, 6003, "/p0"},
		{"EmptyTags", http.MethodPost, "/api/tasks", "", emptyTagsBody(20000), 20001, "/tags"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			path := tc.path
			if path == "{task}" {
				path = taskPath(f.createA(t, map[string]any{"title": "keep"}).Id)
			}
			r := f.Do(t, apitest.Req{Method: tc.method, Path: path, Token: f.tokA, Body: tc.body, ContentType: tc.contentType})
			p := wantProblem(t, r, http.StatusUnprocessableEntity)
			fields := fieldList(p)
			if len(fields) != maxListed {
				t.Errorf("the problem lists %d field errors, want the first %d", len(fields), maxListed)
			}
			if got := problemTotal(t, r); got != tc.total {
				t.Errorf("errors_total %d, want %d", got, tc.total)
			}
			if len(fields) > 0 && fields[0].Field != tc.first {
				t.Errorf("first field %q, want %q", fields[0].Field, tc.first)
			}
			if want := fmt.Sprintf("The request breaks %d rules.", tc.total); p.Detail == nil || *p.Detail != want {
				t.Errorf("detail %v, want %q", p.Detail, want)
			}
			if len(r.Body) > 4<<10 {
				t.Errorf("the problem document is %d bytes", len(r.Body))
			}
		})
	}
	t.Run("FewErrorsAreAllListed", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: unknownPropertiesBody(maxListed)})
		p := wantProblem(t, r, http.StatusUnprocessableEntity)
		if len(fieldList(p)) != maxListed || problemTotal(t, r) != maxListed {
			t.Errorf("%d field errors listed, errors_total %d; want %d and %d", len(fieldList(p)), problemTotal(t, r), maxListed, maxListed)
		}
	})
}
