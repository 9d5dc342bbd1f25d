package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// captured is one response of the service, kept to be sent again by the HTTP half of the
// composed bound (httpbound.go): its status, its headers (without the ones net/http writes
// itself: Date, Content-Length, Connection) and its body exactly as it travelled (still
// gzipped when it was). Chunked says the service sent it with Transfer-Encoding: chunked,
// which the replay then does too.
type captured struct {
	Status  int         `json:"status"`
	Header  http.Header `json:"header"`
	Body    []byte      `json:"body"`
	Chunked bool        `json:"chunked"`
}

// captureClient reads responses as they travel: no transparent gzip (a request that asks
// for gzip itself gets the compressed bytes, one that does not gets what wrk gets).
var captureClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}

// capture sends req and keeps its response.
func capture(req *http.Request) (captured, error) {
	res, err := captureClient.Do(req)
	if err != nil {
		return captured{}, fmt.Errorf("capture %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return captured{}, fmt.Errorf("capture %s %s: %w", req.Method, req.URL.Path, err)
	}
	h := res.Header.Clone()
	for _, k := range []string{"Date", "Content-Length", "Connection", "Transfer-Encoding"} {
		h.Del(k)
	}
	return captured{Status: res.StatusCode, Header: h, Body: body, Chunked: len(res.TransferEncoding) > 0 && res.TransferEncoding[0] == "chunked"}, nil
}

// errNoSample: sampleRequest does not know the scenario (mix, or one whose requests are not
// all alike); it has no HTTP bound.
var errNoSample = errors.New("no sample request for scenario")

// sampleRequest is one request of scenario as the wrk script (wrk.go's luaTemplate) sends
// it, for the user u: the same method, path, query and headers, and for the creating
// scenarios a body of the same shape.
func sampleRequest(ctx context.Context, base, scenario string, u *benchUser) (*http.Request, error) {
	get := func(path string) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	}
	post := func(body string) (*http.Request, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/tasks", strings.NewReader(body))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}
	first := func(ids []string) string {
		if len(ids) == 0 {
			return ""
		}
		return ids[0]
	}
	var r *http.Request
	var err error
	switch scenario {
	case "list", "lists-all":
		r, err = get("/api/tasks?limit=50")
	case "list-gzip":
		if r, err = get("/api/tasks?limit=50"); err == nil {
			r.Header.Set("Accept-Encoding", "gzip")
		}
	case "single", "lists-single":
		r, err = get("/api/tasks/" + first(u.Tasks))
	case "lists-one":
		r, err = get("/api/tasks?limit=50&list_id=" + first(u.Lists))
	case "lists-shared":
		r, err = get("/api/tasks?limit=50&list_id=" + first(u.Shared))
	case "create":
		r, err = post(`{"title":"wrk task 1","priority":"high","tags":["load"]}`)
	case "lists-create":
		r, err = post(`{"title":"wrk task 1","priority":"high","tags":["load"],"list_id":"` + first(u.Lists) + `"}`)
	default:
		return nil, fmt.Errorf("%w: %q", errNoSample, scenario)
	}
	if err != nil {
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+u.Token)
	return r, nil
}

// writeCaptured saves c as JSON in file, for the bound's child process.
func writeCaptured(file string, c captured) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}

// readCaptured loads what writeCaptured saved.
func readCaptured(file string) (captured, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return captured{}, err
	}
	var c captured
	if err := json.Unmarshal(data, &c); err != nil {
		return captured{}, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}
