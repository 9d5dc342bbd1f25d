package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

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

func (s clockStore) MemberClock(context.Context, string, *uuid.UUID) (store.Clock, error) {
	return *s.clock.Load(), nil
}

func (s clockStore) TaskList(context.Context, string, store.ListParams) ([]store.Task, *store.Position, error) {
	s.reads.Add(1)
	return nil, nil, nil
}

func (s clockStore) TaskListWithClock(ctx context.Context, user string, p store.ListParams) (store.Clock, []store.Task, *store.Position, error) {
	c, _ := s.UserClock(ctx, user)
	tasks, next, err := s.TaskList(ctx, user, p)
	return c, tasks, next, err
}

func (s clockStore) TaskStats(context.Context, string, time.Time, *uuid.UUID) (store.Stats, error) {
	s.reads.Add(1)
	return store.Stats{}, nil
}

func (s clockStore) TaskChanges(context.Context, string, store.ChangesParams) ([]store.Task, *store.Position, error) {
	s.reads.Add(1)
	return nil, nil, nil
}

// TestCollectionETagsNeedOnlyTheClock: a 304 is decided from the caller's clock alone (no
// listing, no counting); the tag moves with the clock, and where overdue is involved (stats,
// the overdue filter) with the minute in the caller's time zone.
func TestCollectionETagsNeedOnlyTheClock(t *testing.T) {
	t.Parallel()
	noon := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	st := clockStore{clock: &atomic.Pointer[store.Clock]{}, reads: &atomic.Int32{}}
	st.clock.Store(&store.Clock{Last: noon.Add(-time.Hour), Now: noon})
	var now atomic.Pointer[time.Time]
	now.Store(&noon)
	s, tok := serverWithStore(t, st, func() time.Time { return *now.Load() })
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
	paths := []string{"/api/tasks", "/api/tasks?status=pending&sort=title", "/api/tasks?overdue=true",
		"/api/tasks?overdue=true&tz=Asia/Tokyo", "/api/tasks/stats", "/api/tasks/stats?tz=Pacific/Kiritimati",
		"/api/tasks/changes", "/api/tasks/changes?updated_after=" + url.QueryEscape(noon.Add(-48*time.Hour).Format(time.RFC3339))}
	// movesWithMinutes: the responses that depend on the caller's clock.
	movesWithMinutes := map[string]bool{"/api/tasks?overdue=true": true, "/api/tasks?overdue=true&tz=Asia/Tokyo": true,
		"/api/tasks/stats": true, "/api/tasks/stats?tz=Pacific/Kiritimati": true}
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

	// Later in the same minute, with no write: every tag holds.
	later := noon.Add(59 * time.Second)
	now.Store(&later)
	for _, path := range paths {
		if w := get(path, tags[path]); w.Code != http.StatusNotModified {
			t.Errorf("%s later in the same minute: %d, want 304", path, w.Code)
		}
	}
	// The next minute: overdue may have moved (a task due at 12:01), the rest has not.
	next := noon.Add(time.Minute)
	now.Store(&next)
	for _, path := range paths {
		want := http.StatusNotModified
		if movesWithMinutes[path] {
			want = http.StatusOK
		}
		if w := get(path, tags[path]); w.Code != want {
			t.Errorf("%s in the next minute: %d, want %d", path, w.Code, want)
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

// TestIfMatch: strong comparison of whole tags — a version matches only in its canonical
// form ("5", not "05", "+5" or " 5"), weak tags and garbage never.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		header string
		want   []int64 // nil: no precondition
	}{
		{`*`, nil},
		{`"5"`, []int64{5}},
		{`"4", "5"`, []int64{4, 5}},
		{`"05"`, []int64{}},
		{`"+5"`, []int64{}},
		{`" 5"`, []int64{}},
		{`"5 "`, []int64{}},
		{`"0"`, []int64{}},
		{`"-5"`, []int64{}},
		{`"9223372036854775808"`, []int64{}},
		{`W/"5"`, []int64{}},
		{`5`, []int64{}},
		{`"05", "5"`, []int64{5}},
	} {
		h := tc.header
		got := ifMatch(&h)
		switch {
		case tc.want == nil && got != nil, tc.want != nil && (got == nil || !slices.Equal(got.Versions, tc.want)):
			t.Errorf("ifMatch(%q) = %+v, want versions %v", tc.header, got, tc.want)
		}
	}
	if ifMatch(nil) != nil {
		t.Error("no header gave a precondition")
	}
}
