package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// bulk posts a bulk request as tok's user, with an Idempotency-Key when key is set.
func (f *fixture) bulk(t *testing.T, tok, key string, body any) *apitest.Response {
	t.Helper()
	req := apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: tok, Body: body}
	if key != "" {
		req.Header = map[string]string{"Idempotency-Key": key}
	}
	return f.Do(t, req)
}

// bulkOK posts a bulk request, fails unless 200, and returns the statuses in order, checking
// that the results follow the request's ids.
func (f *fixture) bulkOK(t *testing.T, tok string, action string, idList []uuid.UUID, tags ...string) ([]string, api.TaskBulkResults) {
	t.Helper()
	body := map[string]any{"action": action, "ids": idList}
	if len(tags) > 0 {
		body["tags"] = tags
	}
	r := f.bulk(t, tok, "", body)
	wantStatus(t, r, http.StatusOK)
	var res api.TaskBulkResults
	r.JSON(t, &res)
	if len(res.Results) != len(idList) {
		t.Fatalf("%d results for %d ids", len(res.Results), len(idList))
	}
	out := make([]string, len(res.Results))
	for i, x := range res.Results {
		if x.Id != idList[i] {
			t.Fatalf("result %d is for %s, want %s", i, x.Id, idList[i])
		}
		out[i] = string(x.Status)
	}
	return out, res
}

func TestBulkTasks(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	t.Run("EveryAction", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		a := f.createA(t, map[string]any{"title": "a", "tags": []string{"keep"}})
		b := f.createA(t, map[string]any{"title": "b"})
		missing := uuid.New()
		both := []uuid.UUID{a.Id, missing, b.Id}
		check := func(action string, tags ...string) {
			t.Helper()
			if got, _ := f.bulkOK(t, f.tokA, action, both, tags...); !slices.Equal(got, []string{"ok", "not_found", "ok"}) {
				t.Fatalf("%s: %q", action, got)
			}
		}
		check("complete")
		if got, _ := f.get(t, f.tokA, a.Id); !got.Completed {
			t.Error("not completed")
		}
		check("uncomplete")
		check("add_tags", "  Urgent ", "q4", "urgent")
		if got, _ := f.get(t, f.tokA, a.Id); !slices.Equal(got.Tags, []string{"keep", "urgent", "q4"}) {
			t.Errorf("tags after add_tags: %q", got.Tags)
		}
		check("remove_tags", "URGENT")
		if got, _ := f.get(t, f.tokA, b.Id); !slices.Equal(got.Tags, []string{"q4"}) {
			t.Errorf("tags after remove_tags: %q", got.Tags)
		}
		check("delete")
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 0 {
			t.Errorf("%d tasks left after deleting both", len(tasks))
		}
		// Deleted tasks are not found for everything but restore.
		if got, _ := f.bulkOK(t, f.tokA, "complete", both); !slices.Equal(got, []string{"not_found", "not_found", "not_found"}) {
			t.Errorf("complete on deleted tasks: %q", got)
		}
		check("restore")
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 2 {
			t.Errorf("%d tasks after restore, want 2", len(tasks))
		}
	})

	t.Run("AddTagsBeyondTenIsInvalidForThatTaskOnly", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		full := f.createA(t, map[string]any{"title": "full", "tags": []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}})
		room := f.createA(t, map[string]any{"title": "room"})
		got, res := f.bulkOK(t, f.tokA, "add_tags", []uuid.UUID{full.Id, room.Id}, "extra")
		if !slices.Equal(got, []string{"invalid", "ok"}) || res.Results[0].Detail == nil || *res.Results[0].Detail == "" {
			t.Fatalf("statuses %q, detail %v", got, res.Results[0].Detail)
		}
		after, _ := f.get(t, f.tokA, full.Id)
		sameTask(t, after, full)
		if r, _ := f.get(t, f.tokA, room.Id); !slices.Equal(r.Tags, []string{"extra"}) {
			t.Errorf("the other task's tags: %q", r.Tags)
		}
	})

	t.Run("ForeignIDsAreNotFoundLikeUnknownOnes", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		mine := f.createA(t, map[string]any{"title": "A's", "tags": []string{"a"}})
		gone := f.createA(t, map[string]any{"title": "A's deleted"})
		f.deleteTask(t, f.tokA, gone.Id)
		_, beforeTag := f.get(t, f.tokA, mine.Id)
		for _, action := range []string{"complete", "uncomplete", "delete", "restore", "add_tags", "remove_tags"} {
			var tags []string
			if strings.HasSuffix(action, "_tags") {
				tags = []string{"a", "pwned"}
			}
			got, res := f.bulkOK(t, f.tokB, action, []uuid.UUID{mine.Id, gone.Id, uuid.New()}, tags...)
			if !slices.Equal(got, []string{"not_found", "not_found", "not_found"}) {
				t.Errorf("%s on A's tasks as B: %q", action, got)
			}
			for _, x := range res.Results {
				if x.Detail != nil {
					t.Errorf("%s: a not_found with a detail %q", action, *x.Detail)
				}
			}
		}
		after, tag := f.get(t, f.tokA, mine.Id)
		sameTask(t, after, mine)
		if tag != beforeTag {
			t.Errorf("A's task's ETag changed %q → %q", beforeTag, tag)
		}
		if changes, _ := f.feed(t, f.tokA, changesPath("", 0)); len(changes) != 2 || changes[1].tombstone == nil {
			t.Errorf("A's feed after B's bulk requests: %d changes", len(changes))
		}
	})

	t.Run("IdempotencyKey", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		task := f.createA(t, map[string]any{"title": "once"})
		body := map[string]any{"action": "delete", "ids": []uuid.UUID{task.Id}}
		first := f.bulk(t, f.tokA, "bulk-key", body)
		wantStatus(t, first, http.StatusOK)
		again := f.bulk(t, f.tokA, "bulk-key", body)
		wantStatus(t, again, http.StatusOK)
		if string(again.Body) != string(first.Body) || !strings.Contains(string(first.Body), `"ok"`) {
			t.Errorf("replay %s, first %s", again.Body, first.Body)
		}
		// Without the key, a second delete finds nothing.
		if got, _ := f.bulkOK(t, f.tokA, "delete", []uuid.UUID{task.Id}); got[0] != "not_found" {
			t.Errorf("second delete: %q", got)
		}
		// Another body under the key is refused, naming the header.
		r := f.bulk(t, f.tokA, "bulk-key", map[string]any{"action": "restore", "ids": []uuid.UUID{task.Id}})
		wantField(t, wantProblem(t, r, http.StatusUnprocessableEntity), "header.Idempotency-Key")
		// The same key on POST /api/tasks is another key; so is B's.
		wantStatus(t, f.postKeyed(t, f.tokA, "bulk-key", map[string]any{"title": "new"}), http.StatusCreated)
		wantStatus(t, f.bulk(t, f.tokB, "bulk-key", body), http.StatusOK)
		// Equivalent bodies (tag case and spacing) are the same request.
		tags1 := map[string]any{"action": "add_tags", "ids": []uuid.UUID{task.Id}, "tags": []string{"Home"}}
		tags2 := map[string]any{"tags": []string{" home "}, "ids": []uuid.UUID{task.Id}, "action": "add_tags"}
		wantStatus(t, f.bulk(t, f.tokA, "tags-key", tags1), http.StatusOK)
		wantStatus(t, f.bulk(t, f.tokA, "tags-key", tags2), http.StatusOK)
	})

	// B repeats a bulk request under the key A used too, with A's very body (A's ids): B gets
	// its own results (not_found) every time, never A's saved ones ("ok" for A's tasks) —
	// which would tell B that A's ids exist. With its own ids B gets its own results too.
	t.Run("AnotherUsersReplayOfAKeyGetsItsOwnResults", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		taskA := f.createA(t, map[string]any{"title": "A's"})
		taskB, _ := f.create(t, f.tokB, map[string]any{"title": "B's"})
		bodyA := map[string]any{"action": "complete", "ids": []uuid.UUID{taskA.Id}}
		bodyB := map[string]any{"action": "complete", "ids": []uuid.UUID{taskB.Id}}
		firstA := f.bulk(t, f.tokA, "one-key", bodyA)
		wantStatus(t, firstA, http.StatusOK)
		if !strings.Contains(string(firstA.Body), `"ok"`) {
			t.Fatalf("A's bulk: %s", firstA.Body)
		}
		for _, tc := range []struct {
			name, key  string
			body       map[string]any
			wantStatus api.TaskBulkResultStatus
		}{
			{"SameBodyAsA", "one-key", bodyA, api.TaskBulkResultStatusNotFound},
			{"OwnBody", "one-key-2", bodyB, api.TaskBulkResultStatusOk},
		} {
			if tc.key != "one-key" {
				// A holds this key too, for a body of its own.
				wantStatus(t, f.bulk(t, f.tokA, tc.key, bodyA), http.StatusOK)
			}
			first := f.bulk(t, f.tokB, tc.key, tc.body)
			wantStatus(t, first, http.StatusOK)
			for range 2 {
				again := f.bulk(t, f.tokB, tc.key, tc.body)
				wantStatus(t, again, http.StatusOK)
				var res api.TaskBulkResults
				again.JSON(t, &res)
				if string(again.Body) != string(first.Body) || len(res.Results) != 1 || res.Results[0].Status != tc.wantStatus {
					t.Errorf("%s: B's replay %s, B's first %s (A's was %s)", tc.name, again.Body, first.Body, firstA.Body)
				}
			}
		}
		if again := f.bulk(t, f.tokA, "one-key", bodyA); string(again.Body) != string(firstA.Body) {
			t.Errorf("A's replay %s, A's first %s", again.Body, firstA.Body)
		}
		if got, _ := f.get(t, f.tokB, taskB.Id); !got.Completed {
			t.Error("B's task not completed by B's own bulk")
		}
	})

	t.Run("RefusedBodies", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		id := f.createA(t, map[string]any{"title": "untouched"}).Id
		many := make([]string, 101)
		for i := range many {
			many[i] = uuid.NewString()
		}
		for _, tc := range []struct {
			name   string
			body   any
			status int
			field  string
		}{
			{"NoIDs", map[string]any{"action": "complete", "ids": []string{}}, 422, "/ids"},
			{"TooManyIDs", map[string]any{"action": "complete", "ids": many}, 422, "/ids"},
			{"IDsMissing", map[string]any{"action": "complete"}, 422, "/ids"},
			{"RepeatedID", map[string]any{"action": "complete", "ids": []string{id.String(), id.String()}}, 422, "/ids"},
			{"RepeatedIDInAnotherCase", map[string]any{"action": "complete", "ids": []string{id.String(), strings.ToUpper(id.String())}}, 422, "/ids/1"},
			{"NotAUUID", map[string]any{"action": "complete", "ids": []string{"nope"}}, 422, "/ids/0"},
			{"UnknownAction", map[string]any{"action": "archive", "ids": []string{id.String()}}, 422, "/action"},
			{"ActionMissing", map[string]any{"ids": []string{id.String()}}, 422, "/action"},
			{"TagsMissing", map[string]any{"action": "add_tags", "ids": []string{id.String()}}, 422, "/tags"},
			{"TagsEmpty", map[string]any{"action": "remove_tags", "ids": []string{id.String()}, "tags": []string{}}, 422, "/tags"},
			{"TagsWithOtherAction", map[string]any{"action": "complete", "ids": []string{id.String()}, "tags": []string{"x"}}, 422, "/tags"},
			{"TagBlankAfterTrim", map[string]any{"action": "add_tags", "ids": []string{id.String()}, "tags": []string{"  "}}, 422, "/tags/0"},
			{"TagTooLong", map[string]any{"action": "add_tags", "ids": []string{id.String()}, "tags": []string{strings.Repeat("x", 33)}}, 422, "/tags/0"},
			{"ElevenTags", map[string]any{"action": "add_tags", "ids": []string{id.String()}, "tags": strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}, 422, "/tags"},
			{"UnknownProperty", map[string]any{"action": "complete", "ids": []string{id.String()}, "user_id": "someone"}, 422, "/user_id"},
			{"TagZeroWidthOnly", map[string]any{"action": "add_tags", "ids": []string{id.String()}, "tags": []string{"ok", "\u200b\ufeff"}}, 422, "/tags/1"},
			{"TagLoneSurrogate", `{"action":"add_tags","ids":["` + id.String() + `"],"tags":["ok","\ud800"]}`, 422, "/tags/1"},
			{"TagInvalidUTF8", "{\"action\":\"add_tags\",\"ids\":[\"" + id.String() + "\"],\"tags\":[\"\xff\"]}", 422, "/tags/0"},
			{"MalformedJSON", `{"action":`, 400, ""},
			{"NotJSON", "action=complete", 415, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: f.tokA, Body: tc.body}
				if tc.status == 415 {
					req.ContentType = "text/plain"
				}
				p := wantProblem(t, f.Do(t, req), tc.status)
				if tc.field != "" {
					wantField(t, p, tc.field)
				}
			})
		}
		got, _ := f.get(t, f.tokA, id)
		if got.Completed || len(got.Tags) != 0 {
			t.Errorf("a refused request changed the task: %s", taskString(got))
		}
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks/bulk", Token: f.tokA}), http.StatusBadRequest)
	})

	t.Run("HundredIDs", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		var idList []uuid.UUID
		for i := range 100 {
			if i < 3 {
				idList = append(idList, f.createA(t, map[string]any{"title": fmt.Sprint(i)}).Id)
			} else {
				idList = append(idList, uuid.New())
			}
		}
		got, _ := f.bulkOK(t, f.tokA, "complete", idList)
		if n := len(slices.DeleteFunc(slices.Clone(got), func(s string) bool { return s != "ok" })); n != 3 {
			t.Errorf("%d ok of 100, want 3", n)
		}
	})
}
