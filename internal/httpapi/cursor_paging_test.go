package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// maxCursor is the contract's maxLength of the cursor query parameter.
const maxCursor = 1024

// cursorOf returns the cursor of r's Link rel="next" ("" when there is none), failing the
// test when it is longer than the contract lets a client send back.
func cursorOf(t *testing.T, r *apitest.Response) string {
	t.Helper()
	next := nextLink(t, r)
	if next == "" {
		return ""
	}
	u, _ := url.Parse(next)
	c := u.Query().Get("cursor")
	if len(c) > maxCursor {
		t.Fatalf("the server issued a %d-character cursor; the contract refuses more than %d", len(c), maxCursor)
	}
	return c
}

// hostileTitles are titles whose sort keys are as long as the title rule allows (issue 12,
// item 5): 200 characters that JSON escapes ('<' is \u003c), that take four bytes each in
// UTF-8 (emoji, mathematical letters), mixed scripts, and equal titles (ties broken by id).
func hostileTitles() []string {
	emoji := strings.Repeat("😀", 200)
	return []string{
		strings.Repeat("<", 200),
		strings.Repeat("<", 199) + ">",
		strings.Repeat("&", 100) + strings.Repeat(`"\`, 50),
		emoji, emoji, emoji,
		strings.Repeat("😀", 199) + "😁",
		strings.Repeat("😁", 200),
		strings.Repeat("𝔄", 200),
		strings.Repeat("Ωж中😀<", 40),
		strings.Repeat("中", 200),
		"short",
	}
}

// TestListCursorsFitTheContract: for every sort and direction, over the worst-case titles,
// following Link rel="next" one task at a time visits every task exactly once, in order, and
// every cursor the server issues is one the contract lets the client send back (issue 12,
// item 5: sort=title over 200 '<' gave a 1691-character cursor, and its next page was 400).
func TestListCursorsFitTheContract(t *testing.T) {
	t.Parallel()
	f := setup(t)
	prios := []string{"low", "medium", "high"}
	dues := []any{nil, "2030-01-01", "2030-01-01", "2030-01-02"}
	var tasks []api.Task
	for i, title := range hostileTitles() {
		tasks = append(tasks, f.createA(t, map[string]any{"title": title, "priority": prios[i%len(prios)], "due_date": dues[i%len(dues)]}))
	}
	for _, sort := range []string{"created", "updated", "title", "due_date", "priority", "position"} {
		for _, order := range []string{"asc", "desc"} {
			t.Run(sort+"/"+order, func(t *testing.T) {
				t.Parallel()
				var got []api.Task
				path := "/api/tasks?" + url.Values{"sort": {sort}, "order": {order}, "limit": {"1"}}.Encode()
				for pages := 0; path != ""; pages++ {
					if pages > len(tasks) {
						t.Fatalf("more than %d pages for %d tasks", len(tasks), len(tasks))
					}
					r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: f.tokA})
					wantStatus(t, r, http.StatusOK)
					var page []api.Task
					r.JSON(t, &page)
					got = append(got, page...)
					cursorOf(t, r)
					path = nextLink(t, r)
				}
				checkPermutation(t, got, tasks)
				if want := expectedOrder(tasks, sort, order == "desc"); !slices.Equal(ids(got), ids(want)) {
					t.Errorf("order:\n got %q\nwant %q", titles(got), titles(want))
				}
			})
		}
	}
}

// TestListCursorAfterTheLastTaskChanged: a cursor whose position is too long to carry whole
// names its task; when that task has been retitled (or purged) before the next page is
// asked for, the listing continues from an earlier place it knows, so it may repeat tasks
// but never skips one — in both directions.
func TestListCursorAfterTheLastTaskChanged(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	long := func(last rune) string { return strings.Repeat("😀", 199) + string(last) }
	for _, tc := range []struct {
		order string
		// retitle is the new title of the second task of the first page.
		retitle string
	}{
		{"asc", long('😉')},  // now sorts after every other task
		{"asc", long('😀')},  // now sorts before every other task
		{"desc", long('😀')}, // now sorts after every other task (desc)
		{"desc", long('😉')}, // now sorts before every other task (desc)
		{"asc", "short"},
		{"desc", "short"},
	} {
		t.Run(tc.order+"/"+tc.retitle[len(tc.retitle)-4:], func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			var tasks []api.Task
			for r := '😁'; r <= '😈'; r++ {
				tasks = append(tasks, f.createA(t, map[string]any{"title": long(r)}))
			}
			q := "sort=title&limit=2&order=" + tc.order
			first, r := f.list(t, f.tokA, q)
			if cursorOf(t, r) == "" {
				t.Fatal("no next page")
			}
			// Retitle the page's last task: the cursor's position no longer matches it.
			edited := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(first[1].Id), Token: f.tokA,
				Body: map[string]any{"title": tc.retitle}, ContentType: "application/merge-patch+json"})
			wantStatus(t, edited, http.StatusOK)
			seen := map[uuid.UUID]int{}
			for _, task := range first {
				seen[task.Id]++
			}
			for path := nextLink(t, r); path != ""; {
				if len(seen) > 3*len(tasks) {
					t.Fatal("the Link chain does not end")
				}
				r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: f.tokA})
				wantStatus(t, r, http.StatusOK)
				var page []api.Task
				r.JSON(t, &page)
				for _, task := range page {
					seen[task.Id]++
				}
				cursorOf(t, r)
				path = nextLink(t, r)
			}
			for _, task := range tasks {
				if seen[task.Id] == 0 {
					t.Errorf("task …%s was skipped", string([]rune(task.Title)[len([]rune(task.Title))-1:]))
				}
			}
		})
	}
	t.Run("DeletedLastTaskContinuesExactly", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		var tasks []api.Task
		for r := '😁'; r <= '😆'; r++ {
			tasks = append(tasks, f.createA(t, map[string]any{"title": long(r)}))
		}
		first, r := f.list(t, f.tokA, "sort=title&limit=2")
		f.deleteTask(t, f.tokA, first[1].Id)
		got, _ := f.listAll(t, f.tokA, strings.TrimPrefix(nextLink(t, r), "/api/tasks?"))
		if want := ids(tasks[2:]); !slices.Equal(ids(got), want) {
			t.Errorf("after deleting the page's last task: %q, want the 4 tasks after it", titles(got))
		}
	})
}
