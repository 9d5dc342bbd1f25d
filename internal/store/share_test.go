package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestUserShare: a user holds at most max tokens; another user is not held up by her; a
// waiter gets the token a holder gives back; a wait ends with its context; and the share
// keeps no entry for a user with nothing in flight.
func TestUserShare(t *testing.T) {
	t.Parallel()
	u := newUserShare(2)
	ctx := t.Context()
	var grants []*shareGrant
	for range 2 {
		g, err := u.acquire(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		grants = append(grants, g)
	}
	if u.full("a") {
		t.Error("a's share is full before her requests have connections")
	}
	grants[0].connect()
	grants[1].connect()
	if !u.full("a") || u.full("b") {
		t.Errorf("full: a %v, b %v; want a only", u.full("a"), u.full("b"))
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := u.acquire(done, "a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a third token for a: %v, want the context's error", err)
	}
	gb, err := u.acquire(ctx, "b")
	if err != nil {
		t.Fatalf("b, while a is at her share: %v", err)
	}

	got := make(chan *shareGrant)
	go func() {
		g, err := u.acquire(ctx, "a")
		if err != nil {
			t.Error(err)
		}
		got <- g
	}()
	grants[0].release() // hands a's place to the waiter
	grants[0] = <-got
	if u.full("a") {
		t.Error("a's share is full while one of her requests has no connection")
	}

	for _, g := range append(grants, gb) {
		g.release()
	}
	if n := u.active(); n != 0 {
		t.Fatalf("%d users kept after every request finished, want 0", n)
	}

	// Many users, one request each: nothing stays behind.
	for i := range 1000 {
		g, err := u.acquire(ctx, fmt.Sprint("user-", i))
		if err != nil {
			t.Fatal(err)
		}
		g.connect()
		g.release()
	}
	if n := u.active(); n != 0 {
		t.Fatalf("%d users kept, want 0", n)
	}
}

func TestDefaultMaxConnsPerUser(t *testing.T) {
	t.Parallel()
	for pool, want := range map[int]int{1: 1, 2: 1, 3: 1, 4: 2, 8: 2, 10: 2, 12: 3, 20: 5, 100: 25} {
		if got := DefaultMaxConnsPerUser(pool); got != want {
			t.Errorf("DefaultMaxConnsPerUser(%d) = %d, want %d", pool, got, want)
		}
	}
}
