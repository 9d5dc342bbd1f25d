package failovertest

import (
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/proctest"
)

// haproxy is Debian's HAProxy in front of the replicas: backend "rr" balances round robin,
// backend "sticky" (chosen by the header X-Balance: sticky) hashes the token's sub, so that
// each user stays on one replica. Both check /readyz every checkInterval.
type haproxy struct {
	addr string // the frontend's host:port
	sock string // the admin socket
}

// checkInterval and checkFall: a replica is taken out after checkFall failed checks
// checkInterval apart.
const (
	checkInterval = 500 * time.Millisecond
	checkFall     = 2
)

// unavailable is what HAProxy answers when a replica died under a request (502), took too
// long (504) or none is up (503): a 503 problem with Retry-After, which clients retry.
const unavailable = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: application/problem+json\r\n" +
	"Retry-After: 1\r\n" +
	"Cache-Control: no-store\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	`{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"No replica answered; retry."}` + "\n"

// startHAProxy starts HAProxy in front of the replicas; it is stopped at cleanup. A missing
// haproxy skips the test (fails it in CI).
func startHAProxy(t *testing.T, replicas []*serveProc) *haproxy {
	t.Helper()
	bin := proctest.FindTool(t, "haproxy", "apt-get install haproxy", "/usr/sbin")
	// The admin socket's path must fit in sun_path: a short directory under /tmp.
	dir, err := os.MkdirTemp("", "haproxy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	h := &haproxy{sock: filepath.Join(dir, "admin.sock")}
	errorFile := filepath.Join(dir, "503.http")
	if err := os.WriteFile(errorFile, []byte(unavailable), 0o644); err != nil {
		t.Fatal(err)
	}
	var servers, tracked strings.Builder
	for i, r := range replicas {
		fmt.Fprintf(&servers, "    server r%d %s check\n", i+1, r.Addr())
		fmt.Fprintf(&tracked, "    server r%d %s track rr/r%d\n", i+1, r.Addr(), i+1)
	}
	logs := &proctest.LockedBuffer{}
	h.addr = proctest.StartOnFreeAddr(t, func(addr string) error {
		cfg := fmt.Sprintf(`global
    stats socket %s mode 600 level admin
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 1s
    # A connection refused is retried on another replica: nothing was sent.
    retries 3
    option redispatch 1
    retry-on conn-failure
    errorfile 502 %[2]s
    errorfile 503 %[2]s
    errorfile 504 %[2]s
frontend api
    bind %[3]s
    use_backend sticky if { req.hdr(X-Balance) -m str sticky }
    default_backend rr
backend rr
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter %[4]dms fall %[5]d rise 2
%[6]sbackend sticky
    balance hash http_auth_bearer,jwt_payload_query('$.sub')
    hash-type consistent
%[7]s`, h.sock, errorFile, addr, checkInterval.Milliseconds(), checkFall, servers.String(), tracked.String())
		cfgFile := filepath.Join(dir, "haproxy.cfg")
		if err := os.WriteFile(cfgFile, []byte(cfg), 0o644); err != nil {
			return err
		}
		logStart := len(logs.String())
		cmd := exec.Command(bin, "-db", "-f", cfgFile)
		cmd.Stdout, cmd.Stderr = logs, logs
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start haproxy: %w", err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		stop := func() { _ = cmd.Process.Signal(syscall.SIGKILL); <-done }
		const limit = time.Minute // only stops a broken start from hanging the test
		for deadline := time.Now().Add(limit); ; {
			select {
			case <-done:
				if proctest.AddrInUse(logs.String()[logStart:]) {
					return fmt.Errorf("haproxy on %s: %w", addr, proctest.ErrAddrInUse)
				}
				return fmt.Errorf("haproxy exited:\n%s", logs.String()[logStart:])
			default:
			}
			if c, err := net.Dial("unix", h.sock); err == nil {
				c.Close()
				t.Cleanup(stop)
				return nil
			}
			if time.Now().After(deadline) {
				stop()
				return fmt.Errorf("haproxy not up after %s:\n%s", limit, logs.String()[logStart:])
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	return h
}

// URL is the frontend's base URL.
func (h *haproxy) URL() string { return "http://" + h.addr }

// command runs one command on the admin socket and returns its answer.
func (h *haproxy) command(t *testing.T, line string) string {
	t.Helper()
	c, err := net.Dial("unix", h.sock)
	if err != nil {
		t.Fatalf("haproxy admin socket: %v", err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		t.Fatalf("haproxy %q: %v", line, err)
	}
	out, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("haproxy %q: %v", line, err)
	}
	return string(out)
}

// status returns the check status of server (r1, r2, …) in backend rr: "UP", "DOWN", …
func (h *haproxy) status(t *testing.T, server string) string {
	t.Helper()
	out := strings.TrimPrefix(h.command(t, "show stat"), "# ")
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("haproxy show stat: %v:\n%s", err, out)
	}
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	for _, r := range records[1:] {
		if len(r) > col["status"] && r[col["pxname"]] == "rr" && r[col["svname"]] == server {
			return r[col["status"]]
		}
	}
	t.Fatalf("haproxy show stat has no rr/%s:\n%s", server, out)
	return ""
}

// waitStatus waits until server's status begins with want ("UP", "DOWN") and returns when.
func (h *haproxy) waitStatus(t *testing.T, server, want string) time.Time {
	t.Helper()
	const limit = time.Minute // only stops a broken test from hanging
	deadline := time.Now().Add(limit)
	for {
		got := h.status(t, server)
		if strings.HasPrefix(got, want) {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy: rr/%s is %q after %s, want %s", server, got, limit, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// moveServer points server (both backends) at addr, where its replica listens after a restart.
func (h *haproxy) moveServer(t *testing.T, server, addr string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strconv.Atoi(port); err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{"rr", "sticky"} {
		if out := h.command(t, fmt.Sprintf("set server %s/%s addr %s port %s", backend, server, host, port)); !strings.Contains(out, "changed") && strings.TrimSpace(out) != "" {
			t.Fatalf("haproxy set server %s/%s: %s", backend, server, out)
		}
	}
}
