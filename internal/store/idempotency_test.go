package store

import (
	"errors"
	"sync"
	"testing"

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
