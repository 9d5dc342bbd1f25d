package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The HTTP half of the composed bound (issue 19): what a minimal Go net/http server spends
// to answer a scenario's requests with the very response the service sent (captured at the
// start of the run, capture.go), under the same wrk script, connections and duration. It
// runs as a child process of todo-bench (the hidden subcommand httpBoundCommand), so that
// its CPU is read from /proc alone, as the service's is.

// httpBoundCommand is the hidden subcommand that serves one captured response.
const httpBoundCommand = "httpbound"

// replay is the HTTP half of the composed bound: a handler that reads the request's body
// and answers every request with c, byte for byte (net/http adds only Date, and
// Content-Length or the chunk framing as the service's response had them).
func replay(c captured) http.Handler {
	c.Header = c.Header.Clone()
	switch {
	case c.Chunked:
		c.Header.Set("Transfer-Encoding", "chunked")
	case len(c.Body) > autoLengthMax:
		// Too long for net/http to have counted it: the service set it.
		c.Header.Set("Content-Length", strconv.Itoa(len(c.Body)))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		for k, v := range c.Header {
			h[k] = v
		}
		w.WriteHeader(c.Status)
		_, _ = w.Write(c.Body)
	})
}

// autoLengthMax is the longest body net/http sends with a Content-Length it computed itself
// (its buffer before chunking), after the handler's own headers; a longer one with a
// Content-Length had it from the handler, among the handler's headers.
const autoLengthMax = 2048

// serveCaptured is the child process: it serves the response saved in -captured on a free
// loopback port, prints "listening HOST:PORT" on stdout and stops on SIGTERM.
func serveCaptured(args []string, out io.Writer) error {
	fs := flag.NewFlagSet(httpBoundCommand, flag.ContinueOnError)
	file := fs.String("captured", "", "JSON file of the response to send (writeCaptured)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := readCaptured(*file)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: replay(c), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = hs.Close()
	}()
	fmt.Fprintln(out, "listening", ln.Addr().String())
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// httpBound is one measurement of the HTTP half.
type httpBound struct {
	RPS         float64
	CPUms       float64 // the child's CPU milliseconds per request
	Errors      int64
	BytesPerReq float64 // response bytes read, headers included: the service's, Date aside
}

// measureHTTPBound starts a child serving c, drives it with script (the scenario's own wrk
// script) at conns connections for the run's duration and returns its rps and CPU per
// request; the child's start-up is not counted.
func (b *bench) measureHTTPBound(ctx context.Context, scenario string, c captured, script string, conns int) (httpBound, error) {
	file := filepath.Join(b.tmp, "captured-"+scenario+".json")
	if err := writeCaptured(file, c); err != nil {
		return httpBound{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return httpBound{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, httpBoundCommand, "-captured", file)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return httpBound{}, err
	}
	if err := cmd.Start(); err != nil {
		return httpBound{}, fmt.Errorf("start the http bound: %w", err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return httpBound{}, fmt.Errorf("http bound did not start: %w", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if !ok {
		return httpBound{}, fmt.Errorf("http bound said %q", line)
	}
	cpu0 := procCPU(cmd.Process.Pid)
	w, err := runWrk(ctx, "http://"+addr, script, conns, b.s.duration)
	if err != nil {
		return httpBound{}, err
	}
	cpu1 := procCPU(cmd.Process.Pid)
	n := float64(w.Requests)
	return httpBound{RPS: w.rps(), CPUms: (cpu1 - cpu0) / n, Errors: w.errors(), BytesPerReq: float64(w.Bytes) / n}, nil
}
