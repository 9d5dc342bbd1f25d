package httpapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestOwnCallersETagsFollowMembersAndJoins: a caller who is a member of no other owner's list
// lists with their own clock (docs/performance.md, issue 14 after 16); its collection ETags
// still change whenever the answer may. An editor's task in the caller's shared list moves
// them (it takes the owner's clock); joining another owner's list moves them at once and the
// listing holds that list's tasks; after leaving, the tag of before joining is valid again
// (the same answer), the tag of a member's answer is not.
func TestOwnCallersETagsFollowMembersAndJoins(t *testing.T) {
	t.Parallel()
	f := setup(t)
	owner, editor := userFor(t, "owner"), userFor(t, "editor")
	tokO, tokE := f.Token(t, owner), f.Token(t, editor)
	g := f.createList(t, tokO, map[string]any{"name": "Groceries"})
	f.create(t, tokO, map[string]any{"title": "Buy milk", "list_id": g.Id})
	// The editor's own list, which the owner joins later (made first: the fixture's share
	// writes a membership position ListCreate cannot follow).
	h := f.createList(t, tokE, map[string]any{"name": "Books"})
	novel, _ := f.create(t, tokE, map[string]any{"title": "Read a novel", "list_id": h.Id})
	f.share(t, owner, g.Id, editor, "editor")
	paths := []string{"/api/tasks", "/api/tasks?list_id=" + g.Id.String(), "/api/tasks/stats", "/api/tasks/stats?list_id=" + g.Id.String()}

	// tags reads every path as the owner: each answer's tag, and a 304 for it.
	tags := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		for _, p := range paths {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: tokO})
			wantStatus(t, r, http.StatusOK)
			out[p] = r.Header.Get("ETag")
			again := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: tokO, Header: map[string]string{"If-None-Match": out[p]}})
			wantStatus(t, again, http.StatusNotModified)
		}
		return out
	}
	// revalidate asks for p with tag as the owner and wants status.
	revalidate := func(stage, p, tag string, status int) {
		t.Helper()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: p, Token: tokO, Header: map[string]string{"If-None-Match": tag}})
		if r.Status != status {
			t.Errorf("%s: GET %s with If-None-Match %s: status %d, want %d", stage, p, tag, r.Status, status)
		}
	}

	before := tags()
	bread, _ := f.create(t, tokE, map[string]any{"title": "Buy bread", "list_id": g.Id})
	for _, p := range paths {
		revalidate("after the editor's create", p, before[p], http.StatusOK)
	}
	if all, _ := f.list(t, tokO, ""); !slices.Contains(ids(all), bread.Id) {
		t.Errorf("the owner's listing %q lacks the editor's task", titles(all))
	}
	alone := tags()

	// The owner joins the editor's list.
	f.share(t, editor, h.Id, owner, "viewer")
	for _, p := range []string{"/api/tasks", "/api/tasks/stats"} {
		revalidate("after joining", p, alone[p], http.StatusOK)
	}
	if all, _ := f.list(t, tokO, ""); !slices.Contains(ids(all), novel.Id) || !slices.Contains(ids(all), bread.Id) {
		t.Errorf("a member's listing %q lacks the shared list's task or the own list's", titles(all))
	}
	member := tags()

	f.unshare(t, h.Id, owner)
	for _, p := range []string{"/api/tasks", "/api/tasks/stats"} {
		revalidate("after leaving", p, member[p], http.StatusOK)
		revalidate("after leaving", p, alone[p], http.StatusNotModified)
	}
	if all, _ := f.list(t, tokO, ""); slices.Contains(ids(all), novel.Id) {
		t.Errorf("after leaving, the listing %q still holds the shared list's task", titles(all))
	}
}
