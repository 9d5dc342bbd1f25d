package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/store"
)

// clockStore answers the collection reads with nothing but counts them, and reports a clock
// the test sets: what a conditional GET costs, seen from the store.
type clockStore struct {
	benchStore
	clock *atomic.Pointer[store.Clock]
	reads *atomic.Int32
}

func (s clockStore) UserClock(context.Context, string) (store.Clock, error) {
	return *s.clock.Load(), nil
}

func (s clockStore) TaskList(context.Context, string, store.ListParams) ([]store.Task, *store.Position, error) {
	s.reads.Add(1)
	return nil, nil, nil
}

func (s clockStore) TaskStats(context.Context, string) (store.Stats, error) {
	s.reads.Add(1)
	return store.Stats{}, nil
}

func (s clockStore) TaskChanges(context.Context, string, store.ChangesParams) ([]store.Task, *store.Position, error) {
	s.reads.Add(1)
	return nil, nil, nil
}

// TestCollectionETagsNeedOnlyTheClock: a 304 is decided from the caller's clock alone (no
// listing, no counting); the tag moves with the clock, and the stats tag with the UTC date.
func TestCollectionETagsNeedOnlyTheClock(t *testing.T) {
	t.Parallel()
	noon := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st := clockStore{clock: &atomic.Pointer[store.Clock]{}, reads: &atomic.Int32{}}
	st.clock.Store(&store.Clock{Last: noon.Add(-time.Hour), Now: noon})
	s, tok := serverWithStore(t, st)
	get := func(path, inm string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	paths := []string{"/api/tasks", "/api/tasks?status=pending&sort=title", "/api/tasks/stats", "/api/tasks/changes",
		"/api/tasks/changes?updated_after=" + url.QueryEscape(noon.Add(-48*time.Hour).Format(time.RFC3339))}
	tags := map[string]string{}
	for _, path := range paths {
		before := st.reads.Load()
		w := get(path, "")
		tag := w.Header().Get("ETag")
		if w.Code != http.StatusOK || len(tag) < 5 || tag[:3] != `W/"` || st.reads.Load() != before+1 {
			t.Fatalf("%s: status %d, ETag %q, %d reads", path, w.Code, tag, st.reads.Load()-before)
		}
		for p, other := range tags {
			if other == tag {
				t.Errorf("%s and %s share the ETag %s", p, path, tag)
			}
		}
		tags[path] = tag
		before = st.reads.Load()
		if w := get(path, tag); w.Code != http.StatusNotModified || w.Header().Get("ETag") != tag || w.Body.Len() != 0 {
			t.Errorf("%s with its ETag: status %d, ETag %q, body %q; want 304 with the tag", path, w.Code, w.Header().Get("ETag"), w.Body)
		}
		if st.reads.Load() != before {
			t.Errorf("%s: a 304 read the tasks", path)
		}
	}

	// Later the same day, with no write: every tag holds.
	st.clock.Store(&store.Clock{Last: noon.Add(-time.Hour), Now: noon.Add(11 * time.Hour)})
	for _, path := range paths {
		if w := get(path, tags[path]); w.Code != http.StatusNotModified {
			t.Errorf("%s later the same day: %d, want 304", path, w.Code)
		}
	}
	// After midnight UTC, overdue may have moved: the stats tag changes, the others do not.
	st.clock.Store(&store.Clock{Last: noon.Add(-time.Hour), Now: noon.Add(12 * time.Hour)})
	for _, path := range paths {
		want := http.StatusNotModified
		if path == "/api/tasks/stats" {
			want = http.StatusOK
		}
		if w := get(path, tags[path]); w.Code != want {
			t.Errorf("%s on the next day: %d, want %d", path, w.Code, want)
		}
	}
	// A write moves the clock: every tag changes.
	st.clock.Store(&store.Clock{Last: noon.Add(time.Microsecond), Now: noon})
	for _, path := range paths {
		if w := get(path, tags[path]); w.Code != http.StatusOK || w.Header().Get("ETag") == tags[path] {
			t.Errorf("%s after a write: %d with ETag %q, want 200 and a new tag", path, w.Code, w.Header().Get("ETag"))
		}
	}
}

func TestNoneMatch(t *testing.T) {
	t.Parallel()
	weak, strong := `W/"abc"`, `"7"`
	for _, tc := range []struct {
		header, current string
		want            bool
	}{
		{`W/"abc"`, weak, true},
		{`"abc"`, weak, true}, // weak comparison ignores W/
		{`"x", W/"abc"`, weak, true},
		{`*`, weak, true},
		{`W/"abd"`, weak, false},
		{`abc`, weak, false},
		{`W/"7"`, strong, true},
		{`"7"`, strong, true},
		{`"8"`, strong, false},
	} {
		h := tc.header
		if got := noneMatch(&h, tc.current); got != tc.want {
			t.Errorf("noneMatch(%q, %q) = %v, want %v", tc.header, tc.current, got, tc.want)
		}
	}
	if noneMatch(nil, weak) {
		t.Error("no header matched")
	}
}
