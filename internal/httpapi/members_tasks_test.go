package httpapi_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// share makes member a member of owner's list with role, as an accepted invite will: a row
// of list_members written directly (the tests' database role bypasses row-level security).
func (f *fixture) share(t *testing.T, owner string, list uuid.UUID, member, role string) {
	t.Helper()
	_, err := f.Pool.Exec(t.Context(), `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, $4, 'a5')`,
		owner, list, member, role)
	if err != nil {
		t.Fatalf("share list: %v", err)
	}
}

// unshare removes member from the list, as the owner removing them (or their leaving) will.
func (f *fixture) unshare(t *testing.T, list uuid.UUID, member string) {
	t.Helper()
	if _, err := f.Pool.Exec(t.Context(), `DELETE FROM list_members WHERE list_id = $1 AND user_id = $2`, list, member); err != nil {
		t.Fatalf("unshare list: %v", err)
	}
}

// withoutInstance is a problem's body without its instance (the request id), which is all
// that may tell two answers apart.
func withoutInstance(t *testing.T, r *apitest.Response) []byte {
	t.Helper()
	p := r.Problem(t)
	p.Instance = nil
	var b bytes.Buffer
	b.WriteString(r.Header.Get("Content-Type"))
	b.WriteString(p.Type + p.Title)
	if p.Detail != nil {
		b.WriteString(*p.Detail)
	}
	for _, e := range fieldList(p) {
		b.WriteString(e.Field + e.Message)
	}
	return b.Bytes()
}

// TestSharedListReads: a member reads the tasks of a list shared with them — by id, the
// list's listing, every list's listing (their own tasks and the shared ones, merged in
// order, in pages), search, stats and tags — and nothing else of the owner's; the ETags follow
// the owner's writes; a non-member, and a member once removed, gets exactly what a missing id
// gets.
func TestSharedListReads(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner, member := userFor(t, "owner"), userFor(t, "member")
	tokO, tokM := f.Token(t, owner), f.Token(t, member)

	g := f.createList(t, tokO, map[string]any{"name": "Groceries"})
	milk, _ := f.create(t, tokO, map[string]any{"title": "Buy milk", "list_id": g.Id, "tags": []string{"dairy"}})
	mine, _ := f.create(t, tokM, map[string]any{"title": "Member's own task"})
	eggs, _ := f.create(t, tokO, map[string]any{"title": "Buy eggs", "list_id": g.Id})
	private, _ := f.create(t, tokO, map[string]any{"title": "Owner's private task"}) // the owner's inbox
	sub, _ := f.create(t, tokO, map[string]any{"title": "Skimmed", "parent_id": milk.Id})

	missing := uuid.New()
	notFound := func(t *testing.T, tok, path, missingPath string) {
		t.Helper()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
		wantProblem(t, r, http.StatusNotFound)
		m := f.Do(t, apitest.Req{Method: http.MethodGet, Path: missingPath, Token: tok})
		wantProblem(t, m, http.StatusNotFound)
		if a, b := withoutInstance(t, r), withoutInstance(t, m); !bytes.Equal(a, b) {
			t.Errorf("GET %s: %s\nwhat a missing id gets: %s", path, a, b)
		}
	}
	outsider := func(t *testing.T) {
		t.Helper()
		notFound(t, tokM, taskPath(milk.Id), taskPath(missing))
		notFound(t, tokM, "/api/tasks?list_id="+g.Id.String(), "/api/tasks?list_id="+missing.String())
		notFound(t, tokM, "/api/tasks/stats?list_id="+g.Id.String(), "/api/tasks/stats?list_id="+missing.String())
		notFound(t, tokM, "/api/tags?list_id="+g.Id.String(), "/api/tags?list_id="+missing.String())
		all, _ := f.list(t, tokM, "")
		if got := ids(all); !slices.Equal(got, []uuid.UUID{mine.Id}) {
			t.Errorf("a non-member's listing: %v, want only their own task %v", titles(all), mine.Id)
		}
	}

	t.Run("NonMemberGetsWhatAMissingIDGets", outsider)

	f.share(t, owner, g.Id, member, "viewer")

	t.Run("MemberReadsTheSharedTasks", func(t *testing.T) {
		got, _ := f.get(t, tokM, milk.Id)
		sameTask(t, got, mustGet(t, f, tokO, milk.Id))
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(private.Id), Token: tokM})
		wantProblem(t, r, http.StatusNotFound)

		one, _ := f.list(t, tokM, "list_id="+g.Id.String()+"&sort=created&order=asc")
		if got, want := ids(one), []uuid.UUID{milk.Id, eggs.Id, sub.Id}; !slices.Equal(got, want) {
			t.Errorf("the shared list: %q, want milk, eggs, skimmed", titles(one))
		}
		top, _ := f.list(t, tokM, "list_id="+g.Id.String()+"&top_level=true&sort=position")
		if got := ids(top); len(got) != 2 || slices.Contains(got, sub.Id) {
			t.Errorf("the shared list's top level: %q", titles(top))
		}
		kids, _ := f.list(t, tokM, "parent_id="+milk.Id.String())
		if got := ids(kids); !slices.Equal(got, []uuid.UUID{sub.Id}) {
			t.Errorf("the shared task's subtasks: %q", titles(kids))
		}

		// Every list: the member's own task merged in order with the shared ones, in pages
		// (the cursor's key of a shared task is read through the membership too).
		want := []uuid.UUID{milk.Id, mine.Id, eggs.Id, sub.Id}
		for _, q := range []string{"sort=created&order=asc", "sort=title&order=asc", "sort=updated&order=asc"} {
			all, _ := f.listAll(t, tokM, q+"&limit=1")
			if q == "sort=created&order=asc" && !slices.Equal(ids(all), want) {
				t.Errorf("%s: %q, want milk, the member's own, eggs, skimmed", q, titles(all))
			}
			if len(all) != 4 || slices.Contains(ids(all), private.Id) {
				t.Errorf("%s: %q, want the member's own task and the three shared ones", q, titles(all))
			}
		}

		// Search: the trigram index holds the member's own tasks; shared ones are filtered.
		for _, q := range []string{"milk", "mi"} {
			found, _ := f.list(t, tokM, "q="+q)
			if got := ids(found); !slices.Equal(got, []uuid.UUID{milk.Id}) {
				t.Errorf("q=%s: %q, want the shared milk", q, titles(found))
			}
		}
		own, _ := f.list(t, tokM, "q=Member")
		if got := ids(own); !slices.Equal(got, []uuid.UUID{mine.Id}) {
			t.Errorf("q=Member: %q, want the member's own task", titles(own))
		}

		var st api.TaskStats
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats?list_id=" + g.Id.String(), Token: tokM})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &st)
		if st.Total != 3 {
			t.Errorf("the shared list's stats: %+v, want 3 tasks", st)
		}
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats", Token: tokM})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &st)
		if st.Total != 4 {
			t.Errorf("every list's stats: %+v, want 4 tasks", st)
		}
		var tags []api.TagCount
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags?list_id=" + g.Id.String(), Token: tokM})
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &tags)
		if len(tags) != 1 || tags[0].Name != "dairy" || tags[0].Count != 1 {
			t.Errorf("the shared list's tags: %+v", tags)
		}
	})

	t.Run("TheOwnersWritesMoveTheMembersETags", func(t *testing.T) {
		paths := []string{"/api/tasks?list_id=" + g.Id.String(), "/api/tasks", "/api/tasks/stats", "/api/tasks/stats?list_id=" + g.Id.String()}
		tags := map[string]string{}
		for _, p := range paths {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: tokM})
			wantStatus(t, r, http.StatusOK)
			tags[p] = r.Header.Get("ETag")
			again := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: tokM, Header: map[string]string{"If-None-Match": tags[p]}})
			wantStatus(t, again, http.StatusNotModified)
		}
		f.create(t, tokO, map[string]any{"title": "Buy bread", "list_id": g.Id})
		for _, p := range paths {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: tokM, Header: map[string]string{"If-None-Match": tags[p]}})
			wantStatus(t, r, http.StatusOK)
		}
	})

	t.Run("RemovedMemberGetsWhatAMissingIDGets", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tokM})
		wantStatus(t, r, http.StatusOK)
		tag := r.Header.Get("ETag")
		f.unshare(t, g.Id, member)
		outsider(t)
		// No 304 of a listing that held the list's tasks.
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: tokM, Header: map[string]string{"If-None-Match": tag}})
		wantStatus(t, r, http.StatusOK)
	})
}

// mustGet is tok's user's task id, failing unless 200.
func mustGet(t *testing.T, f *fixture, tok string, id uuid.UUID) api.Task {
	t.Helper()
	task, _ := f.get(t, tok, id)
	return task
}

// TestSharedListCreate: an editor creates tasks in a list shared with them (and subtasks of
// its tasks), which are the owner's tasks; a viewer gets 403 and nothing is created; a
// non-member gets what a missing list gets (422 naming /list_id); so does a replay of an
// editor's create after their removal.
func TestSharedListCreate(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner, editor, viewer, outsider := userFor(t, "owner"), userFor(t, "editor"), userFor(t, "viewer"), userFor(t, "outsider")
	tokO, tokE, tokV, tokN := f.Token(t, owner), f.Token(t, editor), f.Token(t, viewer), f.Token(t, outsider)
	g := f.createList(t, tokO, map[string]any{"name": "Groceries"})
	f.share(t, owner, g.Id, editor, "editor")
	f.share(t, owner, g.Id, viewer, "viewer")

	inList := func(t *testing.T) []uuid.UUID {
		t.Helper()
		tasks, _ := f.list(t, tokO, "list_id="+g.Id.String()+"&sort=created&order=asc")
		return ids(tasks)
	}

	byEditor, _ := f.create(t, tokE, map[string]any{"title": "Buy milk", "list_id": g.Id})
	if byEditor.ListId != g.Id {
		t.Fatalf("the editor's task is in list %v, want %v", byEditor.ListId, g.Id)
	}
	sub, _ := f.create(t, tokE, map[string]any{"title": "Skimmed", "parent_id": byEditor.Id})
	if sub.ListId != g.Id || sub.ParentId.MustGet() != byEditor.Id {
		t.Fatalf("the editor's subtask: list %v, parent %v", sub.ListId, sub.ParentId)
	}
	if got := inList(t); !slices.Equal(got, []uuid.UUID{byEditor.Id, sub.Id}) {
		t.Fatalf("the owner's list: %v, want the editor's two tasks", got)
	}
	if got := mustGet(t, f, tokO, byEditor.Id); got.Title != "Buy milk" {
		t.Fatalf("the owner reads %+v", got)
	}
	// The editor's own inbox holds nothing of it.
	if mine, _ := f.list(t, tokE, "list_id="+g.Id.String()); len(mine) != 2 {
		t.Fatalf("the editor's view of the list: %q", titles(mine))
	}

	t.Run("ViewerIsForbidden", func(t *testing.T) {
		for _, body := range []map[string]any{{"title": "x", "list_id": g.Id}, {"title": "x", "parent_id": byEditor.Id}} {
			r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tokV, Body: body})
			if p := wantProblem(t, r, http.StatusForbidden); p.Type != "urn:todo-api:problem:forbidden" {
				t.Errorf("viewer's create %v: problem type %q", body, p.Type)
			}
		}
		if got := inList(t); len(got) != 2 {
			t.Fatalf("after the viewer's creates: %d tasks, want 2", len(got))
		}
	})

	t.Run("NonMemberGetsWhatAMissingListGets", func(t *testing.T) {
		missing := uuid.New()
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tokN, Body: map[string]any{"title": "x", "list_id": g.Id}})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity), "/list_id")
		m := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tokN, Body: map[string]any{"title": "x", "list_id": missing}})
		wantProblem(t, m, http.StatusUnprocessableEntity)
		if a, b := withoutInstance(t, r), withoutInstance(t, m); !bytes.Equal(a, b) {
			t.Errorf("a non-member's create: %s\nwith a missing list: %s", a, b)
		}
		r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tokN, Body: map[string]any{"title": "x", "parent_id": byEditor.Id}})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity), "/parent_id")
		if got := inList(t); len(got) != 2 {
			t.Fatalf("after the non-member's creates: %d tasks, want 2", len(got))
		}
	})

	t.Run("ReplayAfterRemovalIsNotFound", func(t *testing.T) {
		req := apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tokE, Body: map[string]any{"title": "Keyed", "list_id": g.Id},
			Header: map[string]string{"Idempotency-Key": "shared-create-1"}}
		wantStatus(t, f.Do(t, req), http.StatusCreated)
		if r := f.Do(t, req); r.Status != http.StatusCreated && r.Status != http.StatusOK {
			t.Fatalf("replay while a member: %d %s", r.Status, r.Body)
		}
		f.unshare(t, g.Id, editor)
		wantField(t, wantProblem(t, f.Do(t, req), http.StatusUnprocessableEntity), "/list_id")
	})
}
