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

// TestSharedTaskMoveAndPreconditions: an editor moves a task only to a list of the same
// owner that they may write — a list they only view is 403, a list of the owner's they are
// no member of is what a missing list gets (422 naming /list_id), a list of another owner
// (their own) is 422 naming /list_id, and an owner's move to a list shared with them is the
// same 422; nothing moves on a refusal. If-Match holds for an editor as for the owner.
func TestSharedTaskMoveAndPreconditions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	s := newSharedWrite(t, f)
	viewed := f.createList(t, s.tokO, map[string]any{"name": "Viewed"}).Id
	f.share(t, s.owner, viewed, s.editor, "viewer")
	private := f.createList(t, s.tokO, map[string]any{"name": "Private"}).Id
	editorsOwn := f.createList(t, s.tokE, map[string]any{"name": "Editor's own"}).Id
	ownersOther, _ := f.create(t, s.tokE, map[string]any{"title": "Editor's task", "list_id": editorsOwn})

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
	t.Run("ToAnotherOwnersList", func(t *testing.T) {
		r := patch(s.tokE, s.task, map[string]any{"list_id": editorsOwn}, nil)
		p := wantProblem(t, r, http.StatusUnprocessableEntity)
		wantField(t, p, "/list_id")
		// The editor's own task into the owner's list they edit: the same answer.
		r = patch(s.tokE, ownersOther.Id, map[string]any{"list_id": s.g}, nil)
		if a, b := withoutInstance(t, r), withoutInstance(t, patch(s.tokE, s.task, map[string]any{"list_id": editorsOwn}, nil)); !bytes.Equal(a, b) {
			t.Errorf("a move of the editor's own task to the shared list: %s\nwant %s", a, b)
		}
		unchanged(t, "a move to another owner's list")
		if got := mustGet(t, f, s.tokE, ownersOther.Id); got.ListId != editorsOwn {
			t.Errorf("the editor's task moved to %v", got.ListId)
		}
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
