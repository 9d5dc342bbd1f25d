package securitytest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/proctest"
)

// The limits that live in the real http.Server of cmd/todo-api (ReadHeaderTimeout,
// MaxHeaderBytes) are tested against the real binary: `todo-api serve` started as a
// process on its own database and a test issuer's JWKS, attacked over raw TCP.

// readHeaderTimeout, readTimeout and maxHeaderBytes are what cmd/todo-api promises (serve.go).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	maxHeaderBytes    = 32 << 10
)

// served is a running `todo-api serve`.
type served struct {
	addr string
	iss  *authtest.Issuer

	mu     sync.Mutex
	stderr strings.Builder
}

func (s *served) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// buildBinary builds cmd/todo-api into dir, with -race when the tests run with it.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin, err := proctest.BuildServe(dir, "todo-api", proctest.Race)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// startServe runs `todo-api serve` on a fresh database and a test issuer, listening on a
// free loopback port, until the test ends (then SIGTERM, which must exit 0).
func startServe(t *testing.T) *served {
	t.Helper()
	bin := buildBinary(t, t.TempDir())
	s := &served{iss: authtest.NewIssuer(t)}
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + dbtest.NewURL(t),
		"JWKS_URL=" + s.iss.JWKSURL(),
		"JWT_ISSUER=" + s.iss.IssuerName(),
		"JWT_AUDIENCE=" + s.iss.Audience(),
		"LISTEN_ADDR=127.0.0.1:0",
		"LOG_FORMAT=json",
		"RATE_LIMIT_PER_USER=0",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.stderr.WriteString(line + "\n")
			s.mu.Unlock()
			if addr, ok := proctest.ServingAddr(line); ok {
				select {
				case addrc <- addr:
				default:
				}
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-scanDone
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("todo-api serve did not exit 0 on SIGTERM: %v\n%s", err, s.logs())
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("todo-api serve still running 20 s after SIGTERM\n%s", s.logs())
		}
	})
	select {
	case s.addr = <-addrc:
	case err := <-exited:
		t.Fatalf("todo-api serve exited before serving: %v\n%s", err, s.logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("todo-api serve not serving after 60 s\n%s", s.logs())
	}
	return s
}

func TestServeBinaryLimits(t *testing.T) {
	t.Parallel()
	s := startServe(t)
	base := "http://" + s.addr
	client := &http.Client{Timeout: 10 * time.Second}

	t.Run("SlowHeadersAreCutByReadHeaderTimeout", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: test\r\n"); err != nil {
			t.Fatal(err)
		}
		// One more header line a second, never the blank line that ends them.
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
				}
				if _, err := fmt.Fprintf(conn, "X-Slow-%d: y\r\n", i); err != nil {
					return
				}
			}
		}()
		// Meanwhile, others are served.
		time.Sleep(1500 * time.Millisecond)
		if res, err := client.Get(base + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
			t.Errorf("a normal client while a slow one is connected: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		// The server must close the connection itself, not before ReadHeaderTimeout and
		// well before the next of its timeouts (ReadTimeout) could: the read deadline
		// between the two is a ceiling only a missing ReadHeaderTimeout reaches, not a busy
		// machine.
		_ = conn.SetReadDeadline(start.Add(readTimeout - 10*time.Second))
		got, err := io.ReadAll(conn) // until the server closes the connection
		took := time.Since(start)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the connection was still open after %s (read %q): no ReadHeaderTimeout cut it", took.Round(time.Millisecond), got)
		}
		if took < readHeaderTimeout-500*time.Millisecond {
			t.Errorf("the slow client was cut after %s, before ReadHeaderTimeout (%s)", took.Round(time.Millisecond), readHeaderTimeout)
		}
		if strings.HasPrefix(string(got), "HTTP/1.1 200") {
			t.Errorf("the slow client's request was served: %q", got)
		}
		t.Logf("cut after %s (read %q, %v)", took.Round(time.Millisecond), got, err)
	})

	t.Run("HeaderBlockOver32KiBIs431", func(t *testing.T) {
		t.Parallel()
		// Up to twice the limit the service reads the block and answers problem+json; past
		// that net/http stops reading and answers 431 itself, in plain text.
		for name, tc := range map[string]struct {
			h       http.Header
			problem bool
		}{
			"LargeHeader":  {http.Header{"X-Pad": {strings.Repeat("p", maxHeaderBytes+8<<10)}}, true},
			"ManyHeaders":  {manyHeaders(2000, 20), true},
			"Token100KB":   {http.Header{"Authorization": {"Bearer " + s.iss.Token(t, "u", authtest.WithClaim("pad", strings.Repeat("x", 100<<10)))}}, false},
			"Cookie100KiB": {http.Header{"Cookie": {"c=" + strings.Repeat("c", 100<<10)}}, false},
		} {
			req, _ := http.NewRequest(http.MethodGet, base+"/api/tasks", nil)
			req.Header = tc.h
			res, err := client.Do(req)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			res.Body.Close()
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("%s: status %d, want 431", name, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); tc.problem && ct != "application/problem+json" {
				t.Errorf("%s: 431 as %q, want application/problem+json", name, ct)
			}
		}
	})

	t.Run("HeaderBlockUnder32KiBIsServed", func(t *testing.T) {
		t.Parallel()
		tok := s.iss.Token(t, "someone")
		req, _ := http.NewRequest(http.MethodGet, base+"/api/tasks", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-Pad", strings.Repeat("p", maxHeaderBytes-len(tok)-2<<10))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("a header block just under 32 KiB: %d", res.StatusCode)
		}
	})

	t.Run("UnendingChunkedBodyIs413Promptly", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", s.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		fmt.Fprintf(conn, "POST /api/tasks HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", s.iss.Token(t, "someone"))
		go func() {
			chunk := strings.Repeat("x", 1000)
			for range 100 {
				if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
					return
				}
			}
		}()
		// "Promptly" is the mechanism: the answer comes while the body is still open, once
		// 64 KiB were read, not when a server timeout ends the request (ReadTimeout); the
		// read deadline before that is a ceiling only a missing body limit reaches.
		_ = conn.SetReadDeadline(start.Add(readTimeout - 10*time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to a chunked body over 64 KiB that never ends: %v", err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", res.StatusCode)
		}
	})
}

// manyHeaders is n distinct headers of size bytes each.
func manyHeaders(n, size int) http.Header {
	h := http.Header{}
	for i := range n {
		h.Set(fmt.Sprintf("X-H%d", i), strings.Repeat("v", size))
	}
	return h
}
