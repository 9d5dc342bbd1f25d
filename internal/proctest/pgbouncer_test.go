package proctest

import (
	"errors"
	"net"
	"testing"
)

// TestPgBouncerOnATakenPort: a PgBouncer whose port another process holds exits, and the
// error says so (ErrAddrInUse), which is what makes StartPgBouncer's StartOnFreeAddr start it
// again on another port; there it listens.
func TestPgBouncerOnATakenPort(t *testing.T) {
	t.Parallel()
	bin := FindTool(t, "pgbouncer", "apt-get install pgbouncer (.ci/run does)", "/usr/sbin")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := newPgBouncerRun(t, PgBouncer{
		Bin:       bin,
		Databases: []string{"* = host=127.0.0.1 port=1"},
		Users:     map[string]string{"u": ""},
		Settings:  map[string]string{"auth_type": "trust"},
	})
	if err := r.start(t, l.Addr().String()); !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("PgBouncer on the taken %s: %v, want ErrAddrInUse", l.Addr(), err)
	}
	addr := StartOnFreeAddr(t, func(addr string) error { return r.start(t, addr) })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("PgBouncer does not listen on %s: %v", addr, err)
	}
	conn.Close()
}
