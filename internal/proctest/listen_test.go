package proctest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childListenEnv makes this test binary a child that listens on the address it names, as
// the servers the tests start do: it prints "listening" once it does, or the error and exits
// 1, and then serves until its stdin closes.
const childListenEnv = "PROCTEST_CHILD_LISTEN"

func TestMain(m *testing.M) {
	if addr := os.Getenv(childListenEnv); addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("listening")
		_, _ = io.Copy(io.Discard, os.Stdin)
		l.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startChild starts the listening child on addr and waits until it listens or exits; an
// exit that says the address was in use wraps ErrAddrInUse.
func startChild(t *testing.T, addr string) error {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childListenEnv+"="+addr)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	t.Cleanup(func() {
		stdin.Close() // the child ends when its stdin closes
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	switch {
	case line == "listening\n":
		return nil
	case AddrInUse(line):
		return fmt.Errorf("child: %s: %w", strings.TrimSpace(line), ErrAddrInUse)
	default:
		return fmt.Errorf("child: %q, %v", line, err)
	}
}

func TestStartOnFreeAddrStartsAgainWhenThePortIsTaken(t *testing.T) {
	t.Parallel()
	var tried []string
	addr := StartOnFreeAddr(t, func(addr string) error {
		tried = append(tried, addr)
		if len(tried) == 1 {
			// Another process takes the port between the pick and the child's bind.
			thief, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { thief.Close() })
		}
		return startChild(t, addr)
	})
	if len(tried) != 2 || addr != tried[1] || addr == tried[0] {
		t.Fatalf("started on %q after trying %q; want a second, other address", addr, tried)
	}
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatalf("the child does not listen on %s: %v", addr, err)
	}
	conn.Close()
}

func TestStartOnFreeAddrFailsOnOtherErrors(t *testing.T) {
	t.Parallel()
	f := &fakeTB{TB: t}
	starts := 0
	if f.run(func(tb testing.TB) {
		StartOnFreeAddr(tb, func(string) error { starts++; return errors.New("no such config file") })
	}) {
		t.Fatal("StartOnFreeAddr returned after a failed start")
	}
	if starts != 1 || !strings.Contains(f.failed, "no such config file") {
		t.Fatalf("%d starts, failure %q; want one start and its error", starts, f.failed)
	}
}

func TestAddrInUse(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		output string
		want   bool
	}{
		{"todo-api: listen on 127.0.0.1:4000: listen tcp 127.0.0.1:4000: bind: address already in use", true},
		{"WARNING cannot listen on 127.0.0.1:6432: bind(): Address already in use\nFATAL nowhere to listen on", true}, // PgBouncer 1.18
		{`LOG:  could not bind IPv4 address "127.0.0.1": Address already in use`, true},                               // PostgreSQL
		{"todo-api: migrate: connection refused", false},
	} {
		if got := AddrInUse(tt.output); got != tt.want {
			t.Errorf("AddrInUse(%q) = %v, want %v", tt.output, got, tt.want)
		}
	}
}

func TestServingAddr(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, log, want string
	}{
		{"Text", "time=2026-12-07T11:00:00Z level=INFO msg=\"row-level security binds this database role\"\n" +
			"time=2026-12-07T11:00:00Z level=INFO msg=serving addr=127.0.0.1:41234 version=v0.0.0-test\n", "127.0.0.1:41234"},
		{"JSON", `{"time":"2026-12-07T11:00:00Z","level":"INFO","msg":"serving","addr":"127.0.0.1:41235","version":"dev"}` + "\n", "127.0.0.1:41235"},
		{"FirstOfTwo", "level=INFO msg=serving addr=127.0.0.1:1001\nlevel=INFO msg=serving addr=127.0.0.1:1002\n", "127.0.0.1:1001"},
		{"OtherAddressesAreNotIt", "level=INFO msg=\"PostgreSQL ready\" addr=127.0.0.1:5433\nlevel=INFO msg=\"profiling endpoint\" addr=127.0.0.1:6060\n" +
			`{"msg":"profiling endpoint","addr":"127.0.0.1:6061"}` + "\n", ""},
		{"NotYet", "level=INFO msg=\"migration applied\" version=1\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ServingAddr(tt.log)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("ServingAddr = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}
