package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// Subtasks and tasks in lists over HTTP (issue 14): each rule of the contract's "Tasks in
// lists, and subtasks", with the hostile inputs its "Bad input" names.

// subOf creates a subtask of parent for tok's user.
func (f *fixture) subOf(t *testing.T, tok string, parent api.Task, title string) api.Task {
	t.Helper()
	task, _ := f.create(t, tok, map[string]any{"title": title, "parent_id": parent.Id})
	return task
}

// countsOf are a task's subtask counts.
func countsOf(task api.Task) [2]int { return [2]int{task.Subtasks.Total, task.Subtasks.Completed} }

func parentOf(task api.Task) *uuid.UUID {
	if task.ParentId.IsNull() || !task.ParentId.IsSpecified() {
		return nil
	}
	id := task.ParentId.MustGet()
	return &id
}

func TestSubtasksCreate(t *testing.T) {
	t.Parallel()
	f := setup(t)
	l0 := f.createA(t, map[string]any{"title": "level 0"})
	l1 := f.subOf(t, f.tokA, l0, "level 1")
	l2 := f.subOf(t, f.tokA, l1, "level 2")
	l3 := f.subOf(t, f.tokA, l2, "level 3")
	other := f.createList(t, f.tokA, map[string]any{"name": "Work"})
	theirs, _ := f.create(t, f.tokB, map[string]any{"title": "B's"})
	theirList := f.createList(t, f.tokB, map[string]any{"name": "B's list"})
	gone := f.createA(t, map[string]any{"title": "deleted"})
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(gone.Id), Token: f.tokA}), http.StatusNoContent)

	t.Run("InTheParentsListWithCounts", func(t *testing.T) {
		if l3.ListId != l0.ListId || parentOf(l3) == nil || *parentOf(l3) != l2.Id {
			t.Fatalf("level 3: list %v parent %v", l3.ListId, parentOf(l3))
		}
		got, _ := f.get(t, f.tokA, l2.Id)
		if countsOf(got) != [2]int{1, 0} || got.UpdatedAt.Before(l3.UpdatedAt) {
			t.Fatalf("level 2 after its subtask: counts %v updated %v (subtask %v)", countsOf(got), got.UpdatedAt, l3.UpdatedAt)
		}
		inList, _ := f.create(t, f.tokA, map[string]any{"title": "in Work", "list_id": other.Id})
		if inList.ListId != other.Id || !inList.ParentId.IsNull() {
			t.Fatalf("in Work: %v %v", inList.ListId, inList.ParentId)
		}
	})

	// The same 422 for a parent or list that is missing, deleted or another user's.
	refused := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"MissingParent", map[string]any{"title": "x", "parent_id": uuid.New()}, "/parent_id"},
		{"DeletedParent", map[string]any{"title": "x", "parent_id": gone.Id}, "/parent_id"},
		{"AnotherUsersParent", map[string]any{"title": "x", "parent_id": theirs.Id}, "/parent_id"},
		{"FifthLevel", map[string]any{"title": "x", "parent_id": l3.Id}, "/parent_id"},
		{"ParentInAnotherList", map[string]any{"title": "x", "parent_id": l0.Id, "list_id": other.Id}, "/parent_id"},
		{"RepeatingSubtask", map[string]any{"title": "x", "parent_id": l0.Id, "due_date": "2030-01-01", "repeat": "daily"}, "/repeat"},
		{"MissingList", map[string]any{"title": "x", "list_id": uuid.New()}, "/list_id"},
		{"AnotherUsersList", map[string]any{"title": "x", "list_id": theirList.Id}, "/list_id"},
	}
	details := map[string]string{}
	for _, tt := range refused {
		t.Run("Refuses"+tt.name, func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: tt.body})
			p := wantProblem(t, r, http.StatusUnprocessableEntity)
			wantFields(t, p, tt.field)
			details[tt.name] = (*p.Errors)[0].Message
		})
	}
	t.Run("NoExistenceOracle", func(t *testing.T) {
		if details["MissingParent"] != details["AnotherUsersParent"] || details["MissingParent"] != details["DeletedParent"] ||
			details["MissingList"] != details["AnotherUsersList"] {
			t.Fatalf("messages differ: %q", details)
		}
	})
}

func TestSubtasksCascades(t *testing.T) {
	t.Parallel()
	f := setup(t)

	tree := func(t *testing.T, f *fixture) (root, a, a1 api.Task) {
		root = f.createA(t, map[string]any{"title": "root"})
		a = f.subOf(t, f.tokA, root, "a")
		a1 = f.subOf(t, f.tokA, a, "a1")
		return
	}
	t.Run("CompleteCompletesTheSubtree", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		root, a, a1 := tree(t, f)
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(root.Id) + "/complete", Token: f.tokA, Body: map[string]any{"completed": true}})
		wantStatus(t, r, http.StatusOK)
		if got := r.Task(t); countsOf(got) != [2]int{1, 1} {
			t.Fatalf("root's counts %v", countsOf(got))
		}
		for _, task := range []api.Task{a, a1} {
			if got, _ := f.get(t, f.tokA, task.Id); !got.Completed {
				t.Fatalf("%s open after completing the root", task.Title)
			}
		}
	})
	t.Run("DeleteAndRestoreTheSubtree", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		root, _, a1 := tree(t, f)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(root.Id), Token: f.tokA}), http.StatusNoContent)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(a1.Id), Token: f.tokA}), http.StatusNotFound)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(root.Id) + "/restore", Token: f.tokA}), http.StatusOK)
		if got, _ := f.get(t, f.tokA, a1.Id); parentOf(got) == nil {
			t.Fatal("a1 restored without its parent")
		}
	})
	t.Run("BulkDeleteCascades", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		root, _, a1 := tree(t, f)
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: f.tokA, Body: map[string]any{"action": "delete", "ids": []uuid.UUID{root.Id}}})
		wantStatus(t, r, http.StatusOK)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(a1.Id), Token: f.tokA}), http.StatusNotFound)
	})
}

func TestSubtasksMove(t *testing.T) {
	t.Parallel()
	f := setup(t)

	t.Run("APutWithoutListOrParentKeepsThem", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		root := f.createA(t, map[string]any{"title": "root"})
		a := f.subOf(t, f.tokA, root, "a")
		r := f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(a.Id), Token: f.tokA, Body: map[string]any{"title": "a, renamed by a v1.0 client"}})
		wantStatus(t, r, http.StatusOK)
		if got := r.Task(t); parentOf(got) == nil || *parentOf(got) != root.Id || got.ListId != root.ListId {
			t.Fatalf("PUT moved the task: parent %v list %v", parentOf(got), got.ListId)
		}
	})
	t.Run("PatchListIdMovesTheSubtree", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		other := f.createList(t, f.tokA, map[string]any{"name": "Other"})
		root := f.createA(t, map[string]any{"title": "root"})
		a := f.subOf(t, f.tokA, root, "a")
		a1 := f.subOf(t, f.tokA, a, "a1")
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(a.Id), Token: f.tokA, Body: map[string]any{"list_id": other.Id}})
		wantStatus(t, r, http.StatusOK)
		if got := r.Task(t); got.ListId != other.Id || parentOf(got) != nil {
			t.Fatalf("a moved alone: list %v parent %v; want top-level in %v", got.ListId, parentOf(got), other.Id)
		}
		if got, _ := f.get(t, f.tokA, a1.Id); got.ListId != other.Id {
			t.Fatalf("a1 stayed in %v", got.ListId)
		}
		tasks, _ := f.list(t, f.tokA, "list_id="+other.Id.String()+"&top_level=true")
		if len(tasks) != 1 || tasks[0].Id != a.Id {
			t.Fatalf("top level of Other: %v", tasks)
		}
	})

	refused := []struct {
		name  string
		body  func(root, a, a1, b api.Task, theirs api.Task) (uuid.UUID, map[string]any)
		field string
	}{
		{"Cycle", func(root, a, a1, b, theirs api.Task) (uuid.UUID, map[string]any) {
			return a.Id, map[string]any{"parent_id": a1.Id}
		}, "/parent_id"},
		{"Itself", func(root, a, a1, b, theirs api.Task) (uuid.UUID, map[string]any) {
			return a.Id, map[string]any{"parent_id": a.Id}
		}, "/parent_id"},
		{"AnotherUsersParent", func(root, a, a1, b, theirs api.Task) (uuid.UUID, map[string]any) {
			return a.Id, map[string]any{"parent_id": theirs.Id}
		}, "/parent_id"},
		{"ASubtaskThatRepeats", func(root, a, a1, b, theirs api.Task) (uuid.UUID, map[string]any) {
			return a1.Id, map[string]any{"due_date": "2030-01-01", "repeat": "weekly"}
		}, "/repeat"},
		{"MissingList", func(root, a, a1, b, theirs api.Task) (uuid.UUID, map[string]any) {
			return a.Id, map[string]any{"list_id": uuid.New(), "title": "must not change"}
		}, "/list_id"},
	}
	for _, tt := range refused {
		t.Run("Refuses"+tt.name, func(t *testing.T) {
			t.Parallel()
			f := f.sub(t)
			root := f.createA(t, map[string]any{"title": "root"})
			a := f.subOf(t, f.tokA, root, "a")
			a1 := f.subOf(t, f.tokA, a, "a1")
			b := f.createA(t, map[string]any{"title": "b"})
			theirs, _ := f.create(t, f.tokB, map[string]any{"title": "B's"})
			id, body := tt.body(root, a, a1, b, theirs)
			before, tag := f.get(t, f.tokA, id)
			r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: f.tokA, Body: body})
			wantFields(t, wantProblem(t, r, http.StatusUnprocessableEntity), tt.field)
			if after, tag2 := f.get(t, f.tokA, id); tag2 != tag || after.Title != before.Title {
				t.Fatalf("a refused patch changed the task: %s → %s", tag, tag2)
			}
		})
	}
	t.Run("MoveAfterANonSiblingIs422", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		root := f.createA(t, map[string]any{"title": "root"})
		a := f.subOf(t, f.tokA, root, "a")
		b := f.createA(t, map[string]any{"title": "b"})
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(b.Id) + "/move", Token: f.tokA, Body: map[string]any{"after_id": a.Id}})
		wantFields(t, wantProblem(t, r, http.StatusUnprocessableEntity), "/after_id")
		r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(b.Id) + "/move", Token: f.tokA, Body: map[string]any{"after_id": root.Id}})
		wantStatus(t, r, http.StatusOK)
	})
}

func TestSubtasksListing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	other := f.createList(t, f.tokA, map[string]any{"name": "Other"})
	theirList := f.createList(t, f.tokB, map[string]any{"name": "B's"})
	root := f.createA(t, map[string]any{"title": "root", "tags": []string{"home"}})
	a := f.subOf(t, f.tokA, root, "a")
	f.subOf(t, f.tokA, a, "a1")
	f.createA(t, map[string]any{"title": "work", "list_id": other.Id, "tags": []string{"job"}, "completed": true})

	tests := []struct {
		query string
		want  []string
	}{
		{"sort=title", []string{"a", "a1", "root", "work"}},
		{"sort=title&list_id=" + other.Id.String(), []string{"work"}},
		{"sort=title&top_level=true", []string{"root", "work"}},
		{"sort=title&top_level=false", []string{"a", "a1"}},
		{"sort=title&parent_id=" + root.Id.String(), []string{"a"}},
		{"sort=title&list_id=" + root.ListId.String() + "&top_level=true", []string{"root"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			tasks, _ := f.list(t, f.tokA, tt.query)
			var titles []string
			for _, task := range tasks {
				titles = append(titles, task.Title)
			}
			if len(titles) != len(tt.want) || len(titles) > 0 && fmtQ(titles) != fmtQ(tt.want) {
				t.Fatalf("titles %q, want %q", titles, tt.want)
			}
		})
	}
	t.Run("StatsAndTagsOfOneList", func(t *testing.T) {
		t.Parallel()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats?list_id=" + other.Id.String(), Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		var st api.TaskStats
		r.JSON(t, &st)
		if st.Total != 1 || st.Completed != 1 {
			t.Fatalf("stats of Other: %+v", st)
		}
		// Every list's counts are another answer: their ETag is not this one's.
		all := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/stats", Token: f.tokA, Header: map[string]string{"If-None-Match": r.Header.Get("ETag")}})
		wantStatus(t, all, http.StatusOK)
		r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags?list_id=" + other.Id.String(), Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		var tags []api.TagCount
		r.JSON(t, &tags)
		if len(tags) != 1 || tags[0].Name != "job" || tags[0].Count != 1 {
			t.Fatalf("tags of Other: %+v", tags)
		}
	})
	// A list the caller is not a member of: 404 on the three, as for one that does not exist.
	for _, path := range []string{"/api/tasks", "/api/tasks/stats", "/api/tags"} {
		for name, id := range map[string]uuid.UUID{"AnotherUsersList": theirList.Id, "MissingList": uuid.New()} {
			t.Run(path+"/"+name, func(t *testing.T) {
				t.Parallel()
				r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path + "?list_id=" + id.String(), Token: f.tokA})
				wantProblem(t, r, http.StatusNotFound)
			})
		}
	}
}

func fmtQ(s []string) string {
	out := ""
	for _, x := range s {
		out += x + "\x00"
	}
	return out
}
