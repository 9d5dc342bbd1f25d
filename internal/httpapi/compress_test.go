package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/httpapi"
)

// TestCompression: a page of tasks goes gzip-compressed to a client that accepts gzip and
// decodes to exactly the JSON a client without it gets, under the same weak ETag; the
// conditional GET still answers 304; small bodies, HEAD, strong-ETag bodies and refused
// codings go as they are; every answer says Vary: Accept-Encoding.
func TestCompression(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for i := range 12 {
		f.createA(t, map[string]any{"title": fmt.Sprintf("Task %d with a title", i), "description": "Forms are in the blue folder.", "tags": []string{"home", "admin"}})
	}
	long := f.createA(t, map[string]any{"title": "long", "description": strings.Repeat("d", 1024)})
	gz := map[string]string{"Accept-Encoding": "gzip"}

	plain := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?limit=50", Token: f.tokA})
	wantStatus(t, plain, http.StatusOK)
	if len(plain.Body) < httpapi.CompressMinBytes {
		t.Fatalf("the page is %d bytes, under the threshold: the test proves nothing", len(plain.Body))
	}
	wantEncoding(t, plain, "")

	t.Run("PageIsCompressed", func(t *testing.T) {
		t.Parallel()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?limit=50", Token: f.tokA, Header: gz})
		wantStatus(t, r, http.StatusOK)
		wantEncoding(t, r, "gzip")
		if !bytes.Equal(r.Body, plain.Body) {
			t.Errorf("decoded body differs from the plain one\ngzip:  %s\nplain: %s", r.Body, plain.Body)
		}
		if len(r.Wire) >= len(plain.Body)/2 {
			t.Errorf("compressed %d bytes to %d: less than half expected of repetitive JSON", len(plain.Body), len(r.Wire))
		}
		if cl := r.Header.Get("Content-Length"); cl != "" && cl != fmt.Sprint(len(r.Wire)) {
			t.Errorf("Content-Length %s on a compressed body of %d bytes", cl, len(r.Wire))
		}
		if g, p := r.Header.Get("ETag"), plain.Header.Get("ETag"); g != p || !strings.HasPrefix(g, `W/"`) {
			t.Errorf("ETag %q compressed, %q plain: want the same weak tag", g, p)
		}
	})
	t.Run("NotModifiedEitherWay", func(t *testing.T) {
		t.Parallel()
		for _, h := range []map[string]string{
			{"Accept-Encoding": "gzip", "If-None-Match": plain.Header.Get("ETag")},
			{"If-None-Match": plain.Header.Get("ETag")},
		} {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?limit=50", Token: f.tokA, Header: h})
			wantStatus(t, r, http.StatusNotModified)
			wantEncoding(t, r, "")
			if len(r.Wire) != 0 {
				t.Errorf("304 with a body: %q", r.Wire)
			}
		}
	})
	t.Run("HeadIsNotCompressed", func(t *testing.T) {
		t.Parallel()
		r := f.Do(t, apitest.Req{Method: http.MethodHead, Path: "/api/tasks?limit=50", Token: f.tokA, Header: gz})
		wantStatus(t, r, http.StatusOK)
		wantEncoding(t, r, "")
		if got, want := r.Header.Get("Content-Length"), fmt.Sprint(len(plain.Body)); got != want {
			t.Errorf("HEAD Content-Length %q, want the plain body's %s", got, want)
		}
	})
	for _, tc := range []struct {
		name, path, accept, want string
		status                   int
	}{
		{"GzipRefused", "/api/tasks?limit=50", "gzip;q=0, br", "", http.StatusOK},
		{"OnlyBrotli", "/api/tasks?limit=50", "br", "", http.StatusOK},
		{"Identity", "/api/tasks?limit=50", "identity", "", http.StatusOK},
		{"AnyCoding", "/api/tasks?limit=50", "*", "gzip", http.StatusOK},
		{"AnyButGzip", "/api/tasks?limit=50", "*, gzip;q=0", "", http.StatusOK},
		{"Weighted", "/api/tasks?limit=50", "br;q=1.0, GZIP;q=0.5", "gzip", http.StatusOK},
		{"SmallPage", "/api/tasks?limit=1&tag=home", "gzip", "", http.StatusOK},
		{"SmallStats", "/api/tasks/stats", "gzip", "", http.StatusOK},
		{"SmallProblem", "/api/tasks?limit=0", "gzip", "", http.StatusBadRequest},
		{"StrongETagTask", taskPath(long.Id), "gzip", "", http.StatusOK},
		{"Contract", "/openapi.json", "gzip", "gzip", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: tc.path, Token: f.tokA, Header: map[string]string{"Accept-Encoding": tc.accept}})
			wantStatus(t, r, tc.status)
			wantEncoding(t, r, tc.want)
			if tc.name == "StrongETagTask" && len(r.Body) < httpapi.CompressMinBytes {
				t.Fatalf("the task is %d bytes, under the threshold: the test proves nothing", len(r.Body))
			}
		})
	}
}

// wantEncoding checks r's Content-Encoding and its Vary: Accept-Encoding.
func wantEncoding(t *testing.T, r *apitest.Response, want string) {
	t.Helper()
	if got := r.Header.Get("Content-Encoding"); got != want {
		t.Errorf("Content-Encoding %q, want %q (body %d bytes on the wire)", got, want, len(r.Wire))
	}
	vary := strings.Join(r.Header.Values("Vary"), ",")
	if !strings.Contains(vary, "Accept-Encoding") {
		t.Errorf("Vary %q lacks Accept-Encoding", vary)
	}
}
