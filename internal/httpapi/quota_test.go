package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/store"
)

// The per-user quotas.
const (
	taskQuota = store.MaxLiveTasks
	tagQuota  = store.MaxTags
	keyQuota  = store.MaxIdempotencyKeys
)

const typeQuotaExceeded = "urn:todo-api:problem:quota-exceeded"

// seedTasks inserts n live tasks for user straight into the database (as the tests' role,
// which row-level security does not bind), each with the tags tagsOf(i) gives (nil: none).
// Positions sort after anything the API gives a new task.
func seedTasks(t *testing.T, pool *pgxpool.Pool, user string, n int, tagsOf func(i int) []string) {
	t.Helper()
	tags := make([][]string, n)
	for i := range tags {
		tags[i] = []string{}
		if tagsOf != nil {
			tags[i] = tagsOf(i)
		}
	}
	raw, err := json.Marshal(tags)
	if err != nil {
		t.Fatal(err)
	}
	_, err = pool.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, tags, position)
		SELECT $1, gen_random_uuid(), 'seeded ' || g, ARRAY(SELECT jsonb_array_elements_text($3::jsonb -> (g - 1))),
		       'a0' || lpad(g::text, 8, '0')
		FROM generate_series(1, $2) g`, user, n, string(raw))
	if err != nil {
		t.Fatalf("seed %d tasks: %v", n, err)
	}
}

// liveTasks counts user's live tasks in the database.
func liveTasks(t *testing.T, pool *pgxpool.Pool, user string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM tasks WHERE user_id = $1 AND deleted_at IS NULL`, user).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// distinctTags counts the distinct tags on user's live tasks in the database.
func distinctTags(t *testing.T, pool *pgxpool.Pool, user string) int {
	t.Helper()
	var n int
	err := pool.QueryRow(t.Context(), `SELECT count(DISTINCT tag) FROM tasks, unnest(tags) tag
		WHERE user_id = $1 AND deleted_at IS NULL`, user).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantQuotaProblem checks that r is the 409 quota problem and that its detail names limit.
func wantQuotaProblem(t *testing.T, r *apitest.Response, limit int) {
	t.Helper()
	p := wantProblem(t, r, http.StatusConflict)
	if p.Type != typeQuotaExceeded {
		t.Errorf("problem type %q, want %q", p.Type, typeQuotaExceeded)
	}
	if p.Detail == nil || !strings.Contains(*p.Detail, fmt.Sprint(limit)) {
		t.Errorf("problem detail %v does not name the limit %d", p.Detail, limit)
	}
}

func (f *fixture) restore(t *testing.T, tok string, id uuid.UUID) *apitest.Response {
	t.Helper()
	return f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(id) + "/restore", Token: tok})
}

// TestLiveTaskQuota: a user may have taskQuota live tasks. Every path that brings a task to
// life — create (with and without an Idempotency-Key), restore, bulk restore, the next
// occurrence of a repeating task (single and bulk completion) — succeeds up to the limit and
// answers the next one with the 409 quota problem, changing nothing. Deleting makes room;
// purging tombstones does not count twice.
func TestLiveTaskQuota(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	// atLimit seeds taskQuota-room live tasks for user: room is what the subtest's own
	// creates may add before the limit.
	atLimit := func(t *testing.T, f *fixture, user string, room int) {
		t.Helper()
		seedTasks(t, f.Pool, user, taskQuota-room, nil)
	}

	t.Run("Create", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		atLimit(t, f, user, 1)
		last := f.createA(t, map[string]any{"title": "the last one allowed"})
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "one too many"}})
		wantQuotaProblem(t, r, taskQuota)
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks after the refused create, want %d", n, taskQuota)
		}
		// Another user is not affected; deleting makes room.
		f.create(t, f.tokB, map[string]any{"title": "B is fine"})
		f.deleteTask(t, f.tokA, last.Id)
		f.createA(t, map[string]any{"title": "room again"})
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
	})

	t.Run("CreateWithIdempotencyKey", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		atLimit(t, f, user, 1)
		first := f.postKeyed(t, f.tokA, "k-last", map[string]any{"title": "the last one allowed"})
		wantStatus(t, first, http.StatusCreated)
		wantQuotaProblem(t, f.postKeyed(t, f.tokA, "k-over", map[string]any{"title": "one too many"}), taskQuota)
		// The refused key was not stored: nothing half-written.
		var keys int
		if err := f.Pool.QueryRow(t.Context(), `SELECT count(*) FROM idempotency_keys WHERE user_id = $1 AND key = 'k-over'`, user).Scan(&keys); err != nil || keys != 0 {
			t.Errorf("the refused request left %d idempotency keys (%v)", keys, err)
		}
		// A retry of the first key still replays at the limit.
		again := f.postKeyed(t, f.tokA, "k-last", map[string]any{"title": "the last one allowed"})
		wantStatus(t, again, http.StatusCreated)
		if again.Task(t).Id != first.Task(t).Id {
			t.Error("the replay made another task")
		}
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
	})

	t.Run("Restore", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		atLimit(t, f, user, 1)
		gone := f.createA(t, map[string]any{"title": "deleted, then restored"})
		f.deleteTask(t, f.tokA, gone.Id)
		f.createA(t, map[string]any{"title": "takes its place"})
		wantQuotaProblem(t, f.restore(t, f.tokA, gone.Id), taskQuota)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(gone.Id), Token: f.tokA}), http.StatusNotFound)
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
	})

	t.Run("BulkRestore", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		atLimit(t, f, user, 3)
		var gone []string
		for i := range 3 {
			gone = append(gone, f.createA(t, map[string]any{"title": fmt.Sprint("bulk ", i)}).Id.String())
		}
		wantStatus(t, f.bulk(t, f.tokA, "", map[string]any{"action": "delete", "ids": gone}), http.StatusOK)
		f.createA(t, map[string]any{"title": "x"})
		f.createA(t, map[string]any{"title": "y"}) // taskQuota-1 live: one restore fits, three do not
		wantQuotaProblem(t, f.bulk(t, f.tokA, "", map[string]any{"action": "restore", "ids": gone}), taskQuota)
		if n := liveTasks(t, f.Pool, user); n != taskQuota-1 {
			t.Errorf("%d live tasks after the refused bulk restore, want %d (none restored)", n, taskQuota-1)
		}
		wantStatus(t, f.bulk(t, f.tokA, "", map[string]any{"action": "restore", "ids": gone[:1]}), http.StatusOK)
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
	})

	t.Run("NextOccurrence", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		atLimit(t, f, user, 2)
		weekly := f.createA(t, map[string]any{"title": "weekly", "due_date": "2030-01-07", "repeat": "weekly"})
		filler := f.createA(t, map[string]any{"title": "the last one allowed"})
		for _, r := range []*apitest.Response{
			f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(weekly.Id) + "/complete", Token: f.tokA, Body: completedTrue}),
			f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(weekly.Id) + "/complete", Token: f.tokA}),
			f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(weekly.Id), Token: f.tokA, Body: completedTrue}),
			f.bulk(t, f.tokA, "", map[string]any{"action": "complete", "ids": []string{weekly.Id.String()}}),
		} {
			wantQuotaProblem(t, r, taskQuota)
		}
		if got, _ := f.get(t, f.tokA, weekly.Id); got.Completed {
			t.Error("a refused completion completed the task")
		}
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
		// With room, the completion and its next occurrence go through.
		f.deleteTask(t, f.tokA, filler.Id)
		if next := f.nextOccurrence(t, f.tokA, f.complete(t, f.tokA, weekly.Id, completedTrue)); next == nil {
			t.Error("no next occurrence once there was room")
		}
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
	})

	t.Run("PurgeDoesNotCountTwice", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		atLimit(t, f, user, 2)
		// Two tombstones old enough to be purged by the next delete.
		for i := range 2 {
			old := f.createA(t, map[string]any{"title": fmt.Sprint("old ", i)})
			f.deleteTask(t, f.tokA, old.Id)
		}
		if _, err := f.Pool.Exec(t.Context(), `UPDATE tasks SET deleted_at = now() - interval '31 days', updated_at = now() - interval '31 days'
			WHERE user_id = $1 AND deleted_at IS NOT NULL`, user); err != nil {
			t.Fatal(err)
		}
		victim := f.createA(t, map[string]any{"title": "deleted to trigger the purge"})
		f.deleteTask(t, f.tokA, victim.Id) // purges the two old tombstones
		var tombstones int
		if err := f.Pool.QueryRow(t.Context(), `SELECT count(*) FROM tasks WHERE user_id = $1 AND deleted_at < now() - interval '30 days'`, user).Scan(&tombstones); err != nil || tombstones != 0 {
			t.Fatalf("%d old tombstones left (%v): the purge did not run", tombstones, err)
		}
		f.createA(t, map[string]any{"title": "fits"})
		f.createA(t, map[string]any{"title": "fits too"})
		wantQuotaProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "over"}}), taskQuota)
		if n := liveTasks(t, f.Pool, user); n != taskQuota {
			t.Errorf("%d live tasks, want %d", n, taskQuota)
		}
	})
}

// TestTagQuota: the distinct tags on a user's live tasks are at most tagQuota. A write that
// would add one more — create, PUT, PATCH, bulk add_tags, restore — is the 409 quota problem
// and changes nothing; tags already in use stay free to use, and dropping a tag from its last
// task makes room.
func TestTagQuota(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	// seedTags gives user tagQuota-1 distinct tags (t0 … t498) on tagQuota/10 tasks.
	seedTags := func(t *testing.T, f *fixture, user string) {
		t.Helper()
		seedTasks(t, f.Pool, user, tagQuota/10, func(i int) []string {
			var ts []string
			for j := range 10 {
				if n := i*10 + j; n < tagQuota-1 {
					ts = append(ts, fmt.Sprint("t", n))
				}
			}
			return ts
		})
		if n := distinctTags(t, f.Pool, user); n != tagQuota-1 {
			t.Fatalf("seeded %d distinct tags, want %d", n, tagQuota-1)
		}
	}

	t.Run("Create", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedTags(t, f, user)
		f.createA(t, map[string]any{"title": "the last new tag", "tags": []string{"new-1"}})
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokA, Body: map[string]any{"title": "over", "tags": []string{"t1", "new-2"}}})
		wantQuotaProblem(t, r, tagQuota)
		f.createA(t, map[string]any{"title": "tags in use are fine", "tags": []string{"t1", "new-1"}})
		if n := distinctTags(t, f.Pool, user); n != tagQuota {
			t.Errorf("%d distinct tags, want %d", n, tagQuota)
		}
	})

	t.Run("UpdateAndBulk", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedTags(t, f, user)
		task := f.createA(t, map[string]any{"title": "mine", "tags": []string{"last"}})
		before, _ := f.get(t, f.tokA, task.Id)
		for _, r := range []*apitest.Response{
			f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"tags": []string{"last", "over"}}}),
			f.Do(t, apitest.Req{Method: http.MethodPut, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"title": "mine", "tags": []string{"last", "over"}}}),
			f.bulk(t, f.tokA, "", map[string]any{"action": "add_tags", "ids": []string{task.Id.String()}, "tags": []string{"over"}}),
		} {
			wantQuotaProblem(t, r, tagQuota)
		}
		after, _ := f.get(t, f.tokA, task.Id)
		sameTask(t, after, before)
		// Replacing the last task's only tag keeps the count: allowed.
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(task.Id), Token: f.tokA, Body: map[string]any{"tags": []string{"swapped"}}})
		wantStatus(t, r, http.StatusOK)
		if n := distinctTags(t, f.Pool, user); n != tagQuota {
			t.Errorf("%d distinct tags, want %d", n, tagQuota)
		}
	})

	t.Run("Restore", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedTags(t, f, user)
		gone := f.createA(t, map[string]any{"title": "tagged", "tags": []string{"old"}})
		f.deleteTask(t, f.tokA, gone.Id)
		f.createA(t, map[string]any{"title": "takes the last tag", "tags": []string{"newer"}})
		wantQuotaProblem(t, f.restore(t, f.tokA, gone.Id), tagQuota)
		wantQuotaProblem(t, f.bulk(t, f.tokA, "", map[string]any{"action": "restore", "ids": []string{gone.Id.String()}}), tagQuota)
		if n := distinctTags(t, f.Pool, user); n != tagQuota {
			t.Errorf("%d distinct tags, want %d", n, tagQuota)
		}
	})
}

// TestIdempotencyKeyQuota: a user holds at most keyQuota Idempotency-Keys (create and bulk
// together) within their 24 hours. The keyQuota-th key works; the next new key is the 409
// quota problem, stores nothing and creates nothing; replays of held keys and requests
// without a key still work; expired keys do not count.
func TestIdempotencyKeyQuota(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	seedKeys := func(t *testing.T, f *fixture, user string, n int, age string) {
		t.Helper()
		_, err := f.Pool.Exec(t.Context(), `
			INSERT INTO idempotency_keys (user_id, namespace, key, request_hash, response, created_at)
			SELECT $1, CASE WHEN g % 2 = 0 THEN 'tasks.create' ELSE 'tasks.bulk' END, 'seeded-' || g, '\x00', 'null', now() - $3::interval
			FROM generate_series(1, $2) g`, user, n, age)
		if err != nil {
			t.Fatal(err)
		}
	}

	t.Run("AtTheLimit", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedKeys(t, f, user, keyQuota-1, "1 hour")
		last := f.postKeyed(t, f.tokA, "the-last-key", map[string]any{"title": "last keyed"})
		wantStatus(t, last, http.StatusCreated)
		wantQuotaProblem(t, f.postKeyed(t, f.tokA, "one-too-many", map[string]any{"title": "over"}), keyQuota)
		task := f.createA(t, map[string]any{"title": "without a key"})
		wantQuotaProblem(t, f.bulk(t, f.tokA, "bulk-key", map[string]any{"action": "complete", "ids": []string{task.Id.String()}}), keyQuota)
		if got, _ := f.get(t, f.tokA, task.Id); got.Completed {
			t.Error("the refused bulk request completed the task")
		}
		again := f.postKeyed(t, f.tokA, "the-last-key", map[string]any{"title": "last keyed"})
		wantStatus(t, again, http.StatusCreated)
		if again.Task(t).Id != last.Task(t).Id {
			t.Error("the replay at the limit made another task")
		}
		var keys, tasks int
		err := f.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM idempotency_keys WHERE user_id = $1),
			(SELECT count(*) FROM tasks WHERE user_id = $1)`, user).Scan(&keys, &tasks)
		if err != nil || keys != keyQuota || tasks != 2 {
			t.Errorf("%d keys and %d tasks stored (%v), want %d and 2", keys, tasks, err, keyQuota)
		}
		// Once a key expires there is room again, also for the key refused before.
		if _, err := f.Pool.Exec(t.Context(), `UPDATE idempotency_keys SET created_at = now() - interval '25 hours'
			WHERE user_id = $1 AND key = 'seeded-1'`, user); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, f.postKeyed(t, f.tokA, "one-too-many", map[string]any{"title": "over"}), http.StatusCreated)
	})

	t.Run("ExpiredKeysDoNotCount", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedKeys(t, f, user, keyQuota, "25 hours")
		wantStatus(t, f.postKeyed(t, f.tokA, "fresh", map[string]any{"title": "fresh"}), http.StatusCreated)
	})
}

// tagsPage gets path (/api/tags…) as tok's user: the tags and the next link ("" at the end).
func (f *fixture) tagsPage(t *testing.T, tok, path string) ([]api.TagCount, string) {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: tok})
	wantStatus(t, r, http.StatusOK)
	var tags []api.TagCount
	r.JSON(t, &tags)
	h := r.Header.Get("Link")
	if h == "" {
		return tags, ""
	}
	m := linkNext.FindStringSubmatch(h)
	if m == nil || !strings.HasPrefix(m[1], "/api/tags?") || !strings.Contains(m[1], "cursor=") {
		t.Fatalf("Link %q is not </api/tags?…cursor=…>; rel=\"next\"", h)
	}
	return tags, m[1]
}

// TestTagsArePaged: GET /api/tags answers at most `limit` tags (default and maximum
// tagQuota, so a caller within the quota gets every tag in one response, as v1.0 did) and a
// Link rel="next" to the rest, with the same signed cursors as the listings.
func TestTagsArePaged(t *testing.T) {
	t.Parallel()
	svc := setup(t)

	t.Run("LimitAndCursor", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedTasks(t, f.Pool, user, 3, func(i int) []string { return []string{"c", "b", "a"}[i : i+1] })
		seedTasks(t, f.Pool, userFor(t, "b"), 1, func(int) []string { return []string{"b-only"} })
		page, next := f.tagsPage(t, f.tokA, "/api/tags?limit=2")
		if len(page) != 2 || page[0].Name != "a" || page[1].Name != "b" || next == "" {
			t.Fatalf("first page %+v, next %q; want a, b and a next link", page, next)
		}
		page, last := f.tagsPage(t, f.tokA, next)
		if len(page) != 1 || page[0].Name != "c" || page[0].Count != 1 || last != "" {
			t.Fatalf("second page %+v, next %q; want c and no link", page, last)
		}
		// The cursor is the caller's: B presenting it is a 400.
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: next, Token: f.tokB})
		wantProblem(t, r, http.StatusBadRequest)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tags?limit=" + fmt.Sprint(tagQuota+1), Token: f.tokA}), http.StatusBadRequest)
	})

	t.Run("AtTheQuotaOnePage", func(t *testing.T) {
		t.Parallel()
		f, user := svc.sub(t), userFor(t, "a")
		seedTasks(t, f.Pool, user, tagQuota/10, func(i int) []string {
			ts := make([]string, 10)
			for j := range ts {
				ts[j] = fmt.Sprintf("tag-%03d", i*10+j)
			}
			return ts
		})
		page, next := f.tagsPage(t, f.tokA, "/api/tags")
		if len(page) != tagQuota || next != "" {
			t.Fatalf("%d tags and next %q, want all %d and no link", len(page), next, tagQuota)
		}
	})
}
