package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
)

// liveSetup starts a service with live events and a heartbeat short enough to see.
func liveSetup(t *testing.T, live apitest.Live) *fixture {
	t.Helper()
	if live.Heartbeat == 0 {
		live.Heartbeat = 200 * time.Millisecond
	}
	return setup(t, apitest.Options{Live: &live})
}

// listsOf decodes a lists event.
func listsOf(t *testing.T, ev apitest.Event) []uuid.UUID {
	t.Helper()
	if ev.Type != "lists" {
		t.Fatalf("event %q (%s), want lists", ev.Type, ev.Data)
	}
	var l api.LiveLists
	if err := json.Unmarshal([]byte(ev.Data), &l); err != nil {
		t.Fatalf("decode lists data %q: %v", ev.Data, err)
	}
	return l.ListIds
}

// resyncOf decodes a resync event's reason.
func resyncOf(t *testing.T, ev apitest.Event) api.LiveResyncReason {
	t.Helper()
	if ev.Type != "resync" {
		t.Fatalf("event %q (%s), want resync", ev.Type, ev.Data)
	}
	var r api.LiveResync
	if err := json.Unmarshal([]byte(ev.Data), &r); err != nil {
		t.Fatalf("decode resync data %q: %v", ev.Data, err)
	}
	return r.Reason
}

// addTask creates a task in list as tok's user and returns it.
func (f *fixture) addTask(t *testing.T, tok string, list uuid.UUID, title string) api.Task {
	t.Helper()
	task, _ := f.create(t, tok, map[string]any{"title": title, "list_id": list})
	return task
}

// wantChange reads events until a change and checks it names list at at.
func wantChange(t *testing.T, s *apitest.Stream, list uuid.UUID, at time.Time) apitest.Event {
	t.Helper()
	ev := s.NextOf(t, "change")
	c := ev.Change(t)
	if c.ListId != list || !c.ChangedAt.Equal(at) {
		t.Fatalf("change %s at %s, want %s at %s", c.ListId, c.ChangedAt.Format(time.RFC3339Nano), list, at.Format(time.RFC3339Nano))
	}
	if !strings.HasPrefix(ev.ID, "v1.") {
		t.Fatalf("change event id %q", ev.ID)
	}
	return ev
}

func TestEvents(t *testing.T) {
	t.Parallel()
	f := liveSetup(t, apitest.Live{})

	t.Run("MembersHearTheListOthersDoNot", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		ben := f.OpenStream(t, s.ben, "")
		dan := f.OpenStream(t, s.dan, "")
		if got := listsOf(t, ben.Next(t)); !slices.Contains(got, s.list.Id) {
			t.Fatalf("Ben's first lists event %v lacks the shared list %s", got, s.list.Id)
		}
		if ben.Retry() != "2000" {
			t.Fatalf("retry: %q, want 2000", ben.Retry())
		}
		if got := listsOf(t, dan.Next(t)); slices.Contains(got, s.list.Id) {
			t.Fatalf("Dan's lists %v include a list he is not a member of", got)
		}
		task := f.addTask(t, s.ana, s.list.Id, "Milk")
		wantChange(t, ben, s.list.Id, task.UpdatedAt)
		// Dan hears his own write, and nothing of Ana's list before it.
		own := f.createList(t, s.dan, map[string]any{"name": "Dan's"})
		mine := f.addTask(t, s.dan, own.Id, "Mine")
		wantChange(t, dan, own.Id, mine.UpdatedAt)
	})

	t.Run("HeartbeatComments", func(t *testing.T) {
		t.Parallel()
		s := f.OpenStream(t, f.Token(t, userFor(t, "a")), "")
		if got := s.NextComment(t); got != " ping" && got != "ping" {
			t.Fatalf("heartbeat %q, want ping", got)
		}
	})

	t.Run("RolledBackWriteRingsNoBell", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		ben := f.OpenStream(t, s.ben, "")
		listsOf(t, ben.Next(t))
		first := f.addTask(t, s.ana, s.list.Id, "First")
		wantChange(t, ben, s.list.Id, first.UpdatedAt)
		// A write of Ana's list, clock and all, rolled back.
		tx, err := f.Pool.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), `UPDATE tasks SET title = 'Gone', updated_at = user_clock_tick($1) WHERE user_id = $1 AND id = $2`, s.anaID, first.Id); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The next event Ben hears is the next committed write's.
		second := f.addTask(t, s.ana, s.list.Id, "Second")
		wantChange(t, ben, s.list.Id, second.UpdatedAt)
	})

	t.Run("RemovedMemberStreamCloses", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		ben := f.OpenStream(t, s.ben, "")
		listsOf(t, ben.Next(t))
		r := f.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id) + "/members/" + s.benID, Token: s.ana})
		wantStatus(t, r, http.StatusNoContent)
		got := ben.Ended(t)
		if len(got) == 0 || got[len(got)-1].Type != "lists" || slices.Contains(listsOf(t, got[len(got)-1]), s.list.Id) {
			t.Fatalf("Ben's stream ended with %+v; want a lists event without the list, then the end", got)
		}
		// Ana's task writes after that reach nobody's stream of Ben's (it is closed).
	})

	t.Run("RenameTellsMembers", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		cleo := f.OpenStream(t, s.cleo, "")
		listsOf(t, cleo.Next(t))
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: listPath(s.list.Id), Token: s.ana,
			ContentType: "application/merge-patch+json", Body: map[string]any{"name": "Shop"}})
		wantStatus(t, r, http.StatusOK)
		if got := listsOf(t, cleo.NextOf(t, "lists")); !slices.Contains(got, s.list.Id) {
			t.Fatalf("after the rename Cleo's lists %v lack the list", got)
		}
	})

	t.Run("DeletedListClosesMembersStreams", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		cleo := f.OpenStream(t, s.cleo, "")
		listsOf(t, cleo.Next(t))
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id), Token: s.ana}), http.StatusNoContent)
		got := cleo.Ended(t)
		if len(got) == 0 || slices.Contains(listsOf(t, got[len(got)-1]), s.list.Id) {
			t.Fatalf("Cleo's stream ended with %+v; want a lists event without the deleted list", got)
		}
	})

	t.Run("LastEventIDCatchesUp", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		ben := f.OpenStream(t, s.ben, "")
		last := ben.Next(t).ID
		ben.Close()
		missed := f.addTask(t, s.ana, s.list.Id, "While away")
		again := f.OpenStream(t, s.ben, last)
		listsOf(t, again.Next(t))
		wantChange(t, again, s.list.Id, missed.UpdatedAt)
	})

	t.Run("BadLastEventIDIsResync", func(t *testing.T) {
		t.Parallel()
		tok := f.Token(t, userFor(t, "a"))
		old := fmt.Sprintf("v1.%d", time.Now().Add(-48*time.Hour).UnixMicro())
		future := fmt.Sprintf("v1.%d", time.Now().Add(time.Hour).UnixMicro())
		for _, id := range []string{"garbage", "v1.", "v1.12ab", "v2.1", old, future, "v1." + strings.Repeat("9", 40), strings.Repeat("x", 2000)} {
			s := f.OpenStream(t, tok, id)
			listsOf(t, s.Next(t))
			if got := resyncOf(t, s.Next(t)); got != api.LiveResyncReasonLastEventId {
				t.Fatalf("Last-Event-ID %.40q: resync %q", id, got)
			}
			s.Close()
		}
	})

	t.Run("StreamEndsAtTokenExpiry", func(t *testing.T) {
		t.Parallel()
		tok := f.Token(t, userFor(t, "a"), authtest.WithExpiry(time.Now().Add(3*time.Second)))
		s := f.OpenStream(t, tok, "")
		s.Ended(t) // within eventWait; without the expiry timer it never ends
	})

	t.Run("ListenerKilledMeansResync", func(t *testing.T) {
		// Not parallel with the others' streams in mind: it cuts the listener every stream
		// of this service shares; they see a resync, which they skip.
		s := setupSharing(t, f)
		ben := f.OpenStream(t, s.ben, "")
		listsOf(t, ben.Next(t))
		var killed int
		if err := f.Pool.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'todo-api-events'`).Scan(&killed); err != nil || killed != 1 {
			t.Fatalf("terminate the listener: %d killed, %v", killed, err)
		}
		if got := resyncOf(t, ben.NextOf(t, "resync")); got != api.LiveResyncReasonListener {
			t.Fatalf("resync %q, want listener", got)
		}
		task := f.addTask(t, s.ana, s.list.Id, "After the reconnect")
		wantChange(t, ben, s.list.Id, task.UpdatedAt)
	})
}

func TestEventsLimits(t *testing.T) {
	t.Parallel()
	f := liveSetup(t, apitest.Live{MaxStreams: 3, MaxStreamsPerUser: 2})
	a := f.OpenStream(t, f.tokA, "")
	f.OpenStream(t, f.tokA, "")
	listsOf(t, a.Next(t))
	p := wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/events", Token: f.tokA}), http.StatusTooManyRequests)
	if p.Type != "urn:todo-api:problem:too-many-streams" {
		t.Fatalf("429 type %q", p.Type)
	}
	f.OpenStream(t, f.tokB, "")
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/events", Token: f.Token(t, "cUserIdOf32CharsLikeBetterAuth03")})
	wantProblem(t, r, http.StatusServiceUnavailable)
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	m := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/metrics"})
	if !strings.Contains(string(m.Body), "\ntodo_event_streams 3\n") {
		t.Fatalf("/metrics lacks todo_event_streams 3:\n%s", grepLines(string(m.Body), "todo_event_streams"))
	}
	// A closed stream frees its place.
	a.Close()
	deadline := time.Now().Add(30 * time.Second)
	for f.Hub.Count() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the closed stream still counts: %d open", f.Hub.Count())
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.OpenStream(t, f.tokA, "")
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestEventsShutdownEndsStreams(t *testing.T) {
	t.Parallel()
	f := liveSetup(t, apitest.Live{})
	s := f.OpenStream(t, f.tokA, "")
	listsOf(t, s.Next(t))
	f.Hub.Shutdown()
	s.Ended(t)
	wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/events", Token: f.tokA}), http.StatusServiceUnavailable)
}

func TestEventsOffIs503(t *testing.T) {
	t.Parallel()
	f := setup(t)
	wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/events", Token: f.tokA}), http.StatusServiceUnavailable)
}
