package store

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

func TestTaskCreateIdempotency(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	fields := TaskFields{Title: "Pay rent", Description: ptr("monthly"), Priority: "high", DueDate: day(2030, 2, 1), Tags: []string{"home"}}
	hash, otherHash := []byte("hash-1"), []byte("hash-2")

	t.Run("SameKeyAndHashReplaysTheFirstTask", func(t *testing.T) {
		t.Parallel()
		const user = "replayer"
		first, replayed, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
		if err != nil || replayed {
			t.Fatalf("first: replayed=%v, %v", replayed, err)
		}
		for range 2 {
			again, replayed, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
			if err != nil || !replayed {
				t.Fatalf("repeat: replayed=%v, %v", replayed, err)
			}
			if render(again) != render(first) {
				t.Fatalf("replayed %s\nwant     %s", render(again), render(first))
			}
		}
		if n := countTasks(t, pool, user); n != 1 {
			t.Fatalf("%d tasks stored, want 1", n)
		}
	})

	t.Run("SameKeyWithAnotherHashIsMismatch", func(t *testing.T) {
		t.Parallel()
		const user = "mismatcher"
		first, _, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
		if err != nil {
			t.Fatal(err)
		}
		before := userRows(t, pool, user)
		changed := fields
		changed.Title = "Pay more rent"
		if _, _, err := s.TaskCreate(t.Context(), user, changed, "k", otherHash); !errors.Is(err, ErrIdempotencyMismatch) {
			t.Fatalf("err = %v, want ErrIdempotencyMismatch", err)
		}
		if after := userRows(t, pool, user); after != before {
			t.Fatalf("a refused request changed the rows:\n%s\n---\n%s", before, after)
		}
		// The original request still replays.
		again, replayed, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
		if err != nil || !replayed || again.ID != first.ID {
			t.Fatalf("replay after mismatch: %s, replayed=%v, %v", render(again), replayed, err)
		}
	})

	t.Run("KeysArePerUser", func(t *testing.T) {
		t.Parallel()
		a, ra, errA := s.TaskCreate(t.Context(), "per-user-a", fields, "shared", hash)
		b, rb, errB := s.TaskCreate(t.Context(), "per-user-b", fields, "shared", hash)
		if errA != nil || errB != nil || ra || rb || a.ID == b.ID {
			t.Fatalf("a=%s (replayed=%v, %v)\nb=%s (replayed=%v, %v)", render(a), ra, errA, render(b), rb, errB)
		}
		// A different hash under another user's key is no mismatch either.
		c, rc, err := s.TaskCreate(t.Context(), "per-user-c", fields, "shared", otherHash)
		if err != nil || rc || c.ID == a.ID {
			t.Fatalf("c=%s (replayed=%v, %v)", render(c), rc, err)
		}
	})

	t.Run("ExpiredKeyCreatesANewTask", func(t *testing.T) {
		t.Parallel()
		const user = "expirer"
		first, _, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
		if err != nil {
			t.Fatal(err)
		}
		expire(t, pool, user, "k")
		second, replayed, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
		if err != nil || replayed || second.ID == first.ID {
			t.Fatalf("after expiry: %s, replayed=%v, %v; want a new task", render(second), replayed, err)
		}
		third, replayed, err := s.TaskCreate(t.Context(), user, fields, "k", hash)
		if err != nil || !replayed || third.ID != second.ID {
			t.Fatalf("repeat after expiry: %s, replayed=%v, %v; want the second task replayed", render(third), replayed, err)
		}
		if n := countTasks(t, pool, user); n != 2 {
			t.Fatalf("%d tasks stored, want 2", n)
		}
	})

	t.Run("ExpiredKeyTakesAnotherHash", func(t *testing.T) {
		t.Parallel()
		const user = "expirer-rehash"
		if _, _, err := s.TaskCreate(t.Context(), user, fields, "k", hash); err != nil {
			t.Fatal(err)
		}
		expire(t, pool, user, "k")
		if _, replayed, err := s.TaskCreate(t.Context(), user, fields, "k", otherHash); err != nil || replayed {
			t.Fatalf("after expiry with another hash: replayed=%v, %v; want a new task", replayed, err)
		}
	})

	t.Run("ExpiredKeysArePurgedOnANewClaim", func(t *testing.T) {
		t.Parallel()
		const user = "purger"
		for _, k := range []string{"old", "live"} {
			if _, _, err := s.TaskCreate(t.Context(), user, fields, k, hash); err != nil {
				t.Fatal(err)
			}
		}
		expire(t, pool, user, "old")
		if _, _, err := s.TaskCreate(t.Context(), user, fields, "new", hash); err != nil {
			t.Fatal(err)
		}
		var keys []string
		rows, err := pool.Query(t.Context(), "SELECT key FROM idempotency_keys WHERE user_id = $1 ORDER BY key", user)
		if err == nil {
			for rows.Next() {
				var k string
				_ = rows.Scan(&k)
				keys = append(keys, k)
			}
			err = rows.Err()
		}
		if err != nil || len(keys) != 2 || keys[0] != "live" || keys[1] != "new" {
			t.Fatalf("keys = %v, %v; want [live new]", keys, err)
		}
	})
}

// expire makes user's key look 25 hours old.
func expire(t *testing.T, pool *pgxpool.Pool, user, key string) {
	t.Helper()
	tag, err := pool.Exec(t.Context(),
		"UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND key = $2", user, key)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("expire key %q of %s: %v rows, %v", key, user, tag.RowsAffected(), err)
	}
}

func TestTaskCreateIdempotencyRace(t *testing.T) {
	t.Parallel()
	const racers = 30
	pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.MaxConns = racers })
	s := New(pool, Options{})
	const user = "racer"
	fields := TaskFields{Title: "once", Priority: "low"}

	type result struct {
		task     Task
		replayed bool
		err      error
	}
	results := make([]result, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			task, replayed, err := s.TaskCreate(t.Context(), user, fields, "race-key", []byte("h"))
			results[i] = result{task, replayed, err}
		})
	}
	close(start)
	wg.Wait()

	created := 0
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("racer %d: %v", i, r.err)
		}
		if !r.replayed {
			created++
		}
		if r.task.ID != results[0].task.ID {
			t.Fatalf("racer %d got task %s, racer 0 got %s", i, r.task.ID, results[0].task.ID)
		}
	}
	if created != 1 {
		t.Fatalf("%d racers report creating the task, want exactly 1", created)
	}
	if n := countTasks(t, pool, user); n != 1 {
		t.Fatalf("%d tasks stored, want 1", n)
	}
}

// TestSavedResponsesReplay: responses saved by earlier code, as they are stored — a create's
// task as its JSON was then (rows saved before 0003_sync_order.sql have no position, before
// 0004_due_time.sql no due_time), a bulk action's results — replay as they were saved. And a
// create saves the same shape today, so that rows written now replay under the earlier code
// too (a key outlives a deploy in either direction).
func TestSavedResponsesReplay(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const user = "replayer-of-old-rows"
	hash := []byte("the request")
	save := func(t *testing.T, namespace, key, response string) {
		t.Helper()
		_, err := pool.Exec(ctx, `INSERT INTO idempotency_keys (user_id, namespace, key, request_hash, response)
			VALUES ($1, $2, $3, $4, $5::jsonb)`, user, namespace, key, hash, response)
		if err != nil {
			t.Fatal(err)
		}
	}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	creates := []struct {
		name, saved string
		want        Task
	}{{
		"Current",
		`{"id": "0193a5c4-6b1e-7c3a-9f00-000000000001", "tags": ["home", "bills"], "title": "Pay rent",
		  "repeat": "monthly", "version": 1, "due_date": "2030-02-01T00:00:00Z", "due_time": "09:30",
		  "position": "Zz", "priority": "high", "completed": false, "created_at": "2026-12-01T10:00:00.123456Z",
		  "updated_at": "2026-12-01T10:00:00.123456Z", "description": "monthly", "completed_at": null}`,
		Task{ID: uuid.MustParse("0193a5c4-6b1e-7c3a-9f00-000000000001"), Title: "Pay rent", Description: ptr("monthly"),
			Priority: PriorityHigh, DueDate: day(2030, 2, 1), DueTime: ptr("09:30"), Tags: []string{"home", "bills"},
			CreatedAt: at("2026-12-01T10:00:00.123456Z"), UpdatedAt: at("2026-12-01T10:00:00.123456Z"), Version: 1,
			Position: "Zz", Repeat: RepeatMonthly},
	}, {
		"Before0003",
		`{"id": "0193a5c4-6b1e-7c3a-9f00-000000000002", "tags": [], "title": "Old", "repeat": "none",
		  "version": 1, "due_date": null, "priority": "low", "completed": true,
		  "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z", "description": null,
		  "completed_at": "2025-01-01T00:00:00Z"}`,
		Task{ID: uuid.MustParse("0193a5c4-6b1e-7c3a-9f00-000000000002"), Title: "Old", Completed: true, Priority: PriorityLow,
			Tags: []string{}, CreatedAt: at("2025-01-01T00:00:00Z"), UpdatedAt: at("2025-01-01T00:00:00Z"),
			CompletedAt: ptr(at("2025-01-01T00:00:00Z")), Version: 1, Repeat: RepeatNone},
	}}
	for _, tc := range creates {
		t.Run("Create"+tc.name, func(t *testing.T) {
			save(t, idemCreate, "create-"+tc.name, tc.saved)
			// The task the first request created (in the user's inbox): a replay shows it only
			// while the user may read its list.
			if _, err := pool.Exec(ctx, `INSERT INTO tasks (user_id, id, title, position) VALUES ($1, $2, 'created then', 'b' || $3)`,
				user, tc.want.ID, tc.name); err != nil {
				t.Fatal(err)
			}
			// The saved form has no list: the replay shows the task's list as it is now.
			want := tc.want
			if err := pool.QueryRow(ctx, `SELECT list_id FROM tasks WHERE user_id = $1 AND id = $2`, user, want.ID).Scan(&want.ListID); err != nil {
				t.Fatal(err)
			}
			got, replayed, err := s.TaskCreate(ctx, user, TaskFields{Title: "not this"}, "create-"+tc.name, hash)
			if err != nil || !replayed {
				t.Fatalf("replayed=%v, %v", replayed, err)
			}
			if render(got) != render(want) || got.NextID != nil {
				t.Fatalf("replayed %s\nwant     %s", render(got), render(want))
			}
		})
	}
	t.Run("Bulk", func(t *testing.T) {
		save(t, idemBulk, "bulk", `[{"id": "0193a5c4-6b1e-7c3a-9f00-000000000003", "status": "ok"},
			{"id": "0193a5c4-6b1e-7c3a-9f00-000000000004", "detail": "the task would have more than 10 tags", "status": "invalid"},
			{"id": "0193a5c4-6b1e-7c3a-9f00-000000000005", "status": "not_found"}]`)
		// The tasks the first request found (in the user's inbox): a replay answers for a task
		// only while the user may still reach its list (not_found otherwise).
		for _, n := range []string{"3", "4"} {
			if _, err := pool.Exec(ctx, `INSERT INTO tasks (user_id, id, title, position) VALUES ($1, $2, 'found then', 'bBulk' || $3)`,
				user, "0193a5c4-6b1e-7c3a-9f00-00000000000"+n, n); err != nil {
				t.Fatal(err)
			}
		}
		b := Bulk{Action: BulkAddTags, IDs: []uuid.UUID{uuid.New()}, Tags: []string{"x"}}
		got, replayed, err := s.TaskBulk(ctx, user, b, "bulk", hash)
		want := []BulkResult{
			{ID: uuid.MustParse("0193a5c4-6b1e-7c3a-9f00-000000000003"), Status: BulkOK},
			{ID: uuid.MustParse("0193a5c4-6b1e-7c3a-9f00-000000000004"), Status: BulkInvalid, Detail: "the task would have more than 10 tags"},
			{ID: uuid.MustParse("0193a5c4-6b1e-7c3a-9f00-000000000005"), Status: BulkNotFound},
		}
		if err != nil || !replayed || !slices.Equal(got, want) {
			t.Fatalf("replayed=%v %+v, %v; want %+v", replayed, got, err, want)
		}
	})
	t.Run("CreateSavesTheSameShape", func(t *testing.T) {
		task, _, err := s.TaskCreate(ctx, user, TaskFields{Title: "new", DueDate: day(2030, 1, 1), DueTime: ptr("10:00")}, "new-key", hash)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		var saved []byte
		if err := pool.QueryRow(ctx, `SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(response) k), response::text::bytea
			FROM idempotency_keys WHERE user_id = $1 AND key = 'new-key'`, user).Scan(&keys, &saved); err != nil {
			t.Fatal(err)
		}
		want := []string{"completed", "completed_at", "created_at", "description", "due_date", "due_time", "id", "position", "priority", "repeat", "tags", "title", "updated_at", "version"}
		if !slices.Equal(keys, want) {
			t.Fatalf("saved keys %v, want %v", keys, want)
		}
		var old struct { // the earlier code's reading: store.Task's JSON names
			ID       uuid.UUID `json:"id"`
			Priority string    `json:"priority"`
			DueTime  *string   `json:"due_time"`
			Position string    `json:"position"`
			Repeat   string    `json:"repeat"`
			Version  int64     `json:"version"`
		}
		if err := json.Unmarshal(saved, &old); err != nil || old.ID != task.ID || old.Priority != "medium" ||
			old.DueTime == nil || *old.DueTime != "10:00" || old.Position != task.Position || old.Repeat != "none" || old.Version != 1 {
			t.Fatalf("saved %s (%v); want the task %s", saved, err, render(task))
		}
	})
	t.Run("UnknownShapeIsAnError", func(t *testing.T) {
		save(t, idemCreate, "from-the-future", `{"v": 2, "task": {"id": "0193a5c4-6b1e-7c3a-9f00-000000000006"}}`)
		if _, _, err := s.TaskCreate(ctx, user, TaskFields{Title: "x"}, "from-the-future", hash); err == nil || errors.Is(err, ErrNotFound) {
			t.Fatalf("a saved response of an unknown shape: %v, want an error", err)
		}
	})
}
