package httpapi

import (
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/store"
)

// benchStore answers every read with one fixed task: the store faked at the boundary, so
// the handler-stack benchmark measures the HTTP layer alone.
type benchStore struct {
	Store
	task store.Task
}

func (s benchStore) TaskGet(context.Context, string, uuid.UUID) (store.Task, error) {
	return s.task, nil
}

// TaskListWithClock answers every listing with a full page of 50 copies of the task.
func (s benchStore) TaskListWithClock(context.Context, string, store.ListParams) (store.Clock, []store.Task, *store.Position, error) {
	page := make([]store.Task, 50)
	for i := range page {
		page[i] = s.task
		page[i].ID[15] = byte(i)
	}
	return store.Clock{Last: s.task.UpdatedAt}, page, nil, nil
}

func (s benchStore) Ping(context.Context) error { return nil }

func (s benchStore) CursorKey(context.Context) ([]byte, error) { return make([]byte, 32), nil }

func benchTask() store.Task {
	now := time.Now().UTC()
	d := "Forms are in the blue folder."
	return store.Task{ID: uuid.Must(uuid.NewV7()), Title: "File the tax return", Description: &d, Priority: "high",
		Tags: []string{"admin", "money"}, CreatedAt: now, UpdatedAt: now, Version: 3, Position: "a0"}
}

// benchServer is the real handler stack (validator, auth, error handler, metrics, access
// log at warn) over benchStore, with a static key set.
func benchServer(b testing.TB) (*Server, string, store.Task) {
	b.Helper()
	task := benchTask()
	s, tok := serverWithStore(b, benchStore{task: task})
	return s, tok, task
}

// serverWithStore is the real handler stack over st, with a static key set and a token for
// "bench-user"; now, when given, is its clock.
func serverWithStore(b testing.TB, st Store, now ...func() time.Time) (*Server, string) {
	b.Helper()
	authn, tok := benchAuth(b)
	var clock func() time.Time
	if len(now) > 0 {
		clock = now[0]
	}
	s, err := New(Options{
		Now:    clock,
		Store:  st,
		Auth:   authn,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn})),
		// As serve has it (TestHeaderBlockLimit).
		MaxHeaderBytes: MaxHeaderBytes,
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, tok
}

// benchAuth is an authenticator over a static key set, and a token it accepts for
// "bench-user".
func benchAuth(b testing.TB) (Authenticator, string) {
	b.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	key, err := jwk.Import(priv)
	if err != nil {
		b.Fatal(err)
	}
	_ = key.Set(jwk.KeyIDKey, "bench")
	pub, err := key.PublicKey()
	if err != nil {
		b.Fatal(err)
	}
	set := jwk.NewSet()
	_ = set.AddKey(pub)
	tok, err := jwt.NewBuilder().Subject("bench-user").Issuer("bench").Audience([]string{"bench"}).
		Expiration(time.Now().Add(time.Hour)).IssuedAt(time.Now()).Build()
	if err != nil {
		b.Fatal(err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.EdDSA(), key))
	if err != nil {
		b.Fatal(err)
	}
	return auth.NewStatic(set, "bench", "bench"), string(signed)
}

// cpuPerOp, deferred right before a benchmark's loop, reports the process's CPU time per
// operation (cpu-ns/op) beside the wall time: on a machine shared with other work the wall
// time mostly measures the other work, the CPU time this code. Compare builds by it.
func cpuPerOp(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkHandlerGetTask is one authenticated GET /api/tasks/{id} through the whole HTTP
// stack with the store faked at the boundary.
func BenchmarkHandlerGetTask(b *testing.B) {
	s, tok, task := benchServer(b)
	req := httptest.NewRequest(http.MethodGet, "/api/tasks/"+task.ID.String(), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkHandlerListTasks is one authenticated GET /api/tasks answered with a page of 50
// tasks, through the whole HTTP stack with the store faked at the boundary.
func BenchmarkHandlerListTasks(b *testing.B) {
	s, tok, _ := benchServer(b)
	req := httptest.NewRequest(http.MethodGet, "/api/tasks", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkHandlerListTasksGzip is BenchmarkHandlerListTasks for a client that accepts
// gzip: the difference in cpu-ns/op is what compression costs a page of 50 tasks; wire-B/op
// is the compressed size.
func BenchmarkHandlerListTasksGzip(b *testing.B) {
	s, tok, _ := benchServer(b)
	req := httptest.NewRequest(http.MethodGet, "/api/tasks", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept-Encoding", "gzip")
	b.ReportAllocs()
	defer cpuPerOp(b)()
	var wire int
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
			b.Fatalf("status %d, Content-Encoding %q", w.Code, w.Header().Get("Content-Encoding"))
		}
		wire = w.Body.Len()
	}
	b.ReportMetric(float64(wire), "wire-B/op")
}

// BenchmarkGzipLevel compresses one page of 50 distinct tasks (titles, tags, dates and
// descriptions as people write them) at gzip levels 1 (compressLevel), 6 (the default) and
// 9: CPU per page against the bytes it leaves.
func BenchmarkGzipLevel(b *testing.B) {
	page := make([]store.Task, 50)
	base := benchTask()
	words := strings.Fields("buy milk call mum file the tax return book dentist renew passport water plants fix the bike pay rent plan trip")
	for i := range page {
		t := base
		t.ID = uuid.Must(uuid.NewV7())
		t.Title = strings.Join(words[i%len(words):min(len(words), i%len(words)+3+i%4)], " ")
		d := fmt.Sprintf("Note %d: %s", i, strings.Join(words[(i*7)%len(words):], " "))
		t.Description = &d
		t.Tags = []string{words[i%len(words)], words[(i*3)%len(words)]}
		t.CreatedAt = base.CreatedAt.Add(-time.Duration(i*37) * time.Minute)
		t.UpdatedAt = t.CreatedAt
		page[i] = t
	}
	body, err := taskResponse{tasks: page}.appendBody(nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, level := range []int{gzip.BestSpeed, gzip.DefaultCompression, gzip.BestCompression} {
		b.Run(fmt.Sprintf("level=%d", level), func(b *testing.B) {
			zw, _ := gzip.NewWriterLevel(io.Discard, level)
			var out countWriter
			b.SetBytes(int64(len(body)))
			defer cpuPerOp(b)()
			for b.Loop() {
				out = 0
				zw.Reset(&out)
				_, _ = zw.Write(body)
				_ = zw.Close()
			}
			b.ReportMetric(float64(out), "wire-B/op")
		})
	}
}

// countWriter counts the bytes written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// BenchmarkFindRoute finds the operation of the requests the service serves most (a task,
// the listing, a create, a task's completion) with the validator's router (segment) and
// with kin-openapi's gorillamux router it mirrors.
func BenchmarkFindRoute(b *testing.B) {
	spec, err := loadContract()
	if err != nil {
		b.Fatal(err)
	}
	segment, err := newRouter(spec)
	if err != nil {
		b.Fatal(err)
	}
	mux, err := gorillamux.NewRouter(spec)
	if err != nil {
		b.Fatal(err)
	}
	id := "0190b5c2-7d3e-7a1b-9c4d-5e6f7a8b9c0d"
	reqs := []*http.Request{
		httptest.NewRequest(http.MethodGet, "/api/tasks/"+id, nil),
		httptest.NewRequest(http.MethodGet, "/api/tasks?limit=50", nil),
		httptest.NewRequest(http.MethodPost, "/api/tasks", nil),
		httptest.NewRequest(http.MethodPatch, "/api/tasks/"+id+"/complete", nil),
	}
	for _, r := range []struct {
		name   string
		router routers.Router
	}{{"segment", segment}, {"gorillamux", mux}} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				for _, req := range reqs {
					if _, _, err := r.router.FindRoute(req); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkValidateCreateBody is finding the operation, authentication and the OpenAPI
// validator on a create request; the handler behind them does nothing.
func BenchmarkValidateCreateBody(b *testing.B) {
	authn, tok := benchAuth(b)
	spec, err := loadContract()
	if err != nil {
		b.Fatal(err)
	}
	ops, err := newOperations(spec, authn.Authenticator())
	if err != nil {
		b.Fatal(err)
	}
	e := echo.New()
	h := ops.middleware(newValidator(spec)(func(c echo.Context) error { return nil }))
	body := `{"title":"File the tax return","description":"Forms are in the blue folder.","priority":"high","due_date":"2026-12-31","tags":["admin","money"]}`
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/tasks", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		c := e.NewContext(req, httptest.NewRecorder())
		if err := h(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProblemRendering renders one validation problem as the error handler does.
func BenchmarkProblemRendering(b *testing.B) {
	s, _, _ := benchServer(b)
	err := validationProblem([]api.FieldError{{Field: "/title", Message: "must be 1 to 200 characters after trimming"}})
	req := httptest.NewRequest(http.MethodPost, "/api/tasks", nil)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		c := s.echo.NewContext(req, httptest.NewRecorder())
		c.Set("request_id", "0123456789abcdef01234567")
		s.echo.HTTPErrorHandler(err, c)
	}
}

// BenchmarkCursor encodes and decodes one listing cursor.
func BenchmarkCursor(b *testing.B) {
	sc := cursorScope{key: make([]byte, 32), userID: "bench-user", query: "order=desc&sort=created&status=pending"}
	pos := store.Position{Key: "2026-11-25 19:18:00.123456+00", ID: uuid.Must(uuid.NewV7())}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		c := encodeCursor(pos, seek{}, sc)
		if _, err := decodeCursor(b.Context(), c, sc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchServerIsTheRealStack keeps the benchmarks honest: the fixture answers like the
// service (contract shape, ETag, 401 without a token, 404 problem for an unknown route).
func TestBenchServerIsTheRealStack(t *testing.T) {
	t.Parallel()
	s, tok, task := benchServer(t)
	for _, tc := range []struct {
		name, path, token string
		want              int
	}{
		{"Get", "/api/tasks/" + task.ID.String(), tok, 200},
		{"NoToken", "/api/tasks/" + task.ID.String(), "", 401},
		{"UnknownRoute", "/api/nope", tok, 404},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, w.Code, tc.want, w.Body)
		}
		if tc.want == 200 {
			var got api.Task
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Id != task.ID || w.Header().Get("ETag") != `"3"` {
				t.Errorf("%s: body %s, ETag %q, err %v", tc.name, w.Body, w.Header().Get("ETag"), errors.Unwrap(err))
			}
		}
	}
}

func BenchmarkTaskJSONPage(b *testing.B) {
	rng := mrand.New(mrand.NewPCG(5, 6))
	r := taskResponse{status: http.StatusOK}
	for range 50 {
		task := saneTask(randomTask(rng))
		task.Title, task.Position, task.Tags = "Buy milk and bread", "a0V", []string{"home", "load"}
		r.tasks = append(r.tasks, task)
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for b.Loop() {
			if err := r.VisitListTasksResponse(httptest.NewRecorder()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for b.Loop() {
			page := make([]api.Task, len(r.tasks))
			for i, x := range r.tasks {
				page[i] = toAPI(x)
			}
			if err := (api.ListTasks200JSONResponse{Body: page}).VisitListTasksResponse(httptest.NewRecorder()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
