package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// client talks to a running todo-api process over HTTP and checks every response against
// the contract, as apitest does for the in-process stack.
type client struct {
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	t.Helper()
	return &client{base: base, http: &http.Client{Timeout: 30 * time.Second}}
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

// validate checks a response against the contract (apitest.CheckResponse); operational
// endpoints and /dev/jwks.json are outside it.
func (c *client) validate(hr *http.Request, reqBody []byte, res *response) error {
	err := apitest.CheckResponse(hr, reqBody, res.Status, res.Header, res.Body)
	if errors.Is(err, apitest.ErrOutsideContract) {
		return nil
	}
	return err
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
