package httpapi_test

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// filterFixture creates a small set of tasks for userA whose titles tell what they are.
func filterFixture(t *testing.T, f *fixture) {
	t.Helper()
	for _, b := range []map[string]any{
		{"title": "Buy milk", "description": "2% fat", "priority": "low", "tags": []string{"shop", "home"}, "due_date": "2030-01-10"},
		{"title": "Pay 100% of rent", "priority": "high", "tags": []string{"money"}, "due_date": "2030-01-15", "completed": true},
		{"title": "snake_case rename", "description": "Refactor", "priority": "medium", "tags": []string{"dev"}},
		{"title": "Walk dog", "description": "around the PARK", "priority": "medium", "tags": []string{"home"}, "due_date": "2030-01-20", "completed": true},
		{"title": "Park car", "description": "level_2", "priority": "low", "due_date": "2030-01-15"},
	} {
		f.createA(t, b)
	}
	f.create(t, f.tokB, map[string]any{"title": "B: Buy milk park", "description": "% _", "priority": "low", "tags": []string{"home", "shop", "money"}, "due_date": "2030-01-15"})
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	f := setup(t)
	filterFixture(t, f)
	all := []string{"Buy milk", "Pay 100% of rent", "snake_case rename", "Walk dog", "Park car"}
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"NoFilter", "", all},
		{"StatusAll", "status=all", all},
		{"StatusPending", "status=pending", []string{"Buy milk", "snake_case rename", "Park car"}},
		{"StatusCompleted", "status=completed", []string{"Pay 100% of rent", "Walk dog"}},
		{"PriorityLow", "priority=low", []string{"Buy milk", "Park car"}},
		{"PriorityMedium", "priority=medium", []string{"snake_case rename", "Walk dog"}},
		{"PriorityHigh", "priority=high", []string{"Pay 100% of rent"}},
		{"OneTag", "tag=home", []string{"Buy milk", "Walk dog"}},
		{"TagsMatchAny", "tag=money&tag=dev", []string{"Pay 100% of rent", "snake_case rename"}},
		{"TagsMatchAnyOverlapping", "tag=home&tag=shop", []string{"Buy milk", "Walk dog"}},
		{"TagIsNormalised", "tag=%20HOME%20", []string{"Buy milk", "Walk dog"}},
		{"UnknownTag", "tag=nothing", nil},
		{"QMatchesTitleCaseInsensitive", "q=MILK", []string{"Buy milk"}},
		{"QMatchesDescriptionCaseInsensitive", "q=park", []string{"Walk dog", "Park car"}},
		{"QPercentIsLiteral", "q=%25", []string{"Buy milk", "Pay 100% of rent"}},
		{"QUnderscoreIsLiteral", "q=_", []string{"snake_case rename", "Park car"}},
		{"QPercentInsideText", "q=2%25", []string{"Buy milk"}},
		{"QBackslashIsLiteral", "q=%5C", nil},
		{"QNoMatch", "q=zebra", nil},
		{"DueBeforeInclusive", "due_before=2030-01-15", []string{"Buy milk", "Pay 100% of rent", "Park car"}},
		{"DueAfterInclusive", "due_after=2030-01-15", []string{"Pay 100% of rent", "Walk dog", "Park car"}},
		{"DueBetweenOneDay", "due_after=2030-01-15&due_before=2030-01-15", []string{"Pay 100% of rent", "Park car"}},
		{"DueRangeEmpty", "due_after=2030-01-16&due_before=2030-01-14", nil},
		{"FiltersCombineWithAnd", "status=pending&tag=home", []string{"Buy milk"}},
		{"PriorityAndQ", "priority=low&q=PARK", []string{"Park car"}},
		{"EverythingAtOnce", "status=pending&priority=low&tag=shop&tag=dev&q=milk&due_before=2030-12-31&due_after=2030-01-01", []string{"Buy milk"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, _ := f.listAll(t, f.tokA, tc.query+"&limit=2")
			g, w := titles(got), slices.Clone(tc.want)
			slices.Sort(g)
			slices.Sort(w)
			if !slices.Equal(g, w) {
				t.Errorf("?%s → %q, want %q", tc.query, g, w)
			}
		})
	}
}

// priorityRank orders priorities low < medium < high.
var priorityRank = map[api.Priority]int{api.PriorityLow: 0, api.PriorityMedium: 1, api.PriorityHigh: 2}

// expectedOrder sorts tasks as the contract says /api/tasks?sort=s&order=… must: by the sort
// key, ties by id in the same direction; tasks without a due date last in both directions.
func expectedOrder(tasks []api.Task, sort string, desc bool) []api.Task {
	out := slices.Clone(tasks)
	slices.SortStableFunc(out, func(a, b api.Task) int {
		var c int
		switch sort {
		case "created":
			c = a.CreatedAt.Compare(b.CreatedAt)
		case "updated":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		case "title":
			c = strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		case "priority":
			c = cmp.Compare(priorityRank[a.Priority], priorityRank[b.Priority])
		case "position":
			c = strings.Compare(*a.Position, *b.Position) // byte order, not locale
		case "due_date":
			da, db := dateString(a), dateString(b)
			switch {
			case da == "" && db == "":
				c = 0
			case da == "":
				return 1 // nulls last, whatever the order
			case db == "":
				return -1
			default:
				c = strings.Compare(da, db)
			}
		default:
			panic("unknown sort " + sort)
		}
		if c == 0 {
			c = bytes.Compare(a.Id[:], b.Id[:])
		}
		if desc {
			c = -c
		}
		return c
	})
	return out
}

// defaultDesc is the contract's default order per sort key.
var defaultDesc = map[string]bool{"created": true, "updated": true, "priority": true, "title": false, "due_date": false, "position": false}

// pagingFixture creates n tasks for userA with many ties: few distinct titles (differing in
// case only), priorities and due dates; some completed and some edited after creation, so
// that updated and created orders differ.
func pagingFixture(t *testing.T, f *fixture, n int) []api.Task {
	t.Helper()
	titlesCycle := []string{"Alpha", "alpha", "BETA", "beta", "Gamma"}
	prios := []string{"low", "medium", "high"}
	dues := []any{nil, "2030-01-01", "2030-01-02", "2030-01-01"}
	var created []api.Task
	for i := range n {
		body := map[string]any{"title": titlesCycle[i%len(titlesCycle)], "priority": prios[i%len(prios)], "due_date": dues[i%len(dues)], "tags": []string{fmt.Sprintf("t%d", i%3)}}
		if i%11 == 0 {
			body["completed"] = true
		}
		created = append(created, f.createA(t, body))
	}
	// Edit some older tasks, newest first, so updated order is not created order.
	for i := n - 1; i >= 0; i -= 7 {
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(created[i].Id), Token: f.tokA, Body: map[string]any{"description": "edited"}, ContentType: "application/merge-patch+json"})
		wantStatus(t, r, http.StatusOK)
		created[i] = r.Task(t)
	}
	// Move some, so the manual order is neither.
	for i := 0; i < n; i += 9 {
		var after any
		if j := (i*7 + 3) % n; j != i && i%2 == 0 {
			after = created[j].Id
		}
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: taskPath(created[i].Id) + "/move", Token: f.tokA, Body: map[string]any{"after_id": after}})
		wantStatus(t, r, http.StatusOK)
		created[i] = r.Task(t)
	}
	return created
}

func TestListSortAndPaging(t *testing.T) {
	t.Parallel()
	f := setup(t)
	tasks := pagingFixture(t, f, 120)
	f.create(t, f.tokB, map[string]any{"title": "alpha", "priority": "high"}) // never in A's pages

	for _, sort := range []string{"created", "updated", "title", "due_date", "priority", "position"} {
		for _, order := range []string{"", "asc", "desc"} {
			name := sort + "/" + cmp.Or(order, "default")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				desc := defaultDesc[sort]
				q := "sort=" + sort + "&limit=7"
				if order != "" {
					desc = order == "desc"
					q += "&order=" + order
				}
				got, pages := f.listAll(t, f.tokA, q)
				if pages != 18 {
					t.Errorf("%d pages of 7 for 120 tasks, want 18", pages)
				}
				checkPermutation(t, got, tasks)
				want := expectedOrder(tasks, sort, desc)
				if !slices.Equal(ids(got), ids(want)) {
					for i := range got {
						if i < len(want) && got[i].Id != want[i].Id {
							t.Fatalf("order differs first at %d: got %s, want %s", i, taskString(got[i]), taskString(want[i]))
						}
					}
				}
			})
		}
	}
	t.Run("FilteredPagingKeepsFilters", func(t *testing.T) {
		t.Parallel()
		q := "status=pending&priority=high&tag=t1&tag=T2&sort=title&order=desc&due_after=2030-01-01&limit=3&q=A"
		got, pages := f.listAll(t, f.tokA, q)
		var want []api.Task
		for _, task := range tasks {
			hasTag := slices.Contains(task.Tags, "t1") || slices.Contains(task.Tags, "t2")
			if !task.Completed && task.Priority == api.PriorityHigh && hasTag && dateString(task) >= "2030-01-01" && strings.Contains(strings.ToLower(task.Title+descString(task)), "a") {
				want = append(want, task)
			}
		}
		want = expectedOrder(want, "title", true)
		if len(want) < 7 {
			t.Fatalf("fixture too small: %d matching tasks", len(want))
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Errorf("filtered pages: %d tasks, want %d", len(got), len(want))
		}
		if wantPages := (len(want) + 2) / 3; pages != wantPages {
			t.Errorf("%d pages, want %d", pages, wantPages)
		}
	})
	t.Run("ExactMultipleOfLimitHasNoEmptyPage", func(t *testing.T) {
		t.Parallel()
		got, pages := f.listAll(t, f.tokA, "limit=40")
		if len(got) != 120 || pages != 3 {
			t.Errorf("%d tasks in %d pages, want 120 in 3", len(got), pages)
		}
	})
	t.Run("DefaultLimitIs50", func(t *testing.T) {
		t.Parallel()
		got, r := f.list(t, f.tokA, "")
		if len(got) != 50 {
			t.Errorf("%d tasks without limit, want 50", len(got))
		}
		if nextLink(t, r) == "" {
			t.Error("no Link rel=next with 70 more tasks")
		}
	})
	t.Run("Limit200ReturnsAllWithoutLink", func(t *testing.T) {
		t.Parallel()
		got, r := f.list(t, f.tokA, "limit=200")
		if len(got) != 120 {
			t.Errorf("%d tasks, want 120", len(got))
		}
		if l := r.Header.Get("Link"); l != "" {
			t.Errorf("Link %q on the last page", l)
		}
	})
	t.Run("Limit1", func(t *testing.T) {
		t.Parallel()
		got, r := f.list(t, f.tokA, "limit=1&sort=priority")
		if len(got) != 1 || got[0].Id != expectedOrder(tasks, "priority", true)[0].Id {
			t.Errorf("limit=1 → %d tasks", len(got))
		}
		next := nextLink(t, r)
		u, _ := url.Parse(next)
		if u.Query().Get("sort") != "priority" || u.Query().Get("limit") != "1" {
			t.Errorf("next link %q lost sort or limit", next)
		}
	})
}

// checkPermutation fails unless got holds each task of want exactly once.
func checkPermutation(t *testing.T, got, want []api.Task) {
	t.Helper()
	seen := map[uuid.UUID]int{}
	for _, task := range got {
		seen[task.Id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("task %s appears %d times", id, n)
		}
	}
	for _, task := range want {
		if seen[task.Id] == 0 {
			t.Errorf("task %s (%q) is missing", task.Id, task.Title)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d tasks, want %d", len(got), len(want))
	}
}

// Readable checks of the orders the contract spells out, independent of expectedOrder.
func TestListSortExamples(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, b := range []map[string]any{
		{"title": "banana", "priority": "low", "due_date": "2030-03-01"},
		{"title": "Cherry", "priority": "high"},
		{"title": "apple", "priority": "medium", "due_date": "2030-01-01"},
		{"title": "Date", "priority": "high", "due_date": "2030-02-01"},
		{"title": "elder"},
	} {
		f.createA(t, b)
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"sort=created", []string{"elder", "Date", "apple", "Cherry", "banana"}},
		{"sort=created&order=asc", []string{"banana", "Cherry", "apple", "Date", "elder"}},
		{"", []string{"elder", "Date", "apple", "Cherry", "banana"}},
		{"sort=title", []string{"apple", "banana", "Cherry", "Date", "elder"}},
		{"sort=title&order=desc", []string{"elder", "Date", "Cherry", "banana", "apple"}},
		{"sort=due_date", []string{"apple", "Date", "banana", "Cherry", "elder"}},
		{"sort=due_date&order=desc", []string{"banana", "Date", "apple", "Cherry", "elder"}},
	}
	for _, tc := range cases {
		t.Run(cmp.Or(tc.query, "default"), func(t *testing.T) {
			t.Parallel()
			got, _ := f.list(t, f.tokA, tc.query)
			gt := titles(got)
			if tc.query == "sort=due_date" || tc.query == "sort=due_date&order=desc" {
				// The two undated tasks tie; ties go by id, which is not in the title.
				slices.Sort(gt[3:])
			}
			if !slices.Equal(gt, tc.want) {
				t.Errorf("?%s → %q, want %q", tc.query, gt, tc.want)
			}
		})
	}
	t.Run("PriorityHighFirstByDefault", func(t *testing.T) {
		t.Parallel()
		got, _ := f.list(t, f.tokA, "sort=priority")
		var ps []api.Priority
		for _, task := range got {
			ps = append(ps, task.Priority)
		}
		if want := []api.Priority{"high", "high", "medium", "medium", "low"}; !slices.Equal(ps, want) {
			t.Errorf("priorities %q, want %q", ps, want)
		}
		got, _ = f.list(t, f.tokA, "sort=priority&order=asc")
		if got[0].Priority != api.PriorityLow || got[4].Priority != api.PriorityHigh {
			t.Errorf("asc: %q", titles(got))
		}
	})
	t.Run("UpdatedFollowsEdits", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		a := f.createA(t, map[string]any{"title": "a"})
		b := f.createA(t, map[string]any{"title": "b"})
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: taskPath(a.Id) + "/complete", Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		got, _ := f.list(t, f.tokA, "sort=updated")
		if !slices.Equal(ids(got), []uuid.UUID{a.Id, b.Id}) {
			t.Errorf("sort=updated → %q, want a (just edited) first", titles(got))
		}
		got, _ = f.list(t, f.tokA, "sort=created")
		if !slices.Equal(ids(got), []uuid.UUID{b.Id, a.Id}) {
			t.Errorf("sort=created → %q, want b first", titles(got))
		}
	})
}

func TestListCursor(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pagingFixture(t, f, 12)
	f.create(t, f.tokB, map[string]any{"title": "B's"})
	f.create(t, f.tokB, map[string]any{"title": "B's too"})

	_, r := f.list(t, f.tokA, "sort=title&priority=low&limit=2")
	next := nextLink(t, r)
	u, _ := url.Parse(next)
	cursor := u.Query().Get("cursor")

	t.Run("NextLinkWorks", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: next, Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
	})
	withCursor := func(q url.Values, c string) string {
		q = maps(q)
		q.Set("cursor", c)
		return "/api/tasks?" + q.Encode()
	}
	base := u.Query()
	bad := map[string]string{
		"TamperedCursor":      withCursor(base, tamper(cursor)),
		"TruncatedCursor":     withCursor(base, cursor[:len(cursor)-3]),
		"CursorWithoutCheck":  withCursor(base, strings.Split(cursor, ".")[0]),
		"GarbageCursor":       withCursor(base, "garbage"),
		"BareDotCursor":       withCursor(base, "."),
		"JSONCursor":          withCursor(base, `{"k":"alpha","i":"00000000-0000-0000-0000-000000000000"}`),
		"OverlongCursor":      withCursor(base, strings.Repeat("A", 1025)),
		"EmptyCursor":         withCursor(base, ""),
		"OtherSort":           withCursor(set(base, "sort", "created"), cursor),
		"OtherOrder":          withCursor(set(base, "order", "desc"), cursor),
		"OtherPriorityFilter": withCursor(set(base, "priority", "high"), cursor),
		"FilterDropped":       withCursor(set(base, "priority", ""), cursor),
		"FilterAdded":         withCursor(set(base, "q", "a"), cursor),
		"TagAdded":            withCursor(set(base, "tag", "t1"), cursor),
		"StatusAdded":         withCursor(set(base, "status", "pending"), cursor),
		"DueBeforeAdded":      withCursor(set(base, "due_before", "2030-01-01"), cursor),
	}
	for name, path := range bad {
		t.Run(name+"Is400", func(t *testing.T) {
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: path, Token: f.tokA})
			wantField(t, wantProblem(t, r, http.StatusBadRequest), "query.cursor")
		})
	}
	t.Run("AnotherUsersCursorIs400", func(t *testing.T) {
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: next, Token: f.tokB})
		wantField(t, wantProblem(t, r, http.StatusBadRequest), "query.cursor")
	})
	t.Run("LinkIsRelativeAndKeepsFilters", func(t *testing.T) {
		if !strings.HasPrefix(r.Header.Get("Link"), "</api/tasks?") {
			t.Errorf("Link %q is not relative", r.Header.Get("Link"))
		}
		if base.Get("sort") != "title" || base.Get("priority") != "low" || base.Get("limit") != "2" {
			t.Errorf("Link query %v lost a parameter", base)
		}
	})
}

// A cursor is signed with the database's key (cursor.go). Should the key leak, a client
// forging one can only move within its own tasks, and a position the database cannot read
// must still be a 400, not another status. (This test signs with the key, read from the
// database; internal/securitytest shows a client without it cannot forge one.)
func TestListForgedCursor(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pagingFixture(t, f, 5)
	_, r := f.list(t, f.tokA, "sort=due_date&limit=2")
	u, _ := url.Parse(nextLink(t, r))
	scope := u.Query()
	scope.Del("cursor")
	scope.Del("limit")
	var key []byte
	if err := f.Pool.QueryRow(t.Context(), "SELECT key FROM cursor_keys WHERE id = 1").Scan(&key); err != nil {
		t.Fatal(err)
	}
	// forge signs a payload as cursor.go does: kind 1 (exact), the id's 16 bytes, the key.
	forge := func(payload string) string {
		h := hmac.New(sha256.New, key)
		h.Write([]byte("todo-api cursor v3\x00" + userA + "\x00" + scope.Encode() + "\x00" + payload))
		enc := base64.RawURLEncoding
		return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(h.Sum(nil)[:16])
	}
	exact := func(id uuid.UUID, key string) string { return "\x01" + string(id[:]) + key }
	one := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	q := u.Query()
	// The forgery is accepted for a readable position: the tag is what cursor.go computes.
	q.Set("cursor", forge(exact(one, "2030-01-01")))
	wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?" + q.Encode(), Token: f.tokA}), http.StatusOK)
	for name, payload := range map[string]string{
		"KeyNotADate":      exact(one, "not-a-date"),
		"KeyWithNUL":       exact(one, "\x00"),
		"KeyNotUTF8":       exact(one, "\xff\xfe"),
		"KeyNotAnID":       exact(uuid.Nil, "2030-01-01"),
		"TooShort":         exact(one, "")[:10],
		"UnknownKind":      "\x03" + exact(one, "2030-01-01")[1:],
		"JSONPayload":      `{"k":"2030-01-01","i":"00000000-0000-0000-0000-000000000001"}`,
		"ByTaskNoDigest":   "\x02" + string(one[:]),
		"ByTaskHalfAnchor": "\x02" + string(one[:]) + strings.Repeat("d", 16) + "short",
		"ByTaskNilAnchor":  "\x02" + string(one[:]) + strings.Repeat("d", 16) + string(uuid.Nil[:]) + "2030-01-01",
	} {
		t.Run(name, func(t *testing.T) {
			q.Set("cursor", forge(payload))
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?" + q.Encode(), Token: f.tokA})
			wantField(t, wantProblem(t, r, http.StatusBadRequest), "query.cursor")
		})
	}
}

// maps copies url.Values.
func maps(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

// set returns a copy of q with k set to v ("" deletes k).
func set(q url.Values, k, v string) url.Values {
	q = maps(q)
	if v == "" {
		q.Del(k)
	} else {
		q.Set(k, v)
	}
	return q
}

func TestListBadQueryParameters(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.createA(t, map[string]any{"title": "x"})
	elevenTags := strings.Repeat("tag=a&", 10) + "tag=b"
	cases := []struct {
		name, query, field string
	}{
		{"StatusUnknown", "status=done", "query.status"},
		{"SortUnknown", "sort=priority,title", "query.sort"},
		{"OrderUnknown", "order=up", "query.order"},
		{"PriorityUnknown", "priority=urgent", "query.priority"},
		{"DueBeforeNotADate", "due_before=2024-02-30", "query.due_before"},
		{"DueAfterNotADate", "due_after=yesterday", "query.due_after"},
		{"LimitZero", "limit=0", "query.limit"},
		{"Limit201", "limit=201", "query.limit"},
		{"LimitNegative", "limit=-1", "query.limit"},
		{"LimitNotANumber", "limit=ten", "query.limit"},
		{"LimitFraction", "limit=1.5", "query.limit"},
		{"QEmpty", "q=", "query.q"},
		{"QOver200Characters", "q=" + strings.Repeat("q", 201), "query.q"},
		{"QOver200MultiByteCharacters", "q=" + strings.Repeat("%C3%A9", 201), "query.q"},
		{"QWithNUL", "q=a%00b", "query.q"},
		{"QInvalidUTF8", "q=%FF", "query.q"},
		{"QTruncatedUTF8", "q=a%C3", "query.q"},
		{"TagOver32Characters", "tag=" + strings.Repeat("t", 33), "query.tag"},
		{"TagEmpty", "tag=", "query.tag"},
		{"TagBlank", "tag=%20%20", "query.tag"},
		{"TagWithNUL", "tag=a%00", "query.tag"},
		{"ElevenTags", elevenTags, "query.tag"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?" + tc.query, Token: f.tokA})
			wantField(t, wantProblem(t, r, http.StatusBadRequest), tc.field)
		})
	}
	t.Run("Q200CharactersIsFine", func(t *testing.T) {
		t.Parallel()
		f.list(t, f.tokA, "q="+strings.Repeat("%C3%A9", 200))
	})
	t.Run("Limit200IsFine", func(t *testing.T) {
		t.Parallel()
		f.list(t, f.tokA, "limit=200")
	})
	t.Run("UnknownParameterIsIgnored", func(t *testing.T) {
		// Not a contract rule either way; it must at least not be a server error.
		t.Parallel()
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?page=2", Token: f.tokA})
		if r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
			t.Errorf("status %d", r.Status)
		}
	})
}
