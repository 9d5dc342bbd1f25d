package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/todo-api/todo-api/gen/api"
)

// client talks to a running todo-api process over HTTP and checks every response against
// the contract, as apitest does for the in-process stack.
type client struct {
	base   string
	http   *http.Client
	router routers.Router
}

var contractRouter = sync.OnceValues(func() (routers.Router, error) {
	spec, err := api.GetSpec()
	if err != nil {
		return nil, err
	}
	spec.Servers = nil
	return gorillamux.NewRouter(spec)
})

func newClient(t *testing.T, base string) *client {
	t.Helper()
	r, err := contractRouter()
	if err != nil {
		t.Fatalf("contract router: %v", err)
	}
	return &client{base: base, http: &http.Client{Timeout: 30 * time.Second}, router: r}
}

// response is a finished response with its body read.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// request is one call: Body is JSON-encoded unless it is a string.
type request struct {
	Method, Path, Token string
	Body                any
	ContentType         string
	Header              map[string]string
}

// send performs req and validates the response; it reports problems as errors, so that it
// can run in goroutines.
func (c *client) send(req request) (*response, error) {
	var raw []byte
	switch b := req.Body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			return nil, err
		}
	}
	target := req.Path
	if !strings.HasPrefix(target, "http") {
		target = c.base + req.Path
	}
	hr, err := http.NewRequest(req.Method, target, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", cmpOr(req.ContentType, "application/json"))
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	res, err := c.http.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	out := &response{Status: res.StatusCode, Header: res.Header, Body: body}
	if err := c.validate(hr, raw, out); err != nil {
		return out, err
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// do is send for the test goroutine: any error fails the test, and so does a status other
// than want.
func (c *client) do(t *testing.T, want int, req request) *response {
	t.Helper()
	res, err := c.send(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.Path, res.Status, want, res.Body)
	}
	return res
}

// validate checks a response of a contract operation against the declared status, headers
// and schema.
func (c *client) validate(hr *http.Request, reqBody []byte, res *response) error {
	route, params, err := c.router.FindRoute(hr)
	if err != nil {
		return nil // operational endpoints and /dev/jwks.json are outside the contract
	}
	hr.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: hr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  res.Status,
		Header:  res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s: response %d breaks the contract: %w\nbody: %s", hr.Method, hr.URL.Path, res.Status, err, res.Body)
	}
	return nil
}

// task decodes a task body.
func (r *response) task(t *testing.T) api.Task {
	t.Helper()
	var task api.Task
	if err := json.Unmarshal(r.Body, &task); err != nil {
		t.Fatalf("decode task %q: %v", r.Body, err)
	}
	return task
}

// tasks decodes a list body.
func (r *response) tasks(t *testing.T) []api.Task {
	t.Helper()
	var tasks []api.Task
	if err := json.Unmarshal(r.Body, &tasks); err != nil {
		t.Fatalf("decode tasks %q: %v", r.Body, err)
	}
	return tasks
}

var linkNext = regexp.MustCompile(`<([^>]+)>;\s*rel="next"`)

// next returns the URL of the next page from the Link header, or "".
func (r *response) next(base string) string {
	m := linkNext.FindStringSubmatch(r.Header.Get("Link"))
	if m == nil {
		return ""
	}
	b, _ := url.Parse(base + "/")
	u, err := b.Parse(m[1])
	if err != nil {
		return m[1]
	}
	return u.String()
}
