package events

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Back-off of the listener's reconnects: from minBackoff, doubling, at most maxBackoff.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Listener holds the process's one LISTEN connection and feeds the hub.
type Listener struct {
	// ConnString is a direct connection to the database (DATABASE_DIRECT_URL when set): a
	// transaction pooler hands each transaction another server connection, so a LISTEN
	// through it hears nothing.
	ConnString string
	Hub        *Hub
	Logger     *slog.Logger
	// Listening, when set, is called each time the LISTEN is in place (tests wait for it).
	Listening func()
}

// Run listens until ctx ends: it connects, LISTENs on Channel and hands every notification to
// the hub; when the connection drops it reconnects with back-off, and once listening again it
// tells every stream to resync (notifications sent meanwhile are lost).
func (l *Listener) Run(ctx context.Context) {
	backoff := minBackoff
	lost := false
	for ctx.Err() == nil {
		err := l.listen(ctx, func() {
			backoff = minBackoff
			if lost {
				l.Hub.Resync()
			}
			if l.Listening != nil {
				l.Listening()
			}
		})
		if ctx.Err() != nil {
			return
		}
		lost = true
		l.Logger.Warn("events: database listener lost; reconnecting", "err", err, "in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listen runs one connection's LISTEN until it fails; up is called once it listens.
func (l *Listener) listen(ctx context.Context, up func()) error {
	cfg, err := pgx.ParseConfig(l.ConnString)
	if err != nil {
		return fmt.Errorf("parse connection string: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "todo-api-events"
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	up()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		l.Hub.Notify(ctx, n.Payload)
	}
}
