package events

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// Event types of GET /api/events (the contract's LiveChange, LiveLists, LiveResync).
const (
	TypeChange = "change"
	TypeLists  = "lists"
	TypeResync = "resync"
)

// Reasons of a resync event.
const (
	ReasonLastEventID = "last_event_id"
	ReasonListener    = "listener"
	ReasonLagging     = "lagging"
)

// Event is one event for a stream; which fields are set depends on Type. A stream's events
// are shared with other streams: read them, never change them.
type Event struct {
	Type string
	// ListID and ChangedAt: TypeChange.
	ListID    uuid.UUID
	ChangedAt time.Time
	// Lists: TypeLists, the lists the stream covers now.
	Lists []uuid.UUID
	// Reason: TypeResync.
	Reason string
}

// Why a stream ended on the server's side.
const (
	endLagging  = iota + 1 // its buffer overflowed: the writer sends a resync first
	endAccess              // its user lost access to a list it was told about
	endShutdown            // the process is stopping
)

// Stream is one open GET /api/events of a user: a bounded buffer of events the hub fills and
// the HTTP handler drains. The handler reads Events until Done is closed, then drains what is
// left and, when Lagging, says resync; then it ends the response and calls Hub.Close.
type Stream struct {
	user   string
	events chan *Event
	done   chan struct{}
	once   sync.Once
	ended  int // why done was closed; written once, before close(done)

	// Guarded by the hub's mutex.
	lists   map[uuid.UUID]string // list → owner
	applied uint64               // the hub sequence number of the lists applied
}

// Events delivers the stream's events in order (shared: read-only).
func (s *Stream) Events() <-chan *Event { return s.events }

// Done is closed when the server ends the stream (a reader that fell behind, lost access,
// shutdown).
func (s *Stream) Done() <-chan struct{} { return s.done }

// Lagging reports whether the stream ended because its reader fell behind: the client must
// be told to resync. Valid once Done is closed.
func (s *Stream) Lagging() bool { return s.ended == endLagging }

// end closes the stream for why (the first reason wins).
func (s *Stream) end(why int) {
	s.once.Do(func() {
		s.ended = why
		close(s.done)
	})
}

// send hands ev to the stream without blocking; a full buffer ends the stream as lagging.
func (s *Stream) send(ev *Event) {
	select {
	case <-s.done:
		return
	default:
	}
	select {
	case s.events <- ev:
	default:
		s.end(endLagging)
	}
}

// listIDs returns the stream's lists (the hub's mutex held).
func (s *Stream) listIDs() []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(s.lists))
	for id := range s.lists {
		ids = append(ids, id)
	}
	return ids
}
