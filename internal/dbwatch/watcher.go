package dbwatch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// ErrHostDown is the dial error for a host found down: pgx then tries the next host.
var ErrHostDown = errors.New("database host did not answer the last probe")

// Options configures a [Watcher].
type Options struct {
	// Timeout is how long a host may leave a probe unanswered before it is down; probes go
	// every half Timeout. It must be positive.
	Timeout time.Duration
	// Dialer dials the connections (and the probes); nil means a zero net.Dialer.
	Dialer *net.Dialer
	// OnDown, when set, runs once a host is found down and its connections are closed.
	OnDown func(addr string)
	// Logger receives a warning when a host goes down and a note when it answers again.
	Logger *slog.Logger
}

// Watcher is a dialer that cuts the connections of a host that stops answering. Its methods
// are safe for concurrent use.
type Watcher struct {
	opts Options

	mu    sync.Mutex
	hosts map[string]*host // by network address, as dialled
}

// host is what the watcher knows of one address.
type host struct {
	network string
	conns   map[*conn]struct{}
	down    bool // the last probe went unanswered
	probing bool // a probe is under way
}

// New returns a Watcher; [Watcher.Run] probes.
func New(opts Options) *Watcher {
	if opts.Dialer == nil {
		opts.Dialer = &net.Dialer{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Watcher{opts: opts, hosts: map[string]*host{}}
}

// Dial is a pgconn.DialFunc: it refuses a host that is down, and otherwise dials and
// remembers the connection until it is closed.
func (w *Watcher) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	w.mu.Lock()
	h := w.host(network, addr)
	down := h.down
	w.mu.Unlock()
	if down {
		return nil, fmt.Errorf("dial %s: %w (within %s)", addr, ErrHostDown, w.opts.Timeout)
	}
	nc, err := w.opts.Dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, w: w, addr: addr}
	w.mu.Lock()
	h.conns[c] = struct{}{}
	w.mu.Unlock()
	return c, nil
}

// host returns the record of addr, creating it; w.mu is held.
func (w *Watcher) host(network, addr string) *host {
	h, ok := w.hosts[addr]
	if !ok {
		h = &host{network: network, conns: map[*conn]struct{}{}}
		w.hosts[addr] = h
	}
	return h
}

// Down reports whether addr is down now.
func (w *Watcher) Down(addr string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, ok := w.hosts[addr]
	return ok && h.down
}

// Run probes, every half Timeout, each host that has connections or is down, until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	t := time.NewTicker(w.opts.Timeout / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		w.mu.Lock()
		for addr, h := range w.hosts {
			if h.probing || (len(h.conns) == 0 && !h.down) {
				continue
			}
			h.probing = true
			go w.probe(ctx, h.network, addr)
		}
		w.mu.Unlock()
	}
}

// probe asks addr once and records the answer: a host that answers is up, one that does
// not is down, and its connections are closed.
func (w *Watcher) probe(ctx context.Context, network, addr string) {
	err := w.ask(ctx, network, addr)
	if ctx.Err() != nil {
		err = nil // shutting down: no verdict
	}
	w.mu.Lock()
	h := w.hosts[addr]
	h.probing = false
	wasDown := h.down
	h.down = err != nil
	var cut []*conn
	if err != nil {
		for c := range h.conns {
			cut = append(cut, c)
		}
	}
	w.mu.Unlock()
	switch {
	case err != nil && !wasDown:
		w.opts.Logger.Warn("database host down: closing its connections, skipping it until it answers",
			"addr", addr, "connections", len(cut), "err", err)
	case err == nil && wasDown:
		w.opts.Logger.Info("database host answers again", "addr", addr)
	}
	for _, c := range cut {
		_ = c.Close()
	}
	if err != nil && !wasDown && w.opts.OnDown != nil {
		w.opts.OnDown(addr)
	}
}

// sslRequest is PostgreSQL's SSLRequest message: its length (8) and code 80877103. A server
// answers it with one byte ('S' or 'N') before anything else, with no authentication.
var sslRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}

// ask sends addr an SSLRequest and waits for the one-byte answer, within Timeout.
func (w *Watcher) ask(ctx context.Context, network, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	nc, err := w.opts.Dialer.DialContext(ctx, network, addr)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer nc.Close()
	deadline, _ := ctx.Deadline()
	if err := nc.SetDeadline(deadline); err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	if _, err := nc.Write(sslRequest); err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	var answer [1]byte
	if _, err := io.ReadFull(nc, answer[:]); err != nil {
		return fmt.Errorf("probe: no answer: %w", err)
	}
	return nil
}

// conn is a dialled connection the watcher remembers until it is closed.
type conn struct {
	net.Conn
	w    *Watcher
	addr string
	once sync.Once
}

// Close forgets the connection and closes it.
func (c *conn) Close() error {
	c.once.Do(func() {
		c.w.mu.Lock()
		if h, ok := c.w.hosts[c.addr]; ok {
			delete(h.conns, c)
		}
		c.w.mu.Unlock()
	})
	return c.Conn.Close()
}
