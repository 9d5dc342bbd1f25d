package httpapi

import (
	"bufio"
	"compress/gzip"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// CompressMinBytes is the smallest response body sent gzip-compressed: below it the bytes
// saved do not pay for gzip's header and trailer (18 bytes) and the CPU. A page of tasks
// (about 400 bytes a task) is over it from the third task; one task, a stats answer and
// most problems are under it.
const CompressMinBytes = 1 << 10

// compressLevel is gzip's level 1 (BestSpeed). make bench and BenchmarkHandlerListTasksGzip
// measured a page of 50 tasks: level 1 makes it a bit larger than the default level 6 (see
// docs/api.md for the figures) at about half the CPU; JSON this repetitive is mostly
// squeezed by the first level already.
const compressLevel = gzip.BestSpeed

// gzipWriters keeps gzip writers for reuse: a new one allocates about 800 KiB.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, compressLevel)
	return w
}}

// compress answers with a gzip-compressed body (Content-Encoding: gzip) when the client
// accepts gzip and the body is at least CompressMinBytes of text (JSON, problem+json,
// YAML, HTML, CSS, JavaScript). Every response says Vary: Accept-Encoding, since whether a
// body is compressed depends on that header.
//
// It leaves alone: HEAD (its headers describe the identity body, whose length is known),
// bodiless statuses (204, 304, 1xx), partial content, bodies already encoded, and every
// response with a strong ETag. A strong validator names one exact sequence of bytes
// (RFC 9110 §8.8.1) and the same tag in If-Match must keep matching, so a task's "7" is
// never put on gzip bytes; collections carry weak tags (W/"…"), which only promise the same
// meaning and so stay correct on either encoding — If-None-Match compares weakly and gets
// its 304 whichever encoding the client cached.
//
// It runs outermost, so it also compresses the problems the error handler renders: an error
// returned from inside is rendered here, before the body is finished.
func compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Header().Add("Vary", "Accept-Encoding")
		req := c.Request()
		if req.Method == http.MethodHead || !acceptsGzip(req.Header.Values("Accept-Encoding")) {
			return next(c)
		}
		w := &gzipResponseWriter{ResponseWriter: res.Writer}
		res.Writer = w
		defer func() { res.Writer = w.ResponseWriter }()
		if err := next(c); err != nil {
			c.Error(err)
		}
		return w.finish()
	}
}

// acceptsGzip reports whether Accept-Encoding field values allow gzip (RFC 9110 §12.5.3):
// "gzip" (or its alias "x-gzip") or "*" with a non-zero weight, unless gzip itself is
// given weight 0.
func acceptsGzip(values []string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(item, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0
					}
					q = f
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				starQ = max(starQ, q)
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// gzipMode is what a gzipResponseWriter does with the body.
type gzipMode int

const (
	modeUndecided gzipMode = iota // no status yet
	modeBuffer                    // length unknown: held until CompressMinBytes or the end
	modePlain                     // passed through as it is
	modeGzip                      // compressed
)

// gzipResponseWriter holds back the status until it knows whether the body is compressed:
// at WriteHeader when the response says enough (its Content-Length, a strong ETag, a
// bodiless status), else once CompressMinBytes are written or the handler is done.
type gzipResponseWriter struct {
	http.ResponseWriter
	mode   gzipMode
	status int
	buf    []byte
	gz     *gzip.Writer
}

// WriteHeader decides the mode from the headers set so far.
func (w *gzipResponseWriter) WriteHeader(status int) {
	if w.mode != modeUndecided {
		return
	}
	if status < 200 && status != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(status) // an informational response: the real one follows
		return
	}
	w.status = status
	h := w.Header()
	switch n, err := strconv.Atoi(h.Get("Content-Length")); {
	case !compressible(status, h):
		w.plain()
	case err == nil && n < CompressMinBytes:
		w.plain()
	case err == nil:
		w.startGzip()
	default:
		w.mode = modeBuffer
	}
}

// compressible reports whether a response with status and header may be compressed at all.
func compressible(status int, h http.Header) bool {
	switch {
	case status == http.StatusNoContent, status == http.StatusNotModified, status == http.StatusPartialContent,
		status < 200:
		return false
	case h.Get("Content-Encoding") != "", h.Get("Content-Range") != "":
		return false
	case strongETag(h.Get("ETag")):
		return false
	}
	return textual(h.Get("Content-Type"))
}

// strongETag reports whether tag is a strong entity tag.
func strongETag(tag string) bool {
	return tag != "" && !strings.HasPrefix(tag, "W/")
}

// textual reports whether content type ct is text that gzip shrinks.
func textual(ct string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(ct), ";")
	mt = strings.TrimSpace(mt)
	switch {
	case mt == "text/event-stream":
		return false // a stream: every event must go out as it is written
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/yaml", mt == "application/javascript", mt == "image/svg+xml":
		return true
	}
	return false
}

func (w *gzipResponseWriter) plain() {
	w.mode = modePlain
	w.ResponseWriter.WriteHeader(w.status)
}

func (w *gzipResponseWriter) startGzip() {
	w.mode = modeGzip
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	w.ResponseWriter.WriteHeader(w.status)
	w.gz = gzipWriters.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

// Write writes p in the current mode, deciding it first if the handler did not.
func (w *gzipResponseWriter) Write(p []byte) (int, error) {
	if w.mode == modeUndecided {
		w.WriteHeader(http.StatusOK)
	}
	switch w.mode {
	case modeGzip:
		return w.gz.Write(p)
	case modeBuffer:
		w.buf = append(w.buf, p...)
		if len(w.buf) >= CompressMinBytes {
			w.startGzip()
			buf := w.buf
			w.buf = nil
			if _, err := w.gz.Write(buf); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// finish ends the body: a held-back short body goes out as it is, a compressed one gets
// gzip's trailer.
func (w *gzipResponseWriter) finish() error {
	switch w.mode {
	case modeBuffer:
		w.Header().Set("Content-Length", strconv.Itoa(len(w.buf)))
		w.ResponseWriter.WriteHeader(w.status)
		_, err := w.ResponseWriter.Write(w.buf)
		return err
	case modeGzip:
		err := w.gz.Close()
		w.gz.Reset(nil)
		gzipWriters.Put(w.gz)
		w.gz = nil
		return err
	}
	return nil
}

// Flush sends what is written so far (compressed output too); it decides on plain when the
// body so far is short, since the client asked to see it now.
func (w *gzipResponseWriter) Flush() {
	switch w.mode {
	case modeUndecided:
		w.WriteHeader(http.StatusOK)
		if w.mode == modeBuffer {
			w.flushBuffer()
		}
	case modeBuffer:
		w.flushBuffer()
	case modeGzip:
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipResponseWriter) flushBuffer() {
	w.plain()
	buf := w.buf
	w.buf = nil
	_, _ = w.ResponseWriter.Write(buf)
}

// Hijack hands the connection over, as the writer beneath would.
func (w *gzipResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("httpapi: the response writer cannot be hijacked")
}

// Unwrap gives http.ResponseController the writer beneath.
func (w *gzipResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
