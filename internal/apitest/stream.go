package apitest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/todo-api/todo-api/gen/api"
)

// eventWait bounds how long a test waits for an expected event (or the stream's end): long
// enough for a loaded machine, reached only when something is wrong.
const eventWait = 30 * time.Second

// Event is one server-sent event as received.
type Event struct {
	Type string
	ID   string
	Data string
}

// Change decodes a change event's data.
func (ev Event) Change(t testing.TB) api.LiveChange {
	t.Helper()
	var c api.LiveChange
	if err := json.Unmarshal([]byte(ev.Data), &c); err != nil {
		t.Fatalf("decode %s event data %q: %v", ev.Type, ev.Data, err)
	}
	return c
}

// Stream is an open GET /api/events read by a goroutine of its own.
type Stream struct {
	Header http.Header
	events chan Event
	ended  chan struct{}
	cancel context.CancelFunc
	retry  string
}

// OpenStream opens GET /api/events with token (and Last-Event-ID when lastID is not empty)
// and checks that the answer is a 200 event stream; it closes at the end of the test.
func (e *Env) OpenStream(t testing.TB, token, lastID string) *Stream {
	t.Helper()
	return OpenStream(t, e.Client, e.URL, token, lastID)
}

// OpenStream is Env.OpenStream for the server at base (a `todo-api serve` process).
func OpenStream(t testing.TB, hc *http.Client, base, token, lastID string) *Stream {
	t.Helper()
	res, cancel := requestStream(t, hc, base, token, lastID)
	if res.StatusCode != http.StatusOK {
		defer cancel()
		t.Fatalf("GET /api/events: %d, want 200", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("GET /api/events: Content-Type %q", ct)
	}
	s := &Stream{Header: res.Header, events: make(chan Event, 1024), ended: make(chan struct{}), cancel: cancel}
	t.Cleanup(cancel)
	go s.read(res)
	return s
}

// requestStream sends GET /api/events; the caller reads (or closes) the response.
func requestStream(t testing.TB, hc *http.Client, base, token, lastID string) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/events", nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := hc.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /api/events: %v", err)
	}
	return res, func() { cancel(); res.Body.Close() }
}

// read parses the stream (the SSE format: fields until a blank line) until it ends.
func (s *Stream) read(res *http.Response) {
	defer close(s.ended)
	sc := bufio.NewScanner(res.Body)
	var ev Event
	for sc.Scan() {
		line := sc.Text()
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "":
			if line == "" && ev.Type != "" {
				s.events <- ev
				ev = Event{}
			} else if line != "" {
				s.events <- Event{Type: "comment", Data: value}
			}
		case "event":
			ev.Type = value
		case "id":
			ev.ID = value
		case "data":
			ev.Data = value
		case "retry":
			s.retry = value
		}
	}
}

// Next returns the next event that is not a comment, failing the test if none comes within
// eventWait (heartbeats do not count).
func (s *Stream) Next(t testing.TB) Event {
	t.Helper()
	return s.until(t, func(ev Event) bool { return ev.Type != "comment" })
}

// NextOf skips events until one of type typ comes within eventWait, and returns it.
func (s *Stream) NextOf(t testing.TB, typ string) Event {
	t.Helper()
	return s.until(t, func(ev Event) bool { return ev.Type == typ })
}

// NextComment returns the next comment line (a heartbeat), skipping events.
func (s *Stream) NextComment(t testing.TB) string {
	t.Helper()
	return s.until(t, func(ev Event) bool { return ev.Type == "comment" }).Data
}

// until returns the first item that want accepts, failing the test if the stream ends or
// none comes within eventWait.
func (s *Stream) until(t testing.TB, want func(Event) bool) Event {
	t.Helper()
	deadline := time.NewTimer(eventWait)
	defer deadline.Stop()
	for {
		ev, ok := s.next(deadline.C)
		switch {
		case !ok:
			t.Fatal("the event stream ended before the event the test waits for")
		case ev.Type == timedOut:
			t.Fatalf("the event the test waits for did not come within %s", eventWait)
		case want(ev):
			return ev
		}
	}
}

// timedOut is the Type next returns when the deadline passed.
const timedOut = "\x00timeout"

// next returns the next item, ok false when the stream ended, or an item of type timedOut
// when deadline fired first.
func (s *Stream) next(deadline <-chan time.Time) (Event, bool) {
	select {
	case ev := <-s.events:
		return ev, true
	case <-s.ended:
		select {
		case ev := <-s.events:
			return ev, true
		default:
			return Event{}, false
		}
	case <-deadline:
		return Event{Type: timedOut}, true
	}
}

// Ended waits (eventWait at most) for the server to end the stream and returns the events
// and comments that came first.
func (s *Stream) Ended(t testing.TB) []Event {
	t.Helper()
	deadline := time.NewTimer(eventWait)
	defer deadline.Stop()
	var got []Event
	for {
		ev, ok := s.next(deadline.C)
		switch {
		case !ok:
			return got
		case ev.Type == timedOut:
			t.Fatalf("the stream did not end within %s; it sent %+v", eventWait, got)
		case ev.Type != "comment":
			got = append(got, ev)
		}
	}
}

// Retry is the retry: field the stream sent (read after the first event).
func (s *Stream) Retry() string { return s.retry }

// Close ends the stream from the client's side.
func (s *Stream) Close() { s.cancel() }
