// Package apitest runs the real HTTP stack for tests: httpapi.New over a store on an
// isolated PostgreSQL database (dbtest) and a verifier fetching a test issuer's JWKS over
// HTTP (authtest). Every response it sees is validated against the OpenAPI contract, so a
// test that passes also proves the server kept to its contract.
package apitest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/authtest"
	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/events"
	"github.com/todo-api/todo-api/internal/httpapi"
	"github.com/todo-api/todo-api/internal/store"
)

// testAcquireTimeout is how long a request of a test may wait for a pool connection, unless
// Options.StoreOptions says otherwise. Tests that send many requests at once (fifty moves
// of one user's tasks) queue behind that user's share of the pool; under the race detector
// on a busy machine the service's 2 s can pass before the last is served, and the test would
// get 429 too-busy for the machine's speed rather than for anything it checks.
const testAcquireTimeout = time.Minute

// Env is one running service with its own database and issuer.
type Env struct {
	URL    string
	Issuer *authtest.Issuer
	Pool   *pgxpool.Pool
	Server *httptest.Server
	Client *http.Client
	// Hub is the live event hub (Options.Live), else nil.
	Hub *events.Hub
}

// Options adjust the service under test.
type Options struct {
	// RateLimitPerUser as in httpapi.Options (default 0: off).
	RateLimitPerUser float64
	// CORSAllowedOrigins as in httpapi.Options.
	CORSAllowedOrigins []string
	// StoreOptions bound the store's use of the pool. Left zero, AcquireTimeout is
	// testAcquireTimeout rather than the service's default: a test's requests wait for a
	// connection as long as a busy machine needs, and a test of the refusal sets its own.
	StoreOptions store.Options
	// Logger receives the service's logs (default: discarded unless -v).
	Logger *slog.Logger
	// Now is the service's clock for "overdue" (default time.Now).
	Now func() time.Time
	// Live, when set, serves GET /api/events: a hub and its database listener run for the
	// test, and New returns once the listener listens.
	Live *Live
}

// Live configures the live event hub of a test service (events.Options, httpapi.Options).
type Live struct {
	MaxStreams        int
	MaxStreamsPerUser int
	Buffer            int
	Heartbeat         time.Duration
}

// New starts the service for one test; everything stops at t.Cleanup.
func New(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.StoreOptions.AcquireTimeout == 0 {
		o.StoreOptions.AcquireTimeout = testAcquireTimeout
	}
	pool := dbtest.New(t)
	iss := authtest.NewIssuer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := auth.New(ctx, iss.AuthConfig())
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	t.Cleanup(v.Close)
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	st := store.New(pool, o.StoreOptions)
	var hub *events.Hub
	if o.Live != nil {
		hub = startLive(t, pool, st, logger, *o.Live)
	}
	h, err := httpapi.New(httpapi.Options{
		Store:              st,
		Events:             hub,
		EventsHeartbeat:    heartbeat(o.Live),
		Auth:               v,
		Logger:             logger,
		Collectors:         []prometheus.Collector{store.NewPoolCollector(pool)},
		RateLimitPerUser:   o.RateLimitPerUser,
		CORSAllowedOrigins: o.CORSAllowedOrigins,
		Version:            "test",
		Now:                o.Now,
	})
	if err != nil {
		t.Fatalf("httpapi.New: %v", err)
	}
	if _, err := contract(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	// Tests see the wire: no Accept-Encoding unless they send one, and a compressed body is
	// decoded by Do, not by the transport (which would hide Content-Encoding).
	client := srv.Client()
	client.Transport.(*http.Transport).DisableCompression = true
	return &Env{URL: srv.URL, Issuer: iss, Pool: pool, Server: srv, Client: client, Hub: hub}
}

// heartbeat is the test's heartbeat interval (0: the service's default).
func heartbeat(l *Live) time.Duration {
	if l == nil {
		return 0
	}
	return l.Heartbeat
}

// startLive runs a hub and its listener on the test's database until the test ends, and
// waits until the listener listens.
func startLive(t testing.TB, pool *pgxpool.Pool, st *store.Store, logger *slog.Logger, l Live) *events.Hub {
	t.Helper()
	hub := events.NewHub(events.Options{Source: st, Logger: logger, MaxStreams: l.MaxStreams, MaxStreamsPerUser: l.MaxStreamsPerUser, Buffer: l.Buffer})
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan struct{}, 1)
	lis := &events.Listener{ConnString: pool.Config().ConnString(), Hub: hub, Logger: logger, Listening: func() {
		select {
		case listening <- struct{}{}:
		default:
		}
	}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); hub.Run(ctx) }()
	go func() { defer wg.Done(); lis.Run(ctx) }()
	t.Cleanup(func() { hub.Shutdown(); cancel(); wg.Wait() })
	select {
	case <-listening:
	case <-time.After(time.Minute):
		t.Fatal("the event listener did not LISTEN within a minute")
	}
	return hub
}

// testWriter sends log lines to t.Log, so they show only for failing tests or -v.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Token returns a valid bearer token (EdDSA, like Better Auth's) for user sub.
func (e *Env) Token(t testing.TB, sub string, opts ...authtest.TokenOption) string {
	return e.Issuer.Token(t, sub, opts...)
}

// Response is a finished response with its body read.
type Response struct {
	Status int
	Header http.Header
	// Body is the body decoded: a gzip-encoded body (Content-Encoding: gzip) is uncompressed.
	Body []byte
	// Wire is the body as sent (the same as Body unless it was encoded).
	Wire []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d response %q: %v", r.Status, r.Body, err)
	}
}

// Task decodes the body as a task.
func (r *Response) Task(t testing.TB) api.Task {
	t.Helper()
	var task api.Task
	r.JSON(t, &task)
	return task
}

// Problem decodes the body as a problem, checking its media type.
func (r *Response) Problem(t testing.TB) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("status %d with Content-Type %q, want application/problem+json; body %s", r.Status, ct, r.Body)
	}
	var p api.Problem
	r.JSON(t, &p)
	if p.Status != r.Status {
		t.Errorf("problem status %d, response status %d", p.Status, r.Status)
	}
	return p
}

// Req describes one request. Body may be a string or []byte (sent as is) or any value
// (sent as JSON); ContentType defaults to application/json when there is a body.
type Req struct {
	Method      string
	Path        string
	Token       string
	Body        any
	ContentType string
	Header      map[string]string
}

// Do sends req and validates the response against the contract.
func (e *Env) Do(t testing.TB, req Req) *Response {
	t.Helper()
	var body io.Reader
	var raw []byte
	switch b := req.Body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatalf("encode body: %v", err)
		}
	}
	if req.Body != nil {
		body = bytes.NewReader(raw)
	}
	hr, err := http.NewRequest(req.Method, e.URL+req.Path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if req.Body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	res, err := e.Client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	out := &Response{Status: res.StatusCode, Header: res.Header, Body: data, Wire: data}
	if res.Header.Get("Content-Encoding") == "gzip" && req.Method != http.MethodHead {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s %s: gzip body: %v", req.Method, req.Path, err)
		}
		if out.Body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s %s: gzip body: %v", req.Method, req.Path, err)
		}
	}
	e.validate(t, hr, raw, out)
	if out.Status >= 500 && out.Status != http.StatusServiceUnavailable {
		t.Errorf("%s %s: status %d: %s", req.Method, req.Path, out.Status, data)
	}
	return out
}

// contract is this binary's contract (gen/api's embedded document), loaded once per process.
var contract = sync.OnceValues(func() (*Contract, error) {
	spec, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	return newContract(spec)
})

// Contract checks responses against one OpenAPI document: this binary's ([CheckResponse]) or
// another's, such as a previous release's ([LoadContract]).
type Contract struct {
	router routers.Router
}

// LoadContract parses an OpenAPI document (YAML or JSON), e.g. the previous release's
// api/contracts/openapi.yaml, to check the responses of a binary built from it.
func LoadContract(data []byte) (*Contract, error) {
	spec, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	return newContract(spec)
}

// newContract routes requests to spec's operations, whatever servers it names.
func newContract(spec *openapi3.T) (*Contract, error) {
	spec.Servers = nil
	r, err := gorillamux.NewRouter(spec)
	if err != nil {
		return nil, fmt.Errorf("contract router: %w", err)
	}
	return &Contract{router: r}, nil
}

// ErrOutsideContract is what CheckResponse returns for a request that matches no operation
// of the contract (operational endpoints, unknown routes, wrong methods).
var ErrOutsideContract = errors.New("request outside the contract")

// CheckResponse checks a response to hr (whose body was reqBody) against the contract: its
// status must be declared for the operation, and its headers and body must match the
// declared schema. It is the check every test client shares, in process or over the wire to
// a separate process.
func CheckResponse(hr *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	c, err := contract()
	if err != nil {
		return err
	}
	return c.Check(hr, reqBody, status, header, body)
}

// Check checks a response to hr (whose body was reqBody) against c, as [CheckResponse] does
// against this binary's contract.
func (c *Contract) Check(hr *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	route, params, err := c.router.FindRoute(hr)
	if err != nil {
		return ErrOutsideContract
	}
	hr.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: hr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  status,
		Header:  header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s: response %d breaks the contract: %w\nbody: %s", hr.Method, hr.URL.Path, status, err, body)
	}
	return nil
}

// validate fails the test when a response breaks the contract (CheckResponse). Responses
// outside the contract (operational endpoints, unknown routes, wrong methods) must still
// answer errors as problem+json.
func (e *Env) validate(t testing.TB, hr *http.Request, reqBody []byte, res *Response) {
	t.Helper()
	err := CheckResponse(hr, reqBody, res.Status, res.Header, res.Body)
	switch {
	case errors.Is(err, ErrOutsideContract):
		if res.Status >= 400 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s: error %d outside the contract is not problem+json: %q", hr.Method, hr.URL.Path, res.Status, res.Header.Get("Content-Type"))
		}
	case err != nil:
		t.Error(err)
	}
}
