package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/events"
)

// The leases of live owners (db/migrations/0022_live_owners.sql) seen from outside: a raw
// LISTEN connection on the service's channel hears a write only while a stream listens to its
// owner, and a stream that joins a list starts hearing its owner.

// channelWatch is a LISTEN connection on events.Channel.
type channelWatch struct {
	pool *pgxpool.Pool
	conn *pgxpool.Conn
}

func watchChannel(t *testing.T, pool *pgxpool.Pool) *channelWatch {
	t.Helper()
	c, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Release() })
	if _, err := c.Exec(t.Context(), "LISTEN "+events.Channel); err != nil {
		t.Fatal(err)
	}
	return &channelWatch{pool: pool, conn: c}
}

// clockNotices returns the owners of the clock notifications ("c:<µs>:<owner>") sent since
// the last call: it notifies a marker and reads up to it (notifications arrive in commit
// order). Membership notifications ("m:") are skipped: they are sent always.
func (w *channelWatch) clockNotices(t *testing.T) []string {
	t.Helper()
	marker := "marker:" + uuid.NewString()
	if _, err := w.pool.Exec(t.Context(), "SELECT pg_notify($1, $2)", events.Channel, marker); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var owners []string
	for {
		n, err := w.conn.Conn().WaitForNotification(ctx)
		if err != nil {
			t.Fatalf("waiting for the marker: %v", err)
		}
		switch {
		case n.Payload == marker:
			return owners
		case strings.HasPrefix(n.Payload, "c:"):
			_, rest, _ := strings.Cut(n.Payload[2:], ":")
			owners = append(owners, rest)
		}
	}
}

func TestEventsNotifyOnlyOwnersWithAStream(t *testing.T) {
	t.Parallel()
	f := liveSetup(t, apitest.Live{})
	w := watchChannel(t, f.Pool)
	s := setupSharing(t, f)
	own := f.createList(t, s.dan, map[string]any{"name": "Dan's"})
	w.clockNotices(t)

	f.addTask(t, s.ana, s.list.Id, "Nobody listens")
	f.addTask(t, s.dan, own.Id, "Nobody listens either")
	if got := w.clockNotices(t); len(got) != 0 {
		t.Fatalf("writes with no stream open notified %v", got)
	}

	// Ben (an editor of Ana's list) opens a stream: his own writes and Ana's notify, Dan's
	// still do not.
	ben := f.OpenStream(t, s.ben, "")
	listsOf(t, ben.Next(t))
	task := f.addTask(t, s.ana, s.list.Id, "Ben listens")
	f.addTask(t, s.dan, own.Id, "Still nobody")
	if got := slices.Compact(w.clockNotices(t)); len(got) != 1 || got[0] != s.anaID {
		t.Fatalf("with Ben's stream open, writes notified %v; want Ana's only", got)
	}
	wantChange(t, ben, s.list.Id, task.UpdatedAt)

	// Dan joins a list of Cleo's, whom no stream listens to, while his stream is open: from the
	// lists event on, he hears Cleo's writes.
	dan := f.OpenStream(t, s.dan, "")
	listsOf(t, dan.Next(t))
	cleos := f.createList(t, s.cleo, map[string]any{"name": "Cleo's"})
	r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(cleos.Id) + "/invites", Token: s.cleo, Body: map[string]any{"role": "viewer"}})
	wantStatus(t, r, http.StatusCreated)
	var inv api.Invite
	r.JSON(t, &inv)
	w.clockNotices(t)
	f.addTask(t, s.cleo, cleos.Id, "Before Dan joins")
	if got := w.clockNotices(t); len(got) != 0 {
		t.Fatalf("Cleo's write before Dan joined notified %v", got)
	}
	s.join(t, s.dan, inv.Token)
	if got := listsOf(t, dan.NextOf(t, "lists")); !slices.Contains(got, cleos.Id) {
		t.Fatalf("Dan's lists after joining: %v, want %s among them", got, cleos.Id)
	}
	joined := f.addTask(t, s.cleo, cleos.Id, "Dan hears it")
	wantChange(t, dan, cleos.Id, joined.UpdatedAt)
}
