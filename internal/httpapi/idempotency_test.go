package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// postKeyed creates a task with an Idempotency-Key.
func (f *fixture) postKeyed(t *testing.T, tok, key string, body any) *apitest.Response {
	t.Helper()
	return f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: body, Header: map[string]string{"Idempotency-Key": key}})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	body := map[string]any{"title": "Pay rent", "priority": "high", "tags": []string{"money"}}

	t.Run("SameKeySameBodyReplaysTheFirstResponse", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		first := f.postKeyed(t, f.tokA, "key-1", body)
		wantStatus(t, first, http.StatusCreated)
		orig := first.Task(t)
		for range 3 {
			again := f.postKeyed(t, f.tokA, "key-1", body)
			wantStatus(t, again, http.StatusCreated)
			sameTask(t, again.Task(t), orig)
			if again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("ETag") != first.Header.Get("ETag") {
				t.Errorf("replay headers Location %q ETag %q, first %q %q", again.Header.Get("Location"), again.Header.Get("ETag"), first.Header.Get("Location"), first.Header.Get("ETag"))
			}
		}
		tasks, _ := f.list(t, f.tokA, "")
		if len(tasks) != 1 {
			t.Errorf("%d tasks after replays, want 1", len(tasks))
		}
	})
	t.Run("SameKeyDifferentBodyIs422", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		wantStatus(t, f.postKeyed(t, f.tokA, "key-2", body), http.StatusCreated)
		for _, other := range []map[string]any{
			{"title": "Pay rent", "priority": "low", "tags": []string{"money"}},
			{"title": "Something else"},
			{"title": "Pay rent", "priority": "high", "tags": []string{"money"}, "description": "more"},
		} {
			r := f.postKeyed(t, f.tokA, "key-2", other)
			wantProblem(t, r, http.StatusUnprocessableEntity)
		}
		tasks, _ := f.list(t, f.tokA, "")
		if len(tasks) != 1 || tasks[0].Title != "Pay rent" || tasks[0].Priority != api.PriorityHigh {
			t.Errorf("tasks after a refused reuse: %q", titles(tasks))
		}
	})
	t.Run("KeysArePerUser", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		a := f.postKeyed(t, f.tokA, "shared-key", body)
		wantStatus(t, a, http.StatusCreated)
		b := f.postKeyed(t, f.tokB, "shared-key", body)
		wantStatus(t, b, http.StatusCreated)
		if a.Task(t).Id == b.Task(t).Id {
			t.Fatal("B got A's task back for A's key")
		}
		// B may even use the key with another body.
		wantStatus(t, f.postKeyed(t, f.tokB, "shared-key-2", map[string]any{"title": "B"}), http.StatusCreated)
		wantStatus(t, f.postKeyed(t, f.tokA, "shared-key-2", body), http.StatusCreated)
		for _, tok := range []string{f.tokA, f.tokB} {
			if tasks, _ := f.list(t, tok, ""); len(tasks) != 2 {
				t.Errorf("%d tasks, want 2 each", len(tasks))
			}
		}
	})
	// B repeats a request under the key A used too: B's own task comes back, never A's,
	// whether B's body is A's or its own. Only a repeat reads a saved response, so B's
	// replay is what would show a lookup that lost its user.
	t.Run("AnotherUsersReplayOfAKeyGetsItsOwnTask", func(t *testing.T) {
		t.Parallel()
		secret := map[string]any{"title": "A's secret", "description": "only A may read this", "tags": []string{"private"}}
		for name, bodyB := range map[string]map[string]any{
			"SameBodyAsA": secret,
			"OwnBody":     {"title": "B's own"},
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := svc.sub(t)
				a := f.postKeyed(t, f.tokA, "one-key", secret)
				wantStatus(t, a, http.StatusCreated)
				taskA := a.Task(t)
				b := f.postKeyed(t, f.tokB, "one-key", bodyB)
				wantStatus(t, b, http.StatusCreated)
				taskB := b.Task(t)
				for range 2 {
					again := f.postKeyed(t, f.tokB, "one-key", bodyB)
					wantStatus(t, again, http.StatusCreated)
					if strings.Contains(string(again.Body), taskA.Id.String()) {
						t.Fatalf("B's replay returned A's task: %s", again.Body)
					}
					sameTask(t, again.Task(t), taskB)
					if again.Header.Get("Location") != b.Header.Get("Location") {
						t.Errorf("B's replay Location %q, B's first %q", again.Header.Get("Location"), b.Header.Get("Location"))
					}
				}
				// A's replay is still A's.
				againA := f.postKeyed(t, f.tokA, "one-key", secret)
				wantStatus(t, againA, http.StatusCreated)
				sameTask(t, againA.Task(t), taskA)
				for tok, want := range map[string]int{f.tokA: 1, f.tokB: 1} {
					if tasks, _ := f.list(t, tok, ""); len(tasks) != want {
						t.Errorf("%d tasks, want %d each", len(tasks), want)
					}
				}
			})
		}
	})
	t.Run("DifferentKeysCreateDifferentTasks", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		a := f.postKeyed(t, f.tokA, "k-a", body)
		b := f.postKeyed(t, f.tokA, "k-b", body)
		wantStatus(t, a, http.StatusCreated)
		wantStatus(t, b, http.StatusCreated)
		if a.Task(t).Id == b.Task(t).Id {
			t.Error("two keys, one task")
		}
	})
	t.Run("RefusedBodyDoesNotUseUpTheKey", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		wantProblem(t, f.postKeyed(t, f.tokA, "k-invalid", map[string]any{"title": " "}), http.StatusUnprocessableEntity)
		wantStatus(t, f.postKeyed(t, f.tokA, "k-invalid", body), http.StatusCreated)
	})
	t.Run("ReplayAfterTheTaskChangedStillReturnsTheSameID", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		first := f.postKeyed(t, f.tokA, "k-changed", body)
		wantStatus(t, first, http.StatusCreated)
		id := first.Task(t).Id
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(id), Token: f.tokA, Body: map[string]any{"title": "renamed"}}), http.StatusOK)
		again := f.postKeyed(t, f.tokA, "k-changed", body)
		wantStatus(t, again, http.StatusCreated)
		if again.Task(t).Id != id {
			t.Errorf("replay id %s, want %s", again.Task(t).Id, id)
		}
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 1 {
			t.Errorf("%d tasks, want 1", len(tasks))
		}
	})
	// The key's lifetime is 24 hours, pinned at both edges: a minute before, the same request
	// replays; a minute after, it is a new request. The key's row is aged in the database, as
	// 24 hours are not waited for in a test.
	for _, tc := range []struct {
		name    string
		age     string
		replays bool
	}{
		{"KeyAged23h59mReplays", "23 hours 59 minutes", true},
		{"KeyAged24h1mHasExpired", "24 hours 1 minute", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			first := f.postKeyed(t, f.tokA, "k-aged", body)
			wantStatus(t, first, http.StatusCreated)
			tag, err := f.Pool.Exec(t.Context(), "UPDATE idempotency_keys SET created_at = now() - $2::interval WHERE user_id = $1 AND key = 'k-aged'", userFor(t, "a"), tc.age)
			if err != nil || tag.RowsAffected() != 1 {
				t.Fatalf("age the key: %d rows, %v", tag.RowsAffected(), err)
			}
			again := f.postKeyed(t, f.tokA, "k-aged", body)
			wantStatus(t, again, http.StatusCreated)
			tasks, _ := f.list(t, f.tokA, "")
			if tc.replays {
				sameTask(t, again.Task(t), first.Task(t))
				if len(tasks) != 1 {
					t.Errorf("a key aged %s: %d tasks, want 1 (the request replays)", tc.age, len(tasks))
				}
				return
			}
			if again.Task(t).Id == first.Task(t).Id {
				t.Errorf("a key aged %s replayed the old task", tc.age)
			}
			if len(tasks) != 2 {
				t.Errorf("a key aged %s: %d tasks, want 2 (the request is new)", tc.age, len(tasks))
			}
		})
	}
	t.Run("BadKeys", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		for name, key := range map[string]string{
			"Over255Characters": strings.Repeat("k", 256),
			"InvalidUTF8":       "key-\xff",
		} {
			t.Run(name, func(t *testing.T) {
				r := f.postKeyed(t, f.tokA, key, body)
				wantField(t, wantProblem(t, r, http.StatusBadRequest), "header.Idempotency-Key")
			})
		}
		wantStatus(t, f.postKeyed(t, f.tokA, strings.Repeat("k", 255), body), http.StatusCreated)
		if tasks, _ := f.list(t, f.tokA, ""); len(tasks) != 1 {
			t.Errorf("%d tasks, want 1", len(tasks))
		}
	})
	t.Run("ConcurrentRequestsWithOneKeyCreateOneTask", func(t *testing.T) {
		t.Parallel()
		f := svc.sub(t)
		const n = 20
		res := make([]*apitest.Response, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				res[i] = f.postKeyed(t, f.tokA, "race-key", body)
			})
		}
		close(start)
		wg.Wait()
		var ids []string
		for _, r := range res {
			wantStatus(t, r, http.StatusCreated)
			ids = append(ids, r.Task(t).Id.String())
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("concurrent requests got different ids: %q", ids)
			}
		}
		var count int
		if err := f.Pool.QueryRow(t.Context(), "SELECT count(*) FROM tasks WHERE user_id = $1", userFor(t, "a")).Scan(&count); err != nil {
			t.Fatal(err)
		}
		if count != 1 {
			t.Errorf("%d rows in tasks, want 1", count)
		}
	})
}
