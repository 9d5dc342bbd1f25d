package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReplaySendsTheCapturedBytes captures a response from a stand-in for the service and
// holds the replay to it on the wire: the same status line, the same header lines (Date
// aside) in the same framing (Content-Length or chunked), and the same body bytes.
func TestReplaySendsTheCapturedBytes(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte(`{"id":"0190d6a4-2f9b-7c3e-8a61-5d3f2b1c0e9a","title":"task"},`), 400) // ~24 KB: chunked
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(big)
	_ = zw.Close()
	tests := []struct {
		name    string
		method  string
		body    string
		handler http.HandlerFunc
	}{
		{"single", http.MethodGet, "", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("ETag", `"v3"`)
			w.Header().Set("Cache-Control", "private, no-cache")
			w.Header().Set("Vary", "Authorization")
			_, _ = io.WriteString(w, `{"id":"0190d6a4-2f9b-7c3e-8a61-5d3f2b1c0e9a","title":"one task"}`)
		}},
		{"list of 50, chunked", http.MethodGet, "", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("ETag", `W/"list-7"`)
			_, _ = w.Write(big)
		}},
		{"list of 50 with its length", http.MethodGet, "", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			_, _ = w.Write(big)
		}},
		{"list gzipped", http.MethodGet, "", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Vary", "Accept-Encoding")
			_, _ = w.Write(gz.Bytes())
		}},
		{"create", http.MethodPost, `{"title":"wrk task 1"}`, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Location", "/api/tasks/0190d6a4-2f9b-7c3e-8a61-5d3f2b1c0e9a")
			w.Header().Set("ETag", `"1"`)
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"id":"0190d6a4-2f9b-7c3e-8a61-5d3f2b1c0e9a","title":"wrk task 1"}`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			service := httptest.NewServer(tt.handler)
			defer service.Close()
			req, err := http.NewRequestWithContext(context.Background(), tt.method, service.URL+"/api/tasks", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			c, err := capture(req)
			if err != nil {
				t.Fatal(err)
			}
			// Through the file the child process reads.
			file := filepath.Join(t.TempDir(), "captured.json")
			if err := writeCaptured(file, c); err != nil {
				t.Fatal(err)
			}
			if c, err = readCaptured(file); err != nil {
				t.Fatal(err)
			}
			bound := httptest.NewServer(replay(c))
			defer bound.Close()
			want := rawExchange(t, service.URL, tt.method, tt.body)
			got := rawExchange(t, bound.URL, tt.method, tt.body)
			if !bytes.Equal(got, want) {
				t.Fatalf("replay sent\n%q\nthe service sent\n%q", clip(got), clip(want))
			}
		})
	}
}

// rawExchange sends one request over a fresh connection and returns the response as it
// travelled, up to the end of its body, without the Date line.
func rawExchange(t *testing.T, base, method, body string) []byte {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := method + " /api/tasks HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer x\r\n"
	if body != "" {
		req += "Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n"
	}
	req += "Connection: close\r\n\r\n" + body
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	// Check it parses as one whole response, then drop the Date line.
	if _, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil); err != nil {
		t.Fatalf("response does not parse: %v\n%q", err, clip(raw))
	}
	var out []byte
	for _, line := range bytes.SplitAfter(raw, []byte("\r\n")) {
		if !bytes.HasPrefix(line, []byte("Date: ")) {
			out = append(out, line...)
		}
	}
	return out
}

// clip shortens a long response for a failure message.
func clip(b []byte) []byte {
	if len(b) > 600 {
		return append(b[:600:600], "…"...)
	}
	return b
}
