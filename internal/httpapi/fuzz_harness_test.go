package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/net/http/httpguts"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/devissuer"
	"github.com/todo-api/todo-api/internal/httpapi"
	"github.com/todo-api/todo-api/internal/store"
)

// The fuzz targets (fuzz_*_test.go; issue 6, item 3) drive the real handler stack of
// httpapi.New (validator, authentication, binder, handlers, error handler) in process, with
// the store faked at the boundary by apitest.FakeStore, which fails the input whenever
// something the HTTP layer promises to have validated reaches it unvalidated. Tokens are
// checked against a static key set (auth.NewStatic, a devissuer key): no network, no
// database. Each target checks, for every input: no panic, no 5xx, every error is
// application/problem+json with a matching status, and no broken promise at the store.
//
// `go test` runs the seed corpora (testdata/fuzz/<FuzzName>/ and the f.Add calls);
// `make fuzz` fuzzes each target for FUZZTIME, `make test` for 5 s each.

// The two users tokens are minted for; the fake store refuses to act for anyone else.
const (
	fuzzUser  = "fuzzUserIdOf32CharsLikeBetterAu1"
	fuzzOther = "fuzzOtherIdOf32CharsLikeBetterA2"
	fuzzIss   = "https://issuer.fuzz.example"
)

// fuzzTaskID is fuzzUser's task that PUT and PATCH inputs edit; fuzzListIDs are more of
// its tasks, so that listings have pages.
var (
	fuzzTaskID  = uuid.MustParse("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10")
	fuzzListIDs = []uuid.UUID{
		uuid.MustParse("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a11"),
		uuid.MustParse("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a12"),
	}
)

// fuzzEnv is the handler under fuzz with its fake store and tokens.
type fuzzEnv struct {
	srv    *httpapi.Server
	store  *apitest.FakeStore
	token  string // fuzzUser's
	tokenB string // fuzzOther's
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	f.Helper()
	iss, err := devissuer.LoadOrCreate(filepath.Join(f.TempDir(), "dev-key.json"))
	if err != nil {
		f.Fatal(err)
	}
	mint := func(sub string) string {
		tok, err := iss.Mint(sub, 24*time.Hour, fuzzIss, fuzzIss)
		if err != nil {
			f.Fatal(err)
		}
		return tok
	}
	st := apitest.NewFakeStore(apitest.FakeStoreOptions{Users: []string{fuzzUser, fuzzOther}})
	now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	desc := "Forms are in the blue folder."
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	for i, id := range append([]uuid.UUID{fuzzTaskID}, fuzzListIDs...) {
		st.Put(fuzzUser, store.Task{ID: id, Title: "File the tax return", Description: &desc, Priority: "high",
			DueDate: &due, Tags: []string{"admin", "money"}, CreatedAt: now.Add(time.Duration(i) * time.Minute), UpdatedAt: now, Version: 1})
	}
	srv, err := httpapi.New(httpapi.Options{
		Store:  st,
		Auth:   auth.NewStatic(iss.PublicSet(), fuzzIss, fuzzIss),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzEnv{srv: srv, store: st, token: mint(fuzzUser), tokenB: mint(fuzzOther)}
}

// fuzzRequest builds a request as net/http's server would hand it to the handler.
func fuzzRequest(method, path, rawQuery string, body []byte) *http.Request {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if rawQuery != "" {
		r.URL.RawQuery = rawQuery
		r.RequestURI = path + "?" + rawQuery
	}
	return r
}

// headerValue reports whether v can arrive as a header value (net/http's server refuses
// the others) and returns it as the server would pass it on, without surrounding blanks.
func headerValue(v string) (string, bool) {
	if !httpguts.ValidHeaderFieldValue(v) {
		return "", false
	}
	return strings.Trim(v, " \t"), true
}

// serve runs r through the handler and checks the properties every input must keep.
func (e *fuzzEnv) serve(t *testing.T, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	if v := e.store.TakeViolations(); len(v) > 0 {
		t.Fatalf("%s %s reached the store unvalidated: %s\nresponse %d %s", r.Method, r.URL, strings.Join(v, "; "), w.Code, w.Body)
	}
	if w.Code >= 500 {
		t.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body)
	}
	if w.Code >= 400 {
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Fatalf("%s %s: %d with Content-Type %q, want problem+json: %s", r.Method, r.URL, w.Code, ct, w.Body)
		}
		var p api.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code || p.Type == "" || p.Title == "" {
			t.Fatalf("%s %s: %d with a malformed problem (%v): %s", r.Method, r.URL, w.Code, err, w.Body)
		}
	}
	return w
}

// checkTask checks a task the server answered with: what the store keeps is what the
// contract promises.
func checkTask(t *testing.T, body []byte) api.Task {
	t.Helper()
	var task api.Task
	if err := json.Unmarshal(body, &task); err != nil {
		t.Fatalf("2xx with a body that is not a task: %v: %s", err, body)
	}
	if task.Title == "" || strings.TrimSpace(task.Title) != task.Title {
		t.Fatalf("task with title %q", task.Title)
	}
	return task
}
