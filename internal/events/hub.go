package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// Defaults of Options.
const (
	DefaultMaxStreamsPerUser = 10
	DefaultMaxStreams        = 10000
	// DefaultBuffer is how many events a stream holds for its reader before it counts as
	// fallen behind and is closed.
	DefaultBuffer = 32
)

// Errors of Hub.Open.
var (
	// ErrUserLimit: the user holds MaxStreamsPerUser streams already.
	ErrUserLimit = errors.New("events: too many streams for this user")
	// ErrFull: the process holds MaxStreams streams already, or is shutting down.
	ErrFull = errors.New("events: this server holds all the streams it may")
)

// Source is what the hub reads from the database; *store.Store implements it.
type Source interface {
	EventMemberLists(ctx context.Context, userID string) ([]store.MemberList, error)
	EventListsChanged(ctx context.Context, owner string, after, through time.Time) ([]store.ListChange, error)
	LiveOwnersHold(ctx context.Context, hub uuid.UUID, owners []string, ttl time.Duration) error
	LiveOwnersRenew(ctx context.Context, hub uuid.UUID, owners []string, ttl time.Duration) ([]string, error)
	LiveOwnersRelease(ctx context.Context, hub uuid.UUID, owners []string) error
}

// Options configure a Hub. Source and Logger are required.
type Options struct {
	Source Source
	Logger *slog.Logger
	// MaxStreamsPerUser caps one user's open streams (0: DefaultMaxStreamsPerUser).
	MaxStreamsPerUser int
	// MaxStreams caps the process's open streams (0: DefaultMaxStreams).
	MaxStreams int
	// Buffer is each stream's event buffer (0: DefaultBuffer), of pointers: an idle stream
	// holds 8 bytes a place, and one event is shared by every stream it goes to.
	Buffer int
	// LeaseTTL is the lifetime of the hub's leases of live owners (0: DefaultLeaseTTL).
	LeaseTTL time.Duration
}

// Hub holds the process's streams and fans notifications out to them.
type Hub struct {
	o      Options
	queue  chan notice
	leases *leases

	mu      sync.Mutex
	closed  bool
	total   int
	seq     uint64
	byUser  map[string]map[*Stream]struct{}
	byList  map[uuid.UUID]map[*Stream]struct{}
	byOwner map[string]int // (stream, list) pairs per list owner
	pinned  map[string]pin // per user with streams: the owners its streams' leases pin
}

// pin is the set of owners a user's streams pinned (acquired) and the reload it came from.
type pin struct {
	owners []string
	seq    uint64
}

// NewHub returns a hub; Run must run for it to deliver anything.
func NewHub(o Options) *Hub {
	if o.MaxStreamsPerUser <= 0 {
		o.MaxStreamsPerUser = DefaultMaxStreamsPerUser
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = DefaultMaxStreams
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	return &Hub{
		o:       o,
		queue:   make(chan notice, 1024),
		leases:  newLeases(o.Source, o.LeaseTTL),
		pinned:  make(map[string]pin),
		byUser:  make(map[string]map[*Stream]struct{}),
		byList:  make(map[uuid.UUID]map[*Stream]struct{}),
		byOwner: make(map[string]int),
	}
}

// MaxStreamsPerUser returns how many streams one user may hold.
func (h *Hub) MaxStreamsPerUser() int { return h.o.MaxStreamsPerUser }

// Lists returns the lists s covers now.
func (h *Hub) Lists(s *Stream) []uuid.UUID {
	h.mu.Lock()
	defer h.mu.Unlock()
	return s.listIDs()
}

// Count returns the number of open streams.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

// Open registers a stream for user and loads the lists it covers. Errors: ErrUserLimit,
// ErrFull, or the database's.
func (h *Hub) Open(ctx context.Context, user string) (*Stream, error) {
	h.mu.Lock()
	switch {
	case h.closed, h.total >= h.o.MaxStreams:
		h.mu.Unlock()
		return nil, ErrFull
	case len(h.byUser[user]) >= h.o.MaxStreamsPerUser:
		h.mu.Unlock()
		return nil, ErrUserLimit
	}
	s := &Stream{user: user, events: make(chan *Event, h.o.Buffer), done: make(chan struct{}), lists: map[uuid.UUID]string{}}
	if h.byUser[user] == nil {
		h.byUser[user] = make(map[*Stream]struct{})
	}
	h.byUser[user][s] = struct{}{}
	h.total++
	h.mu.Unlock()

	// Registered first, loaded second: a membership change committed meanwhile reloads this
	// stream too, and the newer load wins (see apply).
	if err := h.reload(ctx, user, s); err != nil {
		h.Close(s)
		return nil, err
	}
	return s, nil
}

// Close unregisters s (the handler calls it when the response ends).
func (h *Hub) Close(s *Stream) {
	h.mu.Lock()
	if _, ok := h.byUser[s.user][s]; !ok {
		h.mu.Unlock()
		return
	}
	h.setLists(s, nil)
	delete(h.byUser[s.user], s)
	var unpin []string
	if len(h.byUser[s.user]) == 0 {
		delete(h.byUser, s.user)
		unpin = h.pinned[s.user].owners
		delete(h.pinned, s.user)
	}
	h.total--
	s.end(endShutdown)
	h.mu.Unlock()
	h.leases.release(unpin)
}

// Shutdown ends every stream and refuses new ones: the process is stopping (SIGTERM); the
// clients reconnect, to another process.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, streams := range h.byUser {
		for s := range streams {
			s.end(endShutdown)
		}
	}
}

// Resync tells every stream to sync everything (the listener reconnected: notifications
// sent while it was away are lost).
func (h *Hub) Resync() {
	h.mu.Lock()
	defer h.mu.Unlock()
	ev := &Event{Type: TypeResync, Reason: ReasonListener}
	for _, streams := range h.byUser {
		for s := range streams {
			s.send(ev)
		}
	}
}

// CatchUp returns one change event per list of s that changed after since, read from the
// database (a reconnecting client's Last-Event-ID).
func (h *Hub) CatchUp(ctx context.Context, s *Stream, since time.Time) ([]Event, error) {
	h.mu.Lock()
	owners := make(map[string]struct{})
	for _, owner := range s.lists {
		owners[owner] = struct{}{}
	}
	h.mu.Unlock()
	var out []Event
	for owner := range owners {
		changes, err := h.o.Source.EventListsChanged(ctx, owner, since, farFuture)
		if err != nil {
			return nil, err
		}
		h.mu.Lock()
		for _, c := range changes {
			if _, ok := s.lists[c.ListID]; ok {
				out = append(out, Event{Type: TypeChange, ListID: c.ListID, ChangedAt: c.ChangedAt})
			}
		}
		h.mu.Unlock()
	}
	return out, nil
}

// farFuture bounds a catch-up from above: every change.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Notify queues a notification's payload for Run (the listener calls it). It waits while
// the queue is full: PostgreSQL keeps the notifications meanwhile.
func (h *Hub) Notify(ctx context.Context, payload string) {
	n := parseNotice(payload)
	if !n.valid {
		h.o.Logger.Warn("events: unknown notification ignored", "payload_bytes", len(payload))
		return
	}
	select {
	case h.queue <- n:
	case <-ctx.Done():
	}
}

// Run delivers queued notifications until ctx ends. It takes what has queued up at once and
// reads the database once per owner (the range of its clock values) and once per user. It
// also keeps the hub's leases of live owners, and deletes them when ctx ends.
func (h *Hub) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); h.keepLeases(ctx) }()
	defer wg.Wait()
	for {
		var first notice
		select {
		case <-ctx.Done():
			return
		case first = <-h.queue:
		}
		clocks := map[string][2]time.Time{}
		users := map[string]struct{}{}
		add := func(n notice) {
			switch n.kind {
			case 'c':
				r, ok := clocks[n.id]
				if !ok {
					r = [2]time.Time{n.at, n.at}
				}
				if n.at.Before(r[0]) {
					r[0] = n.at
				}
				if n.at.After(r[1]) {
					r[1] = n.at
				}
				clocks[n.id] = r
			case 'm':
				users[n.id] = struct{}{}
			}
		}
		add(first)
	drain:
		for len(clocks)+len(users) < 256 {
			select {
			case n := <-h.queue:
				add(n)
			default:
				break drain
			}
		}
		for user := range users {
			if err := h.reload(ctx, user, nil); err != nil && ctx.Err() == nil {
				h.o.Logger.Error("events: reload member lists", "err", err)
			}
		}
		for owner, r := range clocks {
			if err := h.deliver(ctx, owner, r[0].Add(-time.Microsecond), r[1]); err != nil && ctx.Err() == nil {
				h.o.Logger.Error("events: read changed lists", "err", err)
			}
		}
	}
}

// deliver hands a change event to every stream of a member of each of owner's lists that
// changed after after up to through.
func (h *Hub) deliver(ctx context.Context, owner string, after, through time.Time) error {
	h.mu.Lock()
	interested := h.byOwner[owner] > 0
	h.mu.Unlock()
	if !interested {
		return nil
	}
	changes, err := h.o.Source.EventListsChanged(ctx, owner, after, through)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range changes {
		ev := &Event{Type: TypeChange, ListID: c.ListID, ChangedAt: c.ChangedAt} // one for all its streams
		for s := range h.byList[c.ListID] {
			s.send(ev)
		}
	}
	return nil
}

// reload reads user's lists and applies them to only (at Open) or to all of user's streams
// (a membership notification), which get a lists event; a stream that lost a list ends.
// Before any of that it pins the leases of the user and of the lists' owners, so that what
// the streams' clients read after the lists event misses no write that notifies nobody.
func (h *Hub) reload(ctx context.Context, user string, only *Stream) error {
	h.mu.Lock()
	if only == nil && len(h.byUser[user]) == 0 {
		h.mu.Unlock()
		return nil
	}
	h.seq++
	seq := h.seq
	h.mu.Unlock()

	lists, err := h.o.Source.EventMemberLists(ctx, user)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	next := make(map[uuid.UUID]string, len(lists))
	owners := []string{user}
	for _, l := range lists {
		next[l.ListID] = l.OwnerID
		if !slices.Contains(owners, l.OwnerID) {
			owners = append(owners, l.OwnerID)
		}
	}
	if err := h.leases.acquire(ctx, owners); err != nil {
		return fmt.Errorf("events: %w", err)
	}
	h.mu.Lock()
	unpin := owners // unless they replace the user's pin
	if len(h.byUser[user]) > 0 && h.pinned[user].seq < seq {
		unpin = h.pinned[user].owners
		h.pinned[user] = pin{owners: owners, seq: seq}
	}
	for s := range h.byUser[user] {
		if (only != nil && s != only) || s.applied >= seq {
			continue
		}
		s.applied = seq
		lost := false
		for id := range s.lists {
			if _, ok := next[id]; !ok {
				lost = true
			}
		}
		h.setLists(s, next)
		if only != nil {
			continue
		}
		s.send(&Event{Type: TypeLists, Lists: s.listIDs()})
		if lost {
			s.end(endAccess)
		}
	}
	h.mu.Unlock()
	h.leases.release(unpin)
	return nil
}

// setLists replaces s's lists in the indexes (h.mu held); nil removes them all.
func (h *Hub) setLists(s *Stream, next map[uuid.UUID]string) {
	for id, owner := range s.lists {
		if _, ok := next[id]; ok {
			continue
		}
		delete(h.byList[id], s)
		if len(h.byList[id]) == 0 {
			delete(h.byList, id)
		}
		if h.byOwner[owner]--; h.byOwner[owner] == 0 {
			delete(h.byOwner, owner)
		}
	}
	for id, owner := range next {
		if _, ok := s.lists[id]; ok {
			continue
		}
		if h.byList[id] == nil {
			h.byList[id] = make(map[*Stream]struct{})
		}
		h.byList[id][s] = struct{}{}
		h.byOwner[owner]++
	}
	s.lists = make(map[uuid.UUID]string, len(next))
	for id, owner := range next {
		s.lists[id] = owner
	}
}
