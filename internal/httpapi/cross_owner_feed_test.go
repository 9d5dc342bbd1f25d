package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/apitest"
)

// TestCrossOwnerMoveFeeds: a task (and its subtask) an editor moves from a shared list to a list
// of their own is a tombstone in the old owner's v1.0 feed and in the old list's feed, and the
// task in the new list's feed; moved back, the reverse.
func TestCrossOwnerMoveFeeds(t *testing.T) {
	t.Parallel()
	f := setup(t)
	s := newSharedWrite(t, f)
	editorsOwn := f.createList(t, s.tokE, map[string]any{"name": "Editor's own"}).Id
	feedOf := func(tok, path string) []change {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
		wantStatus(t, r, http.StatusOK)
		return decodeChanges(t, r)
	}
	has := func(cs []change, id uuid.UUID, tomb bool) bool {
		for _, c := range cs {
			if c.id() == id && (c.tombstone != nil) == tomb {
				return true
			}
		}
		return false
	}
	oldOwner := feedOf(s.tokO, "/api/tasks/changes?limit=200")
	last := oldOwner[len(oldOwner)-1].at()
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(s.task), Token: s.tokE, Body: map[string]any{"list_id": editorsOwn}, ContentType: "application/merge-patch+json"}), http.StatusOK)
	after := feedOf(s.tokO, "/api/tasks/changes?limit=200&updated_after="+last)
	if !has(after, s.task, true) || !has(after, s.sub, true) {
		t.Errorf("old owner's feed after the move: %+v", after)
	}
	g := feedOf(s.tokO, "/api/lists/"+s.g.String()+"/changes?limit=200")
	if !has(g, s.task, true) || !has(g, s.sub, true) {
		t.Errorf("old list's feed: no tombstones")
	}
	e := feedOf(s.tokE, "/api/lists/"+editorsOwn.String()+"/changes?limit=200")
	if !has(e, s.task, false) || !has(e, s.sub, false) {
		t.Errorf("new list's feed: no tasks")
	}
	// and back
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(s.task), Token: s.tokE, Body: map[string]any{"list_id": s.g}, ContentType: "application/merge-patch+json"}), http.StatusOK)
	g = feedOf(s.tokO, "/api/lists/"+s.g.String()+"/changes?limit=200")
	if !has(g, s.task, false) {
		t.Errorf("old list's feed after moving back: no task")
	}
	e = feedOf(s.tokE, "/api/lists/"+editorsOwn.String()+"/changes?limit=200")
	if !has(e, s.task, true) {
		t.Errorf("editor's list feed after moving back: no tombstone")
	}
}
