package faulttest

import (
	"net"
	"strconv"
	"sync"
	"testing"
)

// firstLog is a testing.TB that closes logged once the first line is logged through it.
type firstLog struct {
	testing.TB
	once   sync.Once
	logged chan struct{}
}

func (f *firstLog) Logf(format string, args ...any) {
	f.TB.Helper()
	f.TB.Logf(format, args...)
	f.once.Do(func() { close(f.logged) })
}

// TestDatabaseRestartWaitsForItsPort: while PostgreSQL is down another process holds its
// port; database.Start reports the collision (its first log line), and once the port is let
// go it starts PostgreSQL again on that same port, which the service's pool dials.
func TestDatabaseRestartWaitsForItsPort(t *testing.T) {
	t.Parallel()
	db := startDatabase(t)
	port := db.cluster.Port()
	db.Stop(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("hold the stopped server's port %d: %v", port, err)
	}
	t.Cleanup(func() { l.Close() })
	f := &firstLog{TB: t, logged: make(chan struct{})}
	go func() {
		<-f.logged
		l.Close()
	}()
	db.Start(f)
	select {
	case <-f.logged:
	default:
		t.Fatal("PostgreSQL started while its port was held")
	}
	if got := db.cluster.Port(); got != port {
		t.Fatalf("PostgreSQL started again on port %d, want its own %d", got, port)
	}
	var one int
	if err := db.Admin.QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("the pool does not reach the restarted server: %v", err)
	}
}
