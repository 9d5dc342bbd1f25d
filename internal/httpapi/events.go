package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/events"
)

// The live event stream's wire settings (GET /api/events, docs/live-updates.md).
const (
	// DefaultHeartbeat is how often an idle stream sends a comment line, so that proxies and
	// clients see it alive.
	DefaultHeartbeat = 25 * time.Second
	// eventsRetry is the retry: field, the client's wait in milliseconds before reconnecting.
	eventsRetry = 2000
	// eventWriteTimeout bounds one write to a stream: a client that stops reading is dropped.
	eventWriteTimeout = 10 * time.Second
	// catchUpOverlap is how far before a Last-Event-ID a reconnect's catch-up reads. An id
	// is the greatest change time a stream sent, but the owners' clocks are independent: a
	// transaction that took its owner's clock earlier can commit (and ring) later, and an
	// id minted from this server's clock may run ahead of the database's. So the catch-up
	// reads this much further back: it may repeat a change, never skip one.
	catchUpOverlap = time.Minute
	// maxCatchUp is how old a Last-Event-ID may be; an older one gets a resync.
	maxCatchUp = 24 * time.Hour
	// tooManyStreamsRetryAfter is what the 429 for a user's stream limit says to wait.
	tooManyStreamsRetryAfter = "5"
	// typeTooManyStreams is the problem type of that 429.
	typeTooManyStreams = "urn:todo-api:problem:too-many-streams"
	// eventIDPrefix versions the event ids.
	eventIDPrefix = "v1."
)

// StreamEvents opens the caller's live event stream: it registers it with the hub, then the
// response (eventStream) writes its events until the client leaves, the token expires, the
// server ends the stream or the process stops.
func (h *handlers) StreamEvents(ctx context.Context, req api.StreamEventsRequestObject) (api.StreamEventsResponseObject, error) {
	user, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if h.events == nil {
		p := unavailableProblem(errors.New("live events are off"))
		p.detail = "Live events are not enabled on this server."
		return nil, p
	}
	now := h.now()
	since, known := parseEventID(req.Params.LastEventID, now)
	s, err := h.events.Open(ctx, user)
	switch {
	case errors.Is(err, events.ErrUserLimit):
		return nil, &problemError{status: http.StatusTooManyRequests, typ: typeTooManyStreams, title: "Too many streams",
			detail:  fmt.Sprintf("This user holds the most event streams allowed (%d); close one and retry.", h.events.MaxStreamsPerUser()),
			headers: map[string]string{"Retry-After": tooManyStreamsRetryAfter}}
	case errors.Is(err, events.ErrFull):
		return nil, &problemError{status: http.StatusServiceUnavailable, typ: typeUnavailable, title: "Service Unavailable",
			detail:  "This server holds all the event streams it may; retry after Retry-After (another server may take it).",
			headers: map[string]string{"Retry-After": retryAfterSeconds}, cause: err}
	case err != nil:
		return nil, err
	}
	es := &eventStream{ctx: ctx, hub: h.events, s: s, mark: now, heartbeat: h.heartbeat, expires: auth.Expires(ctx)}
	switch {
	case !known && req.Params.LastEventID != nil:
		es.first = []events.Event{{Type: events.TypeResync, Reason: events.ReasonLastEventID}}
	case known:
		es.mark = since
		if es.first, err = h.events.CatchUp(ctx, s, since.Add(-catchUpOverlap)); err != nil {
			h.events.Close(s)
			return nil, err
		}
	}
	return es, nil
}

// parseEventID reads a Last-Event-ID: "v1." and microseconds since 1970. known is false for
// none, a malformed one, one from the future, or one older than maxCatchUp.
func parseEventID(id *string, now time.Time) (since time.Time, known bool) {
	if id == nil {
		return time.Time{}, false
	}
	digits, ok := strings.CutPrefix(*id, eventIDPrefix)
	if !ok || len(digits) == 0 || len(digits) > 19 || strings.TrimLeft(digits, "0123456789") != "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	t := time.UnixMicro(n).UTC()
	if t.After(now.Add(catchUpOverlap)) || t.Before(now.Add(-maxCatchUp)) {
		return time.Time{}, false
	}
	return t, true
}

// eventID formats a stream position for the id: field.
func eventID(mark time.Time) string {
	return eventIDPrefix + strconv.FormatInt(mark.UnixMicro(), 10)
}

// eventStream is the 200 response of StreamEvents: it writes the stream itself.
type eventStream struct {
	ctx       context.Context
	hub       *events.Hub
	s         *events.Stream
	first     []events.Event // sent before anything the hub hands over
	mark      time.Time      // the greatest change time sent: the id
	heartbeat time.Duration
	expires   time.Time
}

// VisitStreamEventsResponse writes the stream until it ends. Each write has its own
// deadline (the server's WriteTimeout is for whole responses), and is flushed at once.
func (es *eventStream) VisitStreamEventsResponse(w http.ResponseWriter) error {
	defer es.hub.Close(es.s)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	// Written straight into the response, which buffers (no buffer of our own: an idle stream's
	// memory counts, docs/live-updates.md); each flush sends what is there.
	flush := func() error {
		_ = rc.SetWriteDeadline(time.Now().Add(eventWriteTimeout))
		return rc.Flush()
	}

	fmt.Fprintf(w, "retry: %d\n\n", eventsRetry)
	es.write(w, &events.Event{Type: events.TypeLists, Lists: es.hub.Lists(es.s)})
	for i := range es.first {
		es.write(w, &es.first[i])
	}
	if err := flush(); err != nil {
		return nil // the client left
	}

	beat := time.NewTicker(es.heartbeat)
	defer beat.Stop()
	var expired <-chan time.Time
	if !es.expires.IsZero() {
		t := time.NewTimer(time.Until(es.expires))
		defer t.Stop()
		expired = t.C
	}
	for {
		select {
		case ev := <-es.s.Events():
			es.write(w, ev)
		case <-beat.C:
			_, _ = io.WriteString(w, ": ping\n\n")
		case <-es.s.Done():
			es.drain(w)
			_ = flush()
			return nil
		case <-expired:
			return nil
		case <-es.ctx.Done():
			return nil
		}
		if err := flush(); err != nil {
			return nil
		}
	}
}

// drain writes what the hub left in the stream's buffer, then, for a stream that fell
// behind, the resync that tells its client so.
func (es *eventStream) drain(w io.Writer) {
	for {
		select {
		case ev := <-es.s.Events():
			es.write(w, ev)
		default:
			if es.s.Lagging() {
				es.write(w, &events.Event{Type: events.TypeResync, Reason: events.ReasonLagging})
			}
			return
		}
	}
}

// write renders one event: event:, id: (the stream's position) and one line of JSON data:.
func (es *eventStream) write(w io.Writer, ev *events.Event) {
	var data any
	switch ev.Type {
	case events.TypeChange:
		if ev.ChangedAt.After(es.mark) {
			es.mark = ev.ChangedAt
		}
		data = api.LiveChange{ListId: ev.ListID, ChangedAt: ev.ChangedAt.UTC()}
	case events.TypeLists:
		ids := ev.Lists
		if ids == nil {
			ids = []uuid.UUID{}
		}
		data = api.LiveLists{ListIds: ids}
	default:
		data = api.LiveResync{Reason: api.LiveResyncReason(ev.Reason)}
	}
	b, _ := json.Marshal(data) // these types always encode
	fmt.Fprintf(w, "event: %s\nid: %s\ndata: %s\n\n", ev.Type, eventID(es.mark), b)
}
