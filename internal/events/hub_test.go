package events

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/store"
)

// fakeSource answers the hub's two reads from memory. The hub's database reads are tested
// against PostgreSQL through GET /api/events (internal/httpapi/events_test.go); this tests
// the hub's own bookkeeping: buffers, membership, fan-out.
type fakeSource struct {
	mu      sync.Mutex
	lists   map[string][]store.MemberList
	changes map[string][]store.ListChange
	live    map[string]bool // owners with a lease
}

func (f *fakeSource) LiveOwnersHold(_ context.Context, _ uuid.UUID, owners []string, _ time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.live == nil {
		f.live = map[string]bool{}
	}
	for _, o := range owners {
		f.live[o] = true
	}
	return nil
}

func (f *fakeSource) LiveOwnersRenew(_ context.Context, _ uuid.UUID, owners []string, _ time.Duration) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var lapsed []string
	for _, o := range owners {
		if !f.live[o] {
			lapsed = append(lapsed, o)
		}
		f.live[o] = true
	}
	return lapsed, nil
}

func (f *fakeSource) LiveOwnersRelease(_ context.Context, _ uuid.UUID, owners []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range owners {
		delete(f.live, o)
	}
	return nil
}

// liveOwners returns the owners with a lease, sorted.
func (f *fakeSource) liveOwners() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.live))
}

func (f *fakeSource) EventMemberLists(_ context.Context, user string) ([]store.MemberList, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists[user], nil
}

func (f *fakeSource) EventListsChanged(_ context.Context, owner string, after, through time.Time) ([]store.ListChange, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.ListChange
	for _, c := range f.changes[owner] {
		if c.ChangedAt.After(after) && !c.ChangedAt.After(through) {
			out = append(out, c)
		}
	}
	return out, nil
}

func newTestHub(t *testing.T, src *fakeSource, buffer int) *Hub {
	t.Helper()
	h := NewHub(Options{Source: src, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Buffer: buffer})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// waitDone fails the test unless s ends within a generous bound.
func waitDone(t *testing.T, s *Stream) {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the stream did not end")
	}
}

func TestSlowReaderIsClosedNotWaitedFor(t *testing.T) {
	t.Parallel()
	lists := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	src := &fakeSource{lists: map[string][]store.MemberList{}, changes: map[string][]store.ListChange{}}
	at := time.Now().UTC().Truncate(time.Microsecond)
	for _, l := range lists {
		src.lists["u"] = append(src.lists["u"], store.MemberList{OwnerID: "o", ListID: l})
		src.changes["o"] = append(src.changes["o"], store.ListChange{ListID: l, ChangedAt: at})
	}
	h := newTestHub(t, src, 2)
	s, err := h.Open(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	// Nobody reads s: one write that changed three lists overflows its buffer of two. The
	// hub must never block on the stream.
	h.Notify(t.Context(), "c:"+strconv.FormatInt(at.UnixMicro(), 10)+":o")
	waitDone(t, s)
	if !s.Lagging() {
		t.Fatal("the stream ended, but not as lagging")
	}
	if n := len(s.Events()); n != 2 {
		t.Fatalf("%d events buffered, want the 2 that fit", n)
	}
	h.Close(s)
	if h.Count() != 0 {
		t.Fatalf("%d streams after Close", h.Count())
	}
}

func TestLosingAListEndsTheStream(t *testing.T) {
	t.Parallel()
	kept, lost := uuid.New(), uuid.New()
	src := &fakeSource{lists: map[string][]store.MemberList{"u": {{OwnerID: "u", ListID: kept}, {OwnerID: "o", ListID: lost}}}}
	h := newTestHub(t, src, 8)
	s, err := h.Open(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	src.lists["u"] = src.lists["u"][:1]
	src.mu.Unlock()
	h.Notify(t.Context(), "m:u")
	waitDone(t, s)
	if s.Lagging() {
		t.Fatal("ended as lagging; want lost access")
	}
	ev := <-s.Events()
	if ev.Type != TypeLists || len(ev.Lists) != 1 || ev.Lists[0] != kept {
		t.Fatalf("last event %+v, want lists [%s]", ev, kept)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	src := &fakeSource{lists: map[string][]store.MemberList{}}
	h := NewHub(Options{Source: src, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxStreams: 3, MaxStreamsPerUser: 2})
	for _, step := range []struct {
		user string
		want error
	}{{"a", nil}, {"a", nil}, {"a", ErrUserLimit}, {"b", nil}, {"c", ErrFull}} {
		if _, err := h.Open(t.Context(), step.user); err != step.want {
			t.Fatalf("open for %s: %v, want %v", step.user, err, step.want)
		}
	}
	h.Shutdown()
	if _, err := h.Open(t.Context(), "d"); err != ErrFull {
		t.Fatalf("open after Shutdown: %v, want ErrFull", err)
	}
}

func TestParseNotice(t *testing.T) {
	t.Parallel()
	for payload, want := range map[string]notice{
		"c:1764064931482913:owner:with:colons": {kind: 'c', id: "owner:with:colons", at: time.UnixMicro(1764064931482913).UTC(), valid: true},
		"m:user":                               {kind: 'm', id: "user", valid: true},
		"c:12x:owner":                          {},
		"c:12":                                 {},
		"m:":                                   {},
		"x:1":                                  {},
		"":                                     {},
	} {
		if got := parseNotice(payload); got != want {
			t.Errorf("parseNotice(%q) = %+v, want %+v", payload, got, want)
		}
	}
}

func TestLeasesFollowStreamsAndMemberships(t *testing.T) {
	t.Parallel()
	own, shared := uuid.New(), uuid.New()
	src := &fakeSource{lists: map[string][]store.MemberList{"u": {{OwnerID: "u", ListID: own}, {OwnerID: "o", ListID: shared}}}}
	h := NewHub(Options{Source: src, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	want := func(step string, owners ...string) {
		t.Helper()
		if got := src.liveOwners(); !slices.Equal(got, owners) {
			t.Fatalf("%s: leases of %v, want %v", step, got, owners)
		}
	}
	want("before any stream")
	s1, err := h.Open(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	want("a stream opened: its user and the owner of its shared list", "o", "u")
	s2, err := h.Open(t.Context(), "u")
	if err != nil {
		t.Fatal(err)
	}
	// u leaves o's list: the reload that a membership notification starts unpins o.
	src.mu.Lock()
	src.lists["u"] = src.lists["u"][:1]
	src.mu.Unlock()
	if err := h.reload(t.Context(), "u", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.leases.renew(t.Context()); err != nil {
		t.Fatal(err)
	}
	want("u left o's list, renewed", "u")
	h.Close(s1)
	if _, err := h.leases.renew(t.Context()); err != nil {
		t.Fatal(err)
	}
	want("one of u's two streams closed", "u")
	h.Close(s2)
	if _, err := h.leases.renew(t.Context()); err != nil {
		t.Fatal(err)
	}
	want("u's last stream closed, renewed")
	if n := len(h.leases.refs) + len(h.pinned); n != 0 {
		t.Fatalf("%d pins left", n)
	}
}

// TestRenewalHoldsALapsedLeaseAgain: keepLeases resyncs every stream on such a lapse.
func TestRenewalHoldsALapsedLeaseAgain(t *testing.T) {
	t.Parallel()
	src := &fakeSource{lists: map[string][]store.MemberList{"u": {{OwnerID: "u", ListID: uuid.New()}}}}
	h := NewHub(Options{Source: src, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := h.Open(t.Context(), "u"); err != nil {
		t.Fatal(err)
	}
	// The database swept the lease (this process stalled past it): the renewal says so.
	_ = src.LiveOwnersRelease(t.Context(), uuid.Nil, []string{"u"})
	lapsed, err := h.leases.renew(t.Context())
	if err != nil || !lapsed {
		t.Fatalf("renew: lapsed=%v, %v; want a lapse", lapsed, err)
	}
	if got := src.liveOwners(); !slices.Equal(got, []string{"u"}) {
		t.Fatalf("leases %v after the renewal, want u's again", got)
	}
}
