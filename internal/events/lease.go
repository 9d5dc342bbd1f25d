package events

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
)

// DefaultLeaseTTL is how long a hub's lease of an owner lasts without renewal; the hub renews
// every third of it.
const DefaultLeaseTTL = time.Minute

// releaseTimeout bounds the deletion of a stopping hub's leases (its context has ended).
const releaseTimeout = 5 * time.Second

// leases are a hub's rows of live_owners (db/migrations/0022_live_owners.sql): the owners
// whose writes notify because a stream of this process listens to them. A user's streams pin
// the user and the owners of the user's lists (acquire, before the stream reads anything);
// an owner no stream pins is released at the next renewal, which spares the database a
// delete and an insert per reconnecting client.
type leases struct {
	src Source
	hub uuid.UUID
	ttl time.Duration

	mu   sync.Mutex // serialises the database's changes of this hub's rows
	refs map[string]int
	held map[string]bool // committed, and its ordering point passed
}

func newLeases(src Source, ttl time.Duration) *leases {
	return &leases{src: src, hub: uuid.New(), ttl: ttl, refs: map[string]int{}, held: map[string]bool{}}
}

// acquire pins owners, holding the leases of those not held yet: once it returns, every write
// of theirs committed later than what the caller reads next notifies.
func (l *leases) acquire(ctx context.Context, owners []string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var missing []string
	for _, o := range owners {
		if !l.held[o] {
			missing = append(missing, o)
		}
	}
	if len(missing) > 0 {
		if err := l.src.LiveOwnersHold(ctx, l.hub, missing, l.ttl); err != nil {
			return err
		}
		for _, o := range missing {
			l.held[o] = true
		}
	}
	for _, o := range owners {
		l.refs[o]++
	}
	return nil
}

// release unpins owners (acquired before).
func (l *leases) release(owners []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range owners {
		if l.refs[o]--; l.refs[o] <= 0 {
			delete(l.refs, o)
		}
	}
}

// renew deletes the leases no stream pins and extends the others. lapsed reports that some
// had expired meanwhile (held again now): their writes may have notified nobody.
func (l *leases) renew(ctx context.Context) (lapsed bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var keep, drop []string
	for o := range l.held {
		if l.refs[o] > 0 {
			keep = append(keep, o)
		} else {
			drop = append(drop, o)
		}
	}
	if len(drop) > 0 {
		if err := l.src.LiveOwnersRelease(ctx, l.hub, drop); err != nil {
			return false, err
		}
		for _, o := range drop {
			delete(l.held, o)
		}
	}
	if len(keep) == 0 {
		return false, nil
	}
	gone, err := l.src.LiveOwnersRenew(ctx, l.hub, keep, l.ttl)
	return len(gone) > 0, err
}

// releaseAll deletes every lease of this hub (the process stops).
func (l *leases) releaseAll() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	all := make([]string, 0, len(l.held))
	for o := range l.held {
		all = append(all, o)
	}
	if len(all) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	defer cancel()
	if err := l.src.LiveOwnersRelease(ctx, l.hub, all); err != nil {
		return err
	}
	clear(l.held)
	return nil
}

// keepLeases renews the leases every third of their lifetime until ctx ends, then releases them
// all. A lapse (the process stalled, or lost the database, past the lease) resyncs every
// stream.
func (h *Hub) keepLeases(ctx context.Context) {
	t := time.NewTicker(h.leases.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := h.leases.releaseAll(); err != nil {
				h.o.Logger.Warn("events: release live owners (they expire by themselves)", "err", err)
			}
			return
		case <-t.C:
		}
		lapsed, err := h.leases.renew(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			h.o.Logger.Error("events: renew live owners", "err", err)
		case lapsed:
			h.o.Logger.Warn("events: live owners' leases had lapsed; every stream resyncs")
			h.Resync()
		}
	}
}
