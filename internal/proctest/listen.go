package proctest

import (
	"encoding/json"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
)

// AnyAddr is the listen address for a child that says where it listens (todo-api logs
// "serving addr=…", see [ServingAddr]): port 0, so the kernel picks the port as the child
// binds it, and no other process can take it first.
const AnyAddr = "127.0.0.1:0"

// ServingAddr returns the address in todo-api's "serving" log line, the first in log, in
// the text or the JSON log format. todo-api logs it at level info once it accepts requests.
func ServingAddr(log string) (string, bool) {
	for line := range strings.Lines(log) {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &rec) == nil {
			if rec.Msg == "serving" && rec.Addr != "" {
				return rec.Addr, true
			}
			continue
		}
		fields := strings.Fields(line)
		if !slices.Contains(fields, "msg=serving") {
			continue
		}
		for _, f := range fields {
			if addr, ok := strings.CutPrefix(f, "addr="); ok && addr != "" {
				return addr, true
			}
		}
	}
	return "", false
}

// ErrAddrInUse reports that a child could not listen on the address it was given: another
// process had taken the port since it was found free.
var ErrAddrInUse = errors.New("address already in use")

// AddrInUse reports whether a child's output says that it could not listen because its
// address was taken ("address already in use", as Go's net package, PgBouncer and
// PostgreSQL write it, in any case).
func AddrInUse(output string) bool {
	return strings.Contains(strings.ToLower(output), "address already in use")
}

// maxStarts bounds StartOnFreeAddr: every retry follows a collision, so this many in a row
// means that the child fails for another reason that reads the same.
const maxStarts = 10

// StartOnFreeAddr starts a child that must be told where to listen and cannot say where it
// listens (PgBouncer; todo-api when it logs below info). start starts the child on addr and
// waits until it listens, or returns why not. Another process may take a port between the
// moment it is found free and the child's bind: when start's error wraps [ErrAddrInUse]
// (see [AddrInUse]), the child is started again on another free address. It returns the
// address the child listens on; any other error fails the test.
func StartOnFreeAddr(t testing.TB, start func(addr string) error) string {
	t.Helper()
	var err error
	for range maxStarts {
		addr := freeAddr(t)
		if err = start(addr); err == nil {
			return addr
		}
		if !errors.Is(err, ErrAddrInUse) {
			t.Fatalf("%v", err)
		}
		t.Logf("%s was taken before the child bound it (%v): starting it again on another port", addr, err)
	}
	t.Fatalf("%d starts in a row lost their port: %v", maxStarts, err)
	return ""
}

// freeAddr returns 127.0.0.1:PORT with a port that was free a moment ago. Only
// StartOnFreeAddr hands one to a child: it starts the child again should the port go.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}
