package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// The leases of live owners (db/migrations/0022_live_owners.sql), against PostgreSQL: a write
// notifies the channel todo_events only while a hub holds a live lease of its owner, and a
// lease, once LiveOwnersHold returns, misses no write.

// liveChannel is the channel of 0019 (internal/events.Channel; not imported: events imports
// this package).
const liveChannel = "todo_events"

// listen returns a connection LISTENing on liveChannel.
func listen(t *testing.T, pool *pgxpool.Pool) *pgxpool.Conn {
	t.Helper()
	c, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Release() })
	if _, err := c.Exec(t.Context(), "LISTEN "+liveChannel); err != nil {
		t.Fatal(err)
	}
	return c
}

// nextNotice returns the next notification's payload, which must come within a generous bound.
func nextNotice(t *testing.T, l *pgxpool.Conn) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	n, err := l.Conn().WaitForNotification(ctx)
	if err != nil {
		t.Fatalf("no notification: %v", err)
	}
	return n.Payload
}

// quiet checks that nothing was notified before now: it notifies a marker and requires it to
// be the next notification (notifications arrive in commit order).
func quiet(t *testing.T, pool *pgxpool.Pool, l *pgxpool.Conn, why string) {
	t.Helper()
	marker := "marker:" + uuid.NewString()
	if _, err := pool.Exec(t.Context(), "SELECT pg_notify($1, $2)", liveChannel, marker); err != nil {
		t.Fatal(err)
	}
	if got := nextNotice(t, l); got != marker {
		t.Fatalf("%s: notified %q", why, got)
	}
}

// tick takes owner's clock in a transaction of its own, as every task write does.
func tick(t *testing.T, pool *pgxpool.Pool, owner string) {
	t.Helper()
	if _, err := pool.Exec(t.Context(), "SELECT user_clock_tick($1)", owner); err != nil {
		t.Fatal(err)
	}
}

func TestWritesNotifyOnlyLiveOwners(t *testing.T) {
	t.Parallel()
	s, admin := newStore(t)
	l := listen(t, admin)
	const owner = "live-owner"
	hub := uuid.New()

	tick(t, admin, owner)
	quiet(t, admin, l, "a write with no lease")

	if err := s.LiveOwnersHold(t.Context(), hub, []string{owner}, time.Minute); err != nil {
		t.Fatal(err)
	}
	tick(t, admin, owner)
	if got := nextNotice(t, l); !strings.HasPrefix(got, "c:") || !strings.HasSuffix(got, ":"+owner) {
		t.Fatalf("a write with a lease notified %q, want c:<µs>:%s", got, owner)
	}
	tick(t, admin, "someone-else")
	quiet(t, admin, l, "a write of an owner without a lease, while another owner has one")

	if err := s.LiveOwnersRelease(t.Context(), hub, []string{owner}); err != nil {
		t.Fatal(err)
	}
	tick(t, admin, owner)
	quiet(t, admin, l, "a write after the lease was released")
}

// TestLeasesExpire: a process that dies without deleting its leases stops counting at their
// expiry, and the next renewal of any process sweeps them.
func TestLeasesExpire(t *testing.T) {
	t.Parallel()
	s, admin := newStore(t)
	l := listen(t, admin)
	const owner = "dead-hubs-owner"
	dead, alive := uuid.New(), uuid.New()
	if err := s.LiveOwnersHold(t.Context(), dead, []string{owner}, time.Second); err != nil {
		t.Fatal(err)
	}
	tick(t, admin, owner)
	if got := nextNotice(t, l); !strings.HasSuffix(got, ":"+owner) {
		t.Fatalf("a write under a live lease notified %q", got)
	}
	// The dead hub never renews: wait (for the condition, not a fixed time) until its lease
	// has expired in the database's eyes.
	for {
		var expired bool
		err := admin.QueryRow(t.Context(), "SELECT now() >= expires_at FROM live_owners WHERE hub_id = $1", dead).Scan(&expired)
		if err != nil {
			t.Fatal(err)
		}
		if expired {
			break
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	tick(t, admin, owner)
	quiet(t, admin, l, "a write under an expired lease")

	lapsed, err := s.LiveOwnersRenew(t.Context(), alive, []string{"other-owner"}, time.Minute)
	if err != nil || len(lapsed) != 1 || lapsed[0] != "other-owner" {
		t.Fatalf("renew of a lease never held: lapsed %v, %v; want [other-owner]", lapsed, err)
	}
	var left int
	if err := admin.QueryRow(t.Context(), "SELECT count(*) FROM live_owners WHERE hub_id = $1", dead).Scan(&left); err != nil || left != 0 {
		t.Fatalf("the dead hub's rows after a renewal: %d, %v; want swept", left, err)
	}
	if lapsed, err := s.LiveOwnersRenew(t.Context(), alive, []string{"other-owner"}, time.Minute); err != nil || len(lapsed) != 0 {
		t.Fatalf("renew of a live lease: lapsed %v, %v; want none", lapsed, err)
	}
}

// TestLeaseWaitsForAWriterHoldingTheClock interleaves a writer and a new lease on two
// connections, statement by statement: a writer that took the owner's clock before the lease
// committed decided not to notify, so LiveOwnersHold must not return (and its stream must
// not read) before that writer ends; a writer whose transaction began before the lease but
// that takes the clock after it notifies. Both for an owner whose clock exists and for one
// whose first write creates it.
func TestLeaseWaitsForAWriterHoldingTheClock(t *testing.T) {
	t.Parallel()
	s, admin := newStore(t)
	l := listen(t, admin)
	for _, tc := range []struct{ name, owner string }{
		{"ExistingClock", "clock-owner"},
		{"FirstWrite", "first-writer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			if tc.name == "ExistingClock" {
				tick(t, admin, tc.owner)
			}
			w, err := admin.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = w.Rollback(context.WithoutCancel(ctx)) }()
			var before time.Time
			if err := w.QueryRow(ctx, "SELECT user_clock_tick($1)", tc.owner).Scan(&before); err != nil {
				t.Fatal(err)
			}

			// A transaction that begins now, before the lease, and takes the clock after it.
			late, err := admin.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = late.Rollback(context.WithoutCancel(ctx)) }()
			if _, err := late.Exec(ctx, "SELECT 1"); err != nil {
				t.Fatal(err)
			}

			hub := uuid.New()
			held := make(chan error, 1)
			go func() { held <- s.LiveOwnersHold(ctx, hub, []string{tc.owner}, time.Minute) }()
			waitForLockWait(t, admin, held)
			if err := w.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-held; err != nil {
				t.Fatal(err)
			}
			// What the stream reads now holds the first writer's change.
			var last time.Time
			if err := admin.QueryRow(ctx, "SELECT last FROM user_clocks WHERE user_id = $1", tc.owner).Scan(&last); err != nil || last.Before(before) {
				t.Fatalf("after the lease the clock reads %v, %v; want at least the writer's %v", last, err, before)
			}
			quiet(t, admin, l, "the writer that took the clock before the lease")

			if _, err := late.Exec(ctx, "SELECT user_clock_tick($1)", tc.owner); err != nil {
				t.Fatal(err)
			}
			if err := late.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if got := nextNotice(t, l); !strings.HasSuffix(got, ":"+tc.owner) {
				t.Fatalf("the writer that took the clock after the lease notified %q", got)
			}
		})
	}
}

// waitForLockWait waits until a backend of the test's database (the lease's: no other runs
// there) waits for a lock. It fails at once if held ends first: the lease did not wait for
// the writer. (pg_locks, not pg_stat_activity: this role may not see another role's
// wait_event.)
func waitForLockWait(t *testing.T, admin *pgxpool.Pool, held <-chan error) {
	t.Helper()
	for {
		select {
		case err := <-held:
			t.Fatalf("LiveOwnersHold returned (err %v) while a writer that took the clock before the lease was still open", err)
		default:
		}
		var waiting bool
		err := admin.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE NOT l.granted
			AND l.pid IN (SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database()))`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		select {
		case err := <-held:
			t.Fatalf("LiveOwnersHold returned (err %v) while a writer that took the clock before the lease was still open", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestLiveOwnersDoNotLeak: the service's role cannot read who is online, and the check that
// decides whether to notify answers nothing.
func TestLiveOwnersDoNotLeak(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	app, err := pgx.Connect(t.Context(), appRoleURL(t, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(context.WithoutCancel(t.Context()))
	var pgErr *pgconn.PgError
	_, err = app.Exec(t.Context(), "SELECT count(*) FROM live_owners")
	if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Fatalf("the service's role reading live_owners: %v, want permission denied", err)
	}
	var result string
	if err := app.QueryRow(t.Context(), "SELECT live_owner_notify('someone', now())::text").Scan(&result); err != nil || result != "" {
		t.Fatalf("live_owner_notify answered %q, %v; want nothing", result, err)
	}
}
