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

// sharedWrite is the scene of one write of a task of a shared list: the owner's list g
// (shared) and h (shared with the editor only, as editor), in g a task with a subtask, a
// sibling and a deleted task.
type sharedWrite struct {
	g, h                       uuid.UUID
	task, sub, sibling, gone   uuid.UUID
	owner, editor, viewer, out string
	tokO, tokE, tokV, tokN     string
	tokR                       string // a removed editor's
}

func newSharedWrite(t *testing.T, f *fixture) *sharedWrite {
	t.Helper()
	s := &sharedWrite{owner: userFor(t, "owner"), editor: userFor(t, "editor"), viewer: userFor(t, "viewer"), out: userFor(t, "outsider")}
	removed := userFor(t, "removed")
	s.tokO, s.tokE, s.tokV, s.tokN, s.tokR = f.Token(t, s.owner), f.Token(t, s.editor), f.Token(t, s.viewer), f.Token(t, s.out), f.Token(t, removed)
	s.g = f.createList(t, s.tokO, map[string]any{"name": "Groceries"}).Id
	s.h = f.createList(t, s.tokO, map[string]any{"name": "Hardware"}).Id
	task, _ := f.create(t, s.tokO, map[string]any{"title": "Buy milk", "list_id": s.g, "due_date": day(todayUTC()), "repeat": "daily"})
	sub, _ := f.create(t, s.tokO, map[string]any{"title": "Skimmed", "parent_id": task.Id})
	sibling, _ := f.create(t, s.tokO, map[string]any{"title": "Buy eggs", "list_id": s.g})
	gone, _ := f.create(t, s.tokO, map[string]any{"title": "Buy bread", "list_id": s.g})
	f.deleteTask(t, s.tokO, gone.Id)
	s.task, s.sub, s.sibling, s.gone = task.Id, sub.Id, sibling.Id, gone.Id
	f.share(t, s.owner, s.g, s.editor, "editor")
	f.share(t, s.owner, s.h, s.editor, "editor")
	f.share(t, s.owner, s.g, s.viewer, "viewer")
	f.share(t, s.owner, s.g, removed, "editor")
	f.unshare(t, s.g, removed)
	return s
}

// ownerFeed is the owner's whole change feed, tombstones included: what a refused write
// must leave as it was.
func (s *sharedWrite) ownerFeed(t *testing.T, f *fixture) []byte {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: changesPath("", 200), Token: s.tokO})
	wantStatus(t, r, http.StatusOK)
	return r.Body
}

// taskWriteRoutes are the writes of one existing task (or several: bulk), each as a request
// on the task id (or the missing id, for a non-member's comparison), with what an editor's
// write changes, checked as the owner.
var taskWriteRoutes = []struct {
	name string
	req  func(s *sharedWrite, id uuid.UUID) apitest.Req
	// done checks, as the owner, that the write happened.
	done func(t *testing.T, f *fixture, s *sharedWrite)
}{
	{"Replace", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPut, Path: taskPath(id), Body: map[string]any{"title": "Buy oat milk"}}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		if got := mustGet(t, f, s.tokO, s.task); got.Title != "Buy oat milk" {
			t.Errorf("after PUT the task is %q", got.Title)
		}
	}},
	{"Patch", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Body: map[string]any{"priority": "high"}, ContentType: "application/merge-patch+json"}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		if got := mustGet(t, f, s.tokO, s.task); got.Priority != api.PriorityHigh {
			t.Errorf("after PATCH the priority is %q", got.Priority)
		}
	}},
	{"PatchMovesToAnotherListOfTheOwner", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Body: map[string]any{"list_id": s.h}, ContentType: "application/merge-patch+json"}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		if got, sub := mustGet(t, f, s.tokO, s.task), mustGet(t, f, s.tokO, s.sub); got.ListId != s.h || sub.ListId != s.h {
			t.Errorf("after the move the task is in %v, its subtask in %v; want %v", got.ListId, sub.ListId, s.h)
		}
	}},
	{"Complete", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete", Body: map[string]any{"completed": true}}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		got, sub := mustGet(t, f, s.tokO, s.task), mustGet(t, f, s.tokO, s.sub)
		if !got.Completed || !sub.Completed {
			t.Errorf("after complete: task %v, subtask %v", got.Completed, sub.Completed)
		}
		// The next occurrence of the repeating task, with an open copy of its subtask, is
		// the owner's, in the list.
		tasks, _ := f.list(t, s.tokO, "list_id="+s.g.String()+"&status=pending&sort=created&order=asc")
		if got := titles(tasks); !slices.Equal(got, []string{"Buy eggs", "Buy milk", "Skimmed"}) {
			t.Errorf("pending after completing a repeating task: %q, want eggs and the next occurrence with its subtask", got)
		}
	}},
	{"Uncomplete", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete", Body: map[string]any{"completed": false}}
	}, nil},
	{"Toggle", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPatch, Path: taskPath(id) + "/complete"}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		if got := mustGet(t, f, s.tokO, s.task); !got.Completed {
			t.Errorf("after toggle the task is pending")
		}
	}},
	{"Delete", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodDelete, Path: taskPath(id)}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		for _, id := range []uuid.UUID{s.task, s.sub} {
			wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(id), Token: s.tokO}), http.StatusNotFound)
		}
	}},
	{"Restore", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		if id == s.task {
			id = s.gone
		}
		return apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/restore"}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		mustGet(t, f, s.tokO, s.gone)
	}},
	{"Move", func(s *sharedWrite, id uuid.UUID) apitest.Req {
		return apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/move", Body: map[string]any{"after_id": s.sibling}}
	}, func(t *testing.T, f *fixture, s *sharedWrite) {
		tasks, _ := f.list(t, s.tokO, "list_id="+s.g.String()+"&top_level=true&sort=position")
		if got := ids(tasks); !slices.Equal(got, []uuid.UUID{s.sibling, s.task}) {
			t.Errorf("after the move: %q, want eggs then milk", titles(tasks))
		}
	}},
}

// TestSharedTaskWrites: every write of an existing task of a shared list, by each role. The
// owner and an editor write it — as the owner's task: the owner's clock stamps it and the
// owner's feed shows it; a viewer gets 403 (urn:todo-api:problem:forbidden); a non-member and
// a removed member get exactly what a missing id gets; a refused write changes nothing.
func TestSharedTaskWrites(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, route := range taskWriteRoutes {
		for _, role := range []string{"owner", "editor", "viewer", "outsider", "removed"} {
			t.Run(route.name+"/"+role, func(t *testing.T) {
				t.Parallel()
				s := newSharedWrite(t, f)
				if route.name == "Uncomplete" {
					wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(s.task) + "/complete", Token: s.tokO, Body: map[string]any{"completed": true}}), http.StatusOK)
				}
				tok := map[string]string{"owner": s.tokO, "editor": s.tokE, "viewer": s.tokV, "outsider": s.tokN, "removed": s.tokR}[role]
				before := s.ownerFeed(t, f)
				feedBefore := decodeChanges(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: changesPath("", 200), Token: s.tokO}))
				last := feedBefore[len(feedBefore)-1].at()
				req := route.req(s, s.task)
				req.Token = tok
				r := f.Do(t, req)
				switch role {
				case "owner", "editor":
					if r.Status < 200 || r.Status > 299 {
						t.Fatalf("the %s's %s: %d %s", role, route.name, r.Status, r.Body)
					}
					if route.done != nil {
						route.done(t, f, s)
					}
					changed, _ := f.feed(t, s.tokO, changesPath(last, 0))
					if len(changed) == 0 {
						t.Errorf("the owner's feed after the %s's %s shows nothing new", role, route.name)
					}
				case "viewer":
					if p := wantProblem(t, r, http.StatusForbidden); p.Type != "urn:todo-api:problem:forbidden" {
						t.Errorf("the viewer's %s: problem type %q", route.name, p.Type)
					}
				default:
					wantProblem(t, r, http.StatusNotFound)
					missing := route.req(s, uuid.New())
					missing.Token = tok
					m := f.Do(t, missing)
					wantProblem(t, m, http.StatusNotFound)
					if a, b := withoutInstance(t, r), withoutInstance(t, m); !bytes.Equal(a, b) {
						t.Errorf("the %s's %s: %s\nwhat a missing id gets: %s", role, route.name, a, b)
					}
				}
				if role != "owner" && role != "editor" {
					if after := s.ownerFeed(t, f); !bytes.Equal(before, after) {
						t.Errorf("the %s's refused %s changed the owner's tasks:\n%s\n%s", role, route.name, before, after)
					}
				}
			})
		}
	}
}

// TestSharedTaskBulk: a bulk action of an editor applies to their own tasks and to the tasks
// of the lists they edit (as the owner's: the owner reads the change), gives `forbidden` for
// a task of a list they only view (unchanged) and `not_found` for the owner's private task
// and a missing id; a replay after the editor lost the list says `not_found` for its tasks.
func TestSharedTaskBulk(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, action := range []string{"complete", "delete", "add_tags"} {
		t.Run(action, func(t *testing.T) {
			t.Parallel()
			owner, editor := userFor(t, "owner"), userFor(t, "editor")
			tokO, tokE := f.Token(t, owner), f.Token(t, editor)
			g := f.createList(t, tokO, map[string]any{"name": "Edited"}).Id
			v := f.createList(t, tokO, map[string]any{"name": "Viewed"}).Id
			f.share(t, owner, g, editor, "editor")
			f.share(t, owner, v, editor, "viewer")
			inG, _ := f.create(t, tokO, map[string]any{"title": "In g", "list_id": g})
			inV, _ := f.create(t, tokO, map[string]any{"title": "In v", "list_id": v})
			private, _ := f.create(t, tokO, map[string]any{"title": "Private"})
			mine, _ := f.create(t, tokE, map[string]any{"title": "Mine"})
			body := map[string]any{"action": action, "ids": []uuid.UUID{mine.Id, inG.Id, inV.Id, private.Id, uuid.New()}}
			if action == "add_tags" {
				body["tags"] = []string{"shared"}
			}
			req := apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: tokE, Body: body, Header: map[string]string{"Idempotency-Key": "bulk-" + action}}
			r := f.Do(t, req)
			wantStatus(t, r, http.StatusOK)
			var res api.TaskBulkResults
			r.JSON(t, &res)
			var got []string
			for _, x := range res.Results {
				got = append(got, string(x.Status))
			}
			if want := []string{"ok", "ok", "forbidden", "not_found", "not_found"}; !slices.Equal(got, want) {
				t.Fatalf("results %v, want %v", got, want)
			}
			changed := func(task api.Task) bool {
				r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: tokO})
				if r.Status == http.StatusNotFound {
					return action == "delete"
				}
				wantStatus(t, r, http.StatusOK)
				now := r.Task(t)
				return now.Completed || len(now.Tags) > 0
			}
			if !changed(inG) || changed(inV) || changed(private) {
				t.Errorf("as the owner reads them: the edited list's task changed %v, the viewed one's %v, the private one's %v; want true, false, false",
					changed(inG), changed(inV), changed(private))
			}

			f.unshare(t, g, editor)
			r = f.Do(t, req)
			wantStatus(t, r, http.StatusOK)
			r.JSON(t, &res)
			if s := res.Results[1].Status; s != "not_found" {
				t.Errorf("a replay after the editor lost the list: %q for its task, want not_found", s)
			}
			if s := res.Results[0].Status; s != "ok" {
				t.Errorf("a replay: %q for the editor's own task, want ok", s)
			}
		})
	}
}

// TestSharedTaskMoveAndPreconditions: an editor moves a task only to a list they may write —
// a list they only view is 403, a list of the owner's they are no member of is what a
// missing list gets (422 naming /list_id); nothing moves on a refusal. If-Match holds for an
// editor as for the owner.
func TestSharedTaskMoveAndPreconditions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	s := newSharedWrite(t, f)
	viewed := f.createList(t, s.tokO, map[string]any{"name": "Viewed"}).Id
	f.share(t, s.owner, viewed, s.editor, "viewer")
	private := f.createList(t, s.tokO, map[string]any{"name": "Private"}).Id

	patch := func(tok string, id uuid.UUID, body map[string]any, header map[string]string) *apitest.Response {
		return f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: tok, Body: body, ContentType: "application/merge-patch+json", Header: header})
	}
	before := s.ownerFeed(t, f)
	unchanged := func(t *testing.T, what string) {
		t.Helper()
		if after := s.ownerFeed(t, f); !bytes.Equal(before, after) {
			t.Errorf("%s changed the owner's tasks", what)
		}
	}

	t.Run("ToAListTheEditorOnlyViews", func(t *testing.T) {
		r := patch(s.tokE, s.task, map[string]any{"list_id": viewed}, nil)
		if p := wantProblem(t, r, http.StatusForbidden); p.Type != "urn:todo-api:problem:forbidden" {
			t.Errorf("problem type %q", p.Type)
		}
		unchanged(t, "a move to a viewed list")
	})
	t.Run("ToAListOfTheOwnersTheEditorIsNoMemberOf", func(t *testing.T) {
		r := patch(s.tokE, s.task, map[string]any{"list_id": private}, nil)
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity), "/list_id")
		m := patch(s.tokE, s.task, map[string]any{"list_id": uuid.New()}, nil)
		if a, b := withoutInstance(t, r), withoutInstance(t, m); !bytes.Equal(a, b) {
			t.Errorf("a move to the owner's private list: %s\nto a missing list: %s", a, b)
		}
		unchanged(t, "a move to a private list")
	})
	t.Run("IfMatch", func(t *testing.T) {
		_, tag := f.get(t, s.tokE, s.task)
		wantStatus(t, patch(s.tokO, s.task, map[string]any{"title": "Changed by the owner"}, nil), http.StatusOK)
		r := patch(s.tokE, s.task, map[string]any{"title": "Stale"}, map[string]string{"If-Match": tag})
		wantProblem(t, r, http.StatusPreconditionFailed)
		_, tag = f.get(t, s.tokE, s.task)
		r = patch(s.tokE, s.task, map[string]any{"title": "Fresh"}, map[string]string{"If-Match": tag})
		wantStatus(t, r, http.StatusOK)
		r = f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(s.task), Token: s.tokE, Header: map[string]string{"If-Match": tag}})
		wantProblem(t, r, http.StatusPreconditionFailed)
		if got := mustGet(t, f, s.tokO, s.task); got.Title != "Fresh" {
			t.Errorf("the owner reads %q", got.Title)
		}
	})
}

// TestSharedTaskMoveAcrossOwners: a task moved to a list of another owner — by an editor of
// both lists, or by its owner to a list they edit — becomes that owner's with its subtree:
// the old owner no longer reads it, its tags, search text and live-task count follow it, and
// it can move back. A list the mover only views is 403 and nothing moves.
func TestSharedTaskMoveAcrossOwners(t *testing.T) {
	t.Parallel()
	f := setup(t)
	s := newSharedWrite(t, f)
	editorsOwn := f.createList(t, s.tokE, map[string]any{"name": "Editor's own"}).Id
	viewed := f.createList(t, s.tokE, map[string]any{"name": "Viewed by the owner"}).Id
	f.share(t, s.editor, viewed, s.owner, "viewer")
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(s.task), Token: s.tokO,
		Body: map[string]any{"tags": []string{"dairy"}, "description": "semi-skimmed"}, ContentType: "application/merge-patch+json"}), http.StatusOK)
	patch := func(tok string, id, list uuid.UUID) *apitest.Response {
		return f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: tok, Body: map[string]any{"list_id": list}, ContentType: "application/merge-patch+json"})
	}
	liveTasks := func(user string) (n int) {
		t.Helper()
		if err := f.Pool.QueryRow(t.Context(), `SELECT coalesce((SELECT live_tasks FROM user_clocks WHERE user_id = $1), 0)`, user).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tagNames := func(tok string) []string {
		t.Helper()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags", Token: tok})
		wantStatus(t, r, http.StatusOK)
		var tags []api.TagCount
		r.JSON(t, &tags)
		var names []string
		for _, tc := range tags {
			names = append(names, tc.Name)
		}
		return names
	}
	ownerTasks, editorTasks := liveTasks(s.owner), liveTasks(s.editor)

	r := patch(s.tokE, s.task, editorsOwn)
	wantStatus(t, r, http.StatusOK)
	if got := r.Task(t); got.ListId != editorsOwn || got.Title != "Buy milk" {
		t.Fatalf("the moved task: list %v, title %q", got.ListId, got.Title)
	}
	if sub := mustGet(t, f, s.tokE, s.sub); sub.ListId != editorsOwn || sub.ParentId.MustGet() != s.task {
		t.Errorf("the moved subtask: list %v, parent %v", sub.ListId, sub.ParentId)
	}
	for _, id := range []uuid.UUID{s.task, s.sub} {
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(id), Token: s.tokO}), http.StatusNotFound)
	}
	if o, e := liveTasks(s.owner), liveTasks(s.editor); o != ownerTasks-2 || e != editorTasks+2 {
		t.Errorf("live tasks: owner %d, editor %d; want %d and %d", o, e, ownerTasks-2, editorTasks+2)
	}
	if o, e := tagNames(s.tokO), tagNames(s.tokE); slices.Contains(o, "dairy") || !slices.Contains(e, "dairy") {
		t.Errorf("tags: owner %v, editor %v; want dairy with the editor only", o, e)
	}
	if found, _ := f.list(t, s.tokE, "q=semi-skimmed&list_id="+editorsOwn.String()); len(found) != 1 {
		t.Errorf("the editor's search finds %q, want the moved task", titles(found))
	}
	if found, _ := f.list(t, s.tokO, "q=semi-skimmed"); len(found) != 0 {
		t.Errorf("the owner's search finds %q, want nothing", titles(found))
	}

	t.Run("BackAgain", func(t *testing.T) {
		wantStatus(t, patch(s.tokE, s.task, s.g), http.StatusOK)
		if got := mustGet(t, f, s.tokO, s.sub); got.ListId != s.g {
			t.Errorf("the subtask came back to %v", got.ListId)
		}
		if o, e := liveTasks(s.owner), liveTasks(s.editor); o != ownerTasks || e != editorTasks {
			t.Errorf("live tasks: owner %d, editor %d; want %d and %d", o, e, ownerTasks, editorTasks)
		}
	})
	t.Run("ToAListTheMoverOnlyViews", func(t *testing.T) {
		before := s.ownerFeed(t, f)
		r := patch(s.tokO, s.sibling, viewed)
		if p := wantProblem(t, r, http.StatusForbidden); p.Type != "urn:todo-api:problem:forbidden" {
			t.Errorf("problem type %q", p.Type)
		}
		if after := s.ownerFeed(t, f); !bytes.Equal(before, after) {
			t.Errorf("a refused move changed the owner's tasks")
		}
	})
}
