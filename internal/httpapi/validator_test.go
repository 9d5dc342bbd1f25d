package httpapi_test

import (
	"fmt"
	"io"
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

// Query and header parameters the generated binding would refuse are refused first, as a
// bad-request problem naming the parameter that never quotes the raw value (issue 12,
// info items): a leap second, which Go's time package cannot hold, and a single-valued
// parameter given more than once.
func TestValidationParametersTheBindingRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "x"})
	cases := []struct {
		name, method, path string
		header             [][2]string
		field, raw         string // the field named; raw input the answer must not quote
	}{
		{"UpdatedAfterLeapSecond", http.MethodGet, "/api/tasks/changes?updated_after=2016-12-31T23:59:60Z", nil, "query.updated_after", "23:59:60"},
		{"UpdatedAfterLeapSecondWithOffset", http.MethodGet, "/api/tasks/changes?updated_after=2016-12-31T23:59:60.5%2B00:00", nil, "query.updated_after", "23:59:60"},
		{"QTwice", http.MethodGet, "/api/tasks?q=milk&q=eggs", nil, "query.q", "eggs"},
		{"LimitTwice", http.MethodGet, "/api/tasks?limit=1&limit=2", nil, "query.limit", "multiple"},
		{"SortTwice", http.MethodGet, "/api/tasks?sort=title&sort=created", nil, "query.sort", "multiple"},
		{"StatusTwice", http.MethodGet, "/api/tasks?status=all&status=pending", nil, "query.status", "multiple"},
		{"OrderTwice", http.MethodGet, "/api/tasks?order=asc&order=asc", nil, "query.order", "multiple"},
		{"PriorityTwice", http.MethodGet, "/api/tasks?priority=low&priority=high", nil, "query.priority", "multiple"},
		{"DueBeforeTwice", http.MethodGet, "/api/tasks?due_before=2030-01-01&due_before=2030-01-02", nil, "query.due_before", "2030-01-02"},
		{"OverdueTwice", http.MethodGet, "/api/tasks?overdue=true&overdue=false", nil, "query.overdue", "multiple"},
		{"TzTwice", http.MethodGet, "/api/tasks?overdue=true&tz=UTC&tz=Europe/Paris", nil, "query.tz", "Paris"},
		{"StatsTzTwice", http.MethodGet, "/api/tasks/stats?tz=UTC&tz=Europe/Paris", nil, "query.tz", "Paris"},
		{"ChangesUpdatedAfterTwice", http.MethodGet, "/api/tasks/changes?updated_after=2026-01-01T00:00:00Z&updated_after=2026-01-02T00:00:00Z", nil, "query.updated_after", "2026-01-02"},
		{"ChangesLimitTwice", http.MethodGet, "/api/tasks/changes?limit=1&limit=1", nil, "query.limit", "multiple"},
		{"IdempotencyKeyTwice", http.MethodPost, "/api/tasks", [][2]string{{"Idempotency-Key", "k1"}, {"Idempotency-Key", "k2"}}, "header.Idempotency-Key", "k2"},
		{"IfNoneMatchTwice", http.MethodGet, taskPath(task.Id), [][2]string{{"If-None-Match", `"1"`}, {"If-None-Match", `"2"`}}, "header.If-None-Match", `\"2\"`},
		{"IfMatchTwice", http.MethodDelete, taskPath(task.Id), [][2]string{{"If-Match", `"1"`}, {"If-Match", `"2"`}}, "header.If-Match", `\"2\"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var body string
			if tc.method == http.MethodPost {
				body = `{"title":"x"}`
			}
			r := doRaw(t, f.Env, tc.method, tc.path, f.tokA, body, tc.header)
			p := wantProblem(t, r, http.StatusBadRequest)
			if p.Type != "urn:todo-api:problem:bad-request" {
				t.Errorf("problem type %q, want urn:todo-api:problem:bad-request: %s", p.Type, r.Body)
			}
			wantFields(t, p, tc.field)
			if strings.Contains(string(r.Body), tc.raw) {
				t.Errorf("the problem quotes the input (%q): %s", tc.raw, r.Body)
			}
		})
	}
	t.Run("TaskUntouched", func(t *testing.T) {
		t.Parallel()
		got, _ := f.get(t, f.tokA, task.Id)
		sameTask(t, got, task)
	})
}

// doRaw sends a request whose headers may repeat, which apitest.Req cannot express, and
// checks the response against the contract as apitest does.
func doRaw(t *testing.T, e *apitest.Env, method, path, token, body string, header [][2]string) *apitest.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	hr, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	for _, h := range header {
		hr.Header.Add(h[0], h[1])
	}
	res, err := e.Client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if err := apitest.CheckResponse(hr, []byte(body), res.StatusCode, res.Header, data); err != nil {
		t.Error(err)
	}
	return &apitest.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}
