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
	res, cancel := e.requestStream(t, token, lastID)
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
func (e *Env) requestStream(t testing.TB, token, lastID string) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/api/events", nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := e.Client.Do(req)
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

// Next returns the next event that is not a comment, failing the test if none comes.
func (s *Stream) Next(t testing.TB) Event {
	t.Helper()
	for {
		ev, ok := s.next(t)
		if !ok {
			t.Fatal("the event stream ended; want an event")
		}
		if ev.Type != "comment" {
			return ev
		}
	}
}

// NextOf skips events until one of type typ comes, and returns it.
func (s *Stream) NextOf(t testing.TB, typ string) Event {
	t.Helper()
	for {
		if ev := s.Next(t); ev.Type == typ {
			return ev
		}
	}
}

// NextComment returns the next comment line (a heartbeat), skipping events.
func (s *Stream) NextComment(t testing.TB) string {
	t.Helper()
	for {
		ev, ok := s.next(t)
		if !ok {
			t.Fatal("the event stream ended; want a comment")
		}
		if ev.Type == "comment" {
			return ev.Data
		}
	}
}

// next returns the next item, or ok false when the stream ended.
func (s *Stream) next(t testing.TB) (Event, bool) {
	t.Helper()
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
	case <-time.After(eventWait):
		t.Fatalf("no event within %s", eventWait)
		return Event{}, false
	}
}

// Ended waits for the server to end the stream and returns the events that came first.
func (s *Stream) Ended(t testing.TB) []Event {
	t.Helper()
	var got []Event
	for {
		ev, ok := s.next(t)
		if !ok {
			return got
		}
		got = append(got, ev)
	}
}

// Retry is the retry: field the stream sent (read after the first event).
func (s *Stream) Retry() string { return s.retry }

// Close ends the stream from the client's side.
func (s *Stream) Close() { s.cancel() }
