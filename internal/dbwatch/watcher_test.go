package dbwatch_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/dbwatch"
)

// fakeServer accepts connections and answers an SSLRequest with 'N' while it is not hung;
// hung, it accepts (the kernel does, for a stopped process too) and never answers.
type fakeServer struct {
	ln       net.Listener
	hung     atomic.Bool
	answered atomic.Int32 // SSLRequests answered
	wg       sync.WaitGroup
}

func startFake(t *testing.T) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{ln: ln}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() {
				defer c.Close()
				buf := make([]byte, 8)
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				if !s.hung.Load() {
					_, _ = c.Write([]byte{'N'})
					s.answered.Add(1)
				}
				_, _ = io.Copy(io.Discard, c) // hold the connection until the client closes it
			})
		}
	})
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func TestWatcherCutsAHungHostAndLetsItBackWhenItAnswers(t *testing.T) {
	t.Parallel()
	srv := startFake(t)
	addr := srv.ln.Addr().String()
	downs := make(chan string, 1)
	w := dbwatch.New(dbwatch.Options{Timeout: 200 * time.Millisecond, OnDown: func(a string) { downs <- a }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	conn, err := w.Dial(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A query waiting on the open connection: it must end when the host is found down, not
	// at some deadline of its own.
	readErr := make(chan error, 1)
	go func() { _, err := conn.Read(make([]byte, 1)); readErr <- err }()

	srv.hung.Store(true)
	if got := <-downs; got != addr {
		t.Fatalf("OnDown(%q), want %q", got, addr)
	}
	if err := <-readErr; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("the read on the hung host's connection ended with %v, want net.ErrClosed", err)
	}
	if _, err := w.Dial(ctx, "tcp", addr); !errors.Is(err, dbwatch.ErrHostDown) {
		t.Fatalf("Dial to the hung host: %v, want ErrHostDown", err)
	}

	srv.hung.Store(false)
	const limit = 30 * time.Second // only stops a broken test from hanging
	for deadline := time.Now().Add(limit); w.Down(addr); {
		if time.Now().After(deadline) {
			t.Fatalf("the host still counts as down %s after it answers again", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c2, err := w.Dial(ctx, "tcp", addr)
	if err != nil {
		t.Fatalf("Dial once the host answers again: %v", err)
	}
	c2.Close()
}

func TestWatcherLeavesAnAnsweringHostAlone(t *testing.T) {
	t.Parallel()
	srv := startFake(t)
	addr := srv.ln.Addr().String()
	var downs atomic.Int32
	w := dbwatch.New(dbwatch.Options{Timeout: 100 * time.Millisecond, OnDown: func(string) { downs.Add(1) }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	conn, err := w.Dial(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Count probes rather than time.
	deadline := time.Now().Add(30 * time.Second)
	for srv.answered.Load() < 5 {
		if time.Now().After(deadline) {
			t.Fatal("fewer than 5 probes in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := downs.Load(); n != 0 || w.Down(addr) {
		t.Fatalf("an answering host went down %d times", n)
	}
	if err := conn.SetReadDeadline(time.Now()); err != nil {
		t.Fatalf("the connection was closed: %v", err)
	}
}
