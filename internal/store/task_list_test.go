package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// orderName names a listing order as the generated query does: CreatedAsc, DueDateDesc, …
func orderName(k orderKey) string {
	var b strings.Builder
	for part := range strings.SplitSeq(string(k.sort), "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	if k.desc {
		return b.String() + "Desc"
	}
	return b.String() + "Asc"
}

// orders returns every listing order the store knows, in a stable order.
func orders() []orderKey {
	return slices.SortedFunc(maps.Keys(listQueries), func(a, b orderKey) int {
		return cmp.Compare(orderName(a), orderName(b))
	})
}

// TestListQueriesCoverEveryGeneratedListing: a listing query db/listgen generates but the
// store does not map (or the reverse) is a sort the API cannot reach or one the tests miss;
// so is an order without its statement of every family (TaskList*, TaskListShared*,
// TaskListMember*) or its key query (TaskListKey*).
func TestListQueriesCoverEveryGeneratedListing(t *testing.T) {
	t.Parallel()
	byPrefix := map[string][]string{}
	for name := range generatedQueries(t) {
		for _, prefix := range []string{"TaskListKey", "TaskListShared", "TaskListMember", "TaskList"} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				byPrefix[prefix] = append(byPrefix[prefix], rest)
				break
			}
		}
	}
	var mapped []string
	for _, k := range orders() {
		mapped = append(mapped, orderName(k))
	}
	slices.Sort(mapped)
	for _, prefix := range []string{"TaskList", "TaskListShared", "TaskListMember", "TaskListKey"} {
		got := byPrefix[prefix]
		slices.Sort(got)
		if !slices.Equal(got, mapped) {
			t.Errorf("generated %s* queries %v, store maps %v", prefix, got, mapped)
		}
	}
}

// TestTaskListKeyIsThePagesKey: for every order, the key TaskListKey reads for a task is the
// key of the Position a page ending on that task gives — byte for byte, as a cursor that names
// the task needs — also once the task is deleted; a task that never was is ErrNotFound.
func TestTaskListKeyIsThePagesKey(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const user = "list-key"
	create(t, s, user, TaskFields{Title: "Second", Priority: "low"})
	create(t, s, user, TaskFields{Title: strings.Repeat("😀", 200), Priority: "high", DueDate: day(2030, 1, 2), DueTime: ptr("09:30")})
	for _, k := range orders() {
		p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 1}
		page, next, err := s.TaskList(ctx, user, p)
		if err != nil || next == nil || len(page) != 1 {
			t.Fatalf("%s: %d tasks, next %v, %v", orderName(k), len(page), next, err)
		}
		if key, err := s.TaskListKey(ctx, user, p, next.ID); err != nil || key != next.Key {
			t.Errorf("%s: TaskListKey %q, %v; the page's key %q", orderName(k), key, err, next.Key)
		}
		if _, err := s.TaskListKey(ctx, user, p, uuid.New()); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: an unknown task: %v, want ErrNotFound", orderName(k), err)
		}
	}
	page, _, err := s.TaskList(ctx, user, ListParams{Sort: SortTitle, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ListParams{Sort: SortTitle}
	before, _ := s.TaskListKey(ctx, user, p, page[0].ID)
	if err := s.TaskDelete(ctx, user, page[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	if after, err := s.TaskListKey(ctx, user, p, page[0].ID); err != nil || after != before {
		t.Errorf("deleted: %q, %v; before %q", after, err, before)
	}
	if _, err := s.TaskListKey(ctx, user, ListParams{Sort: "nope"}, page[0].ID); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown sort: %v, want ErrInvalid", err)
	}
}

// listRow is a task as the tests read it with their own SQL, independent of the store.
type listRow struct {
	ID                   uuid.UUID
	Title                string
	Description          *string
	Completed            bool
	Priority             string
	Due                  *time.Time
	DueTime              *string // HH:MM
	Tags                 []string
	CreatedAt, UpdatedAt time.Time
	Position             string
}

func loadRows(t *testing.T, pool *pgxpool.Pool, user string) []listRow {
	t.Helper()
	rows, err := pool.Query(t.Context(), `
		SELECT id, title, description, completed, priority::text, due_date, to_char(due_time, 'HH24:MI'), tags, created_at, updated_at, position
		FROM tasks WHERE user_id = $1`, user)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[listRow])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var priorityRank = map[string]int{"low": 0, "medium": 1, "high": 2}

// expectedOrder sorts rows the way the contract describes sort key k, computed in Go: title
// case-insensitively (lower()), due_date with tasks without one last in both directions,
// priority low < medium < high, and ties broken by id in the same direction.
func expectedOrder(t *testing.T, rows []listRow, k orderKey) []uuid.UUID {
	t.Helper()
	keys := map[SortKey]func(a, b listRow) int{
		SortCreated:  func(a, b listRow) int { return a.CreatedAt.Compare(b.CreatedAt) },
		SortUpdated:  func(a, b listRow) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
		SortTitle:    func(a, b listRow) int { return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)) },
		SortPriority: func(a, b listRow) int { return cmp.Compare(priorityRank[a.Priority], priorityRank[b.Priority]) },
		SortPosition: func(a, b listRow) int { return strings.Compare(a.Position, b.Position) }, // byte order
		SortDueDate: func(a, b listRow) int {
			if a.Due == nil || b.Due == nil {
				return 0 // both nil here; one nil is handled before the direction applies
			}
			return dueMoment(a).Compare(dueMoment(b))
		},
	}
	key, ok := keys[k.sort]
	if !ok {
		t.Fatalf("no expected order for sort %q: teach expectedOrder the contract's rule for it", k.sort)
	}
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b listRow) int {
		if k.sort == SortDueDate && (a.Due == nil) != (b.Due == nil) {
			if a.Due == nil {
				return 1
			}
			return -1
		}
		c := key(a, b)
		if c == 0 {
			c = bytes.Compare(a.ID[:], b.ID[:]) // PostgreSQL orders uuids by their bytes
		}
		if k.desc {
			c = -c
		}
		return c
	})
	ids := make([]uuid.UUID, len(sorted))
	for i, r := range sorted {
		ids[i] = r.ID
	}
	return ids
}

// pageAll lists with p from the start, following the returned positions, and checks the
// paging itself: full pages until the last, no position after it.
func pageAll(t *testing.T, s *Store, user string, p ListParams) []uuid.UUID {
	t.Helper()
	var ids []uuid.UUID
	p.After = nil
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("more than 1000 pages: the positions do not advance")
		}
		tasks, next, err := s.TaskList(t.Context(), user, p)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if len(tasks) > p.Limit {
			t.Fatalf("page %d has %d tasks, limit %d", page, len(tasks), p.Limit)
		}
		for _, task := range tasks {
			ids = append(ids, task.ID)
		}
		if next == nil {
			if len(tasks) == 0 && page > 0 {
				t.Fatalf("page %d is empty: the page before it should have had no position", page)
			}
			return ids
		}
		if len(tasks) != p.Limit {
			t.Fatalf("page %d has %d tasks and a next position, want a full page of %d", page, len(tasks), p.Limit)
		}
		if next.ID != tasks[len(tasks)-1].ID {
			t.Fatalf("page %d: position %v is not at its last task %s", page, next, tasks[len(tasks)-1].ID)
		}
		p.After = next
	}
}

// diffIDs explains how got differs from want, by position in want.
func diffIDs(got, want []uuid.UUID) string {
	index := map[uuid.UUID]int{}
	for i, id := range want {
		index[id] = i
	}
	seen := map[uuid.UUID]bool{}
	var b strings.Builder
	for i, id := range got {
		switch j, ok := index[id]; {
		case seen[id]:
			fmt.Fprintf(&b, "position %d repeats %s\n", i, id)
		case !ok:
			fmt.Fprintf(&b, "position %d: %s should not be listed\n", i, id)
		case i != j:
			fmt.Fprintf(&b, "position %d: %s belongs at %d\n", i, id, j)
		}
		seen[id] = true
	}
	for i, id := range want {
		if !seen[id] {
			fmt.Fprintf(&b, "missing %s (position %d)\n", id, i)
		}
	}
	if b.Len() > 2000 {
		return b.String()[:2000] + "…"
	}
	return b.String()
}

// seedListing inserts n tasks for user with many ties in every sort key: titles equal but for
// case, 17 distinct creation times and 9 update times (microsecond precision), 5 due dates
// plus tasks without one, three priorities, and random (v4) ids so that id order is
// unrelated to insertion order. Titles are letters only, so any collation orders their
// lower-case forms as Go does.
func seedListing(t *testing.T, pool *pgxpool.Pool, user string, n int) {
	t.Helper()
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"}
	cases := []func(string) string{strings.ToLower, strings.ToUpper, func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }}
	descriptions := []string{"", "quarterly Report", "REPORTING duties", "misc", "see summary"}
	tagSets := [][]string{{}, {"work"}, {"home", "urgent"}, {"work", "urgent"}, {"errand"}}
	created := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	updated := time.Date(2024, 6, 7, 8, 9, 10, 654321000, time.UTC)
	// Positions in an order unrelated to the others: keys made in sequence, then shuffled.
	positions := make([]string, n)
	key := ""
	for _, j := range rand.New(rand.NewPCG(uint64(n), 7)).Perm(n) {
		var err error
		if key, err = fracindex.Between(key, ""); err != nil {
			t.Fatal(err)
		}
		positions[j] = key
	}
	batch := &pgx.Batch{}
	for i := range n {
		var desc *string
		if d := descriptions[i%len(descriptions)]; d != "" {
			desc = &d
		}
		var due *time.Time
		if i%4 != 0 {
			due = day(2030, 3, 1+(i*7)%5)
		}
		c := created.Add(time.Duration(i%17)*1500*time.Millisecond + time.Duration(i%17)*time.Microsecond)
		u := updated.Add(time.Duration(i%9)*time.Millisecond + time.Duration(i%9)*7*time.Microsecond)
		var completedAt *time.Time
		if i%3 == 2 {
			completedAt = &u
		}
		// Some due dates get a time (in the morning, the afternoon, at midnight, just before it).
		var dueTime *string
		if due != nil && i%3 != 1 {
			dueTime = ptr([]string{"09:15", "17:45", "00:00", "23:59"}[(i/3)%4])
		}
		batch.Queue(`INSERT INTO tasks (user_id, id, title, description, completed, priority, due_date, due_time, tags, created_at, updated_at, completed_at, position)
			VALUES ($1, $2, $3, $4, $5, $6::text::task_priority, $7, $8::text::time, $9, $10, $11, $12, $13)`,
			user, uuid.New(), cases[(i/7)%3](words[i%len(words)]), desc, completedAt != nil,
			[]string{"low", "medium", "high"}[(i/2)%3], due, dueTime, tagSets[(i/3)%len(tagSets)], c, u, completedAt, positions[i])
	}
	if err := pool.SendBatch(t.Context(), batch).Close(); err != nil {
		t.Fatalf("seed tasks: %v", err)
	}
}

// dueMoment is when a dated task is due, as a wall-clock time: its date and time, or the
// end of its date (24:00) without a time.
func dueMoment(r listRow) time.Time {
	if r.DueTime == nil {
		return r.Due.AddDate(0, 0, 1)
	}
	clock, _ := time.Parse("15:04", *r.DueTime)
	return r.Due.Add(time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute)
}

// overdueAt is the contract's overdue rule at wall-clock time now.
func overdueAt(r listRow, now time.Time) bool {
	if r.Completed || r.Due == nil {
		return false
	}
	if r.DueTime == nil {
		return r.Due.Before(now.Truncate(24 * time.Hour))
	}
	return dueMoment(r).Before(now)
}

// seedNow is a wall-clock time in the middle of seedListing's due dates.
var seedNow = time.Date(2030, 3, 3, 12, 30, 0, 0, time.UTC)

// listFilter is a set of ListParams filters and, independently, the rule they select by.
type listFilter struct {
	name  string
	set   func(*ListParams)
	match func(listRow) bool
}

func containsFold(s *string, sub string) bool {
	return s != nil && strings.Contains(strings.ToLower(*s), strings.ToLower(sub))
}

func hasAnyTag(r listRow, tags ...string) bool {
	for _, tag := range tags {
		if slices.Contains(r.Tags, tag) {
			return true
		}
	}
	return false
}

func dueWithin(r listRow, after, before *time.Time) bool {
	if r.Due == nil {
		return after == nil && before == nil
	}
	return (after == nil || !r.Due.Before(*after)) && (before == nil || !r.Due.After(*before))
}

var kiritimati = func() *time.Location {
	loc, err := time.LoadLocation("Pacific/Kiritimati")
	if err != nil {
		panic(err)
	}
	return loc
}()

var pagingFilters = []listFilter{
	{"NoFilter", func(*ListParams) {}, func(listRow) bool { return true }},
	{"Pending", func(p *ListParams) { p.Completed = ptr(false) }, func(r listRow) bool { return !r.Completed }},
	{"Completed", func(p *ListParams) { p.Completed = ptr(true) }, func(r listRow) bool { return r.Completed }},
	{"HighPriority", func(p *ListParams) { p.Priority = ptr(PriorityHigh) }, func(r listRow) bool { return r.Priority == "high" }},
	{"QMatchesTitleOrDescription", func(p *ListParams) { p.Q = ptr("rEpOrT") },
		func(r listRow) bool { return containsFold(&r.Title, "report") || containsFold(r.Description, "report") }},
	{"QMatchesTitle", func(p *ListParams) { p.Q = ptr("PHA") },
		func(r listRow) bool { return containsFold(&r.Title, "pha") || containsFold(r.Description, "pha") }},
	{"AnyOfTags", func(p *ListParams) { p.Tags = []string{"urgent", "errand"} },
		func(r listRow) bool { return hasAnyTag(r, "urgent", "errand") }},
	{"DueWindowInclusive", func(p *ListParams) { p.DueAfter, p.DueBefore = day(2030, 3, 2), day(2030, 3, 4) },
		func(r listRow) bool { return dueWithin(r, day(2030, 3, 2), day(2030, 3, 4)) }},
	{"Overdue", func(p *ListParams) { p.Overdue, p.Now = ptr(true), seedNow },
		func(r listRow) bool { return overdueAt(r, seedNow) }},
	{"NotOverdue", func(p *ListParams) { p.Overdue, p.Now = ptr(false), seedNow },
		func(r listRow) bool { return !overdueAt(r, seedNow) }},
	{"OverdueInAnotherZone", func(p *ListParams) {
		// 12:30 in UTC is 01:30 the next day in Kiritimati (UTC+14).
		p.Overdue, p.Now = ptr(true), seedNow.In(kiritimati)
	}, func(r listRow) bool { return overdueAt(r, seedNow.Add(14*time.Hour)) }},
	{"Combined", func(p *ListParams) {
		p.Completed, p.Tags, p.DueBefore, p.Q = ptr(false), []string{"work", "home"}, day(2030, 3, 4), ptr("E")
	}, func(r listRow) bool {
		return !r.Completed && hasAnyTag(r, "work", "home") && dueWithin(r, nil, day(2030, 3, 4)) &&
			(containsFold(&r.Title, "e") || containsFold(r.Description, "e"))
	}},
}

// TestTaskListPagesInOrder pages through every listing order, with and without filters, seven
// tasks at a time, and compares the concatenated pages with the order computed in Go.
func TestTaskListPagesInOrder(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const user = "lister"
	seedListing(t, pool, user, 120)
	seedListing(t, pool, "neighbour", 30) // same shapes, other owner: must never show up
	rows := loadRows(t, pool, user)

	for _, k := range orders() {
		t.Run(orderName(k), func(t *testing.T) {
			t.Parallel()
			for _, f := range pagingFilters {
				t.Run(f.name, func(t *testing.T) {
					var selected []listRow
					for _, r := range rows {
						if f.match(r) {
							selected = append(selected, r)
						}
					}
					if f.name != "NoFilter" && (len(selected) == 0 || len(selected) == len(rows)) {
						t.Fatalf("the seed data make filter %s select %d of %d tasks; it tests nothing", f.name, len(selected), len(rows))
					}
					want := expectedOrder(t, selected, k)
					p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 7}
					f.set(&p)
					if got := pageAll(t, s, user, p); !slices.Equal(got, want) {
						t.Fatalf("%d tasks listed, want %d:\n%s", len(got), len(want), diffIDs(got, want))
					}
				})
			}
			t.Run("OnePageWhenLimitFitsAll", func(t *testing.T) {
				tasks, next, err := s.TaskList(t.Context(), user, ListParams{Sort: k.sort, Desc: k.desc, Limit: len(rows)})
				if err != nil || next != nil || len(tasks) != len(rows) {
					t.Fatalf("%d tasks, next %v, %v; want all %d and no next page", len(tasks), next, err, len(rows))
				}
			})
			t.Run("NextPageWhenOneMore", func(t *testing.T) {
				_, next, err := s.TaskList(t.Context(), user, ListParams{Sort: k.sort, Desc: k.desc, Limit: len(rows) - 1})
				if err != nil || next == nil {
					t.Fatalf("next %v, %v; want a position", next, err)
				}
			})
		})
	}
	t.Run("UnknownSortIsInvalid", func(t *testing.T) {
		t.Parallel()
		if _, _, err := s.TaskList(t.Context(), user, ListParams{Sort: "colour"}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("ZeroLimitIsFifty", func(t *testing.T) {
		t.Parallel()
		tasks, next, err := s.TaskList(t.Context(), user, ListParams{Sort: SortCreated})
		if err != nil || len(tasks) != 50 || next == nil {
			t.Fatalf("%d tasks, next %v, %v; want 50 and a next page", len(tasks), next, err)
		}
	})
}

// TestTaskListFilters checks what each filter selects, on hand-picked tasks, in every order.
func TestTaskListFilters(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const user = "filterer"
	seed := []TaskFields{
		{Title: "Buy Milk", Description: ptr("2% fat"), Priority: "low", DueDate: day(2030, 1, 10), Tags: []string{"shop"}},
		{Title: "100% done", Priority: "high", Completed: true, Tags: []string{"work"}},
		{Title: "snake_case name", Description: ptr("under_score"), Priority: "medium", DueDate: day(2030, 1, 15), Tags: []string{"work", "code"}},
		{Title: `back\slash`, Description: ptr(`C:\path`), Priority: "high", DueDate: day(2030, 1, 20)},
		{Title: "plain", Description: ptr("Contains MILK too"), Priority: "medium", DueDate: day(2030, 1, 5), Tags: []string{"home"}, Completed: true},
		{Title: "other", Description: ptr("nothing"), Priority: "low", DueDate: day(2030, 1, 15), Tags: []string{"home", "shop"}},
		{Title: "snakeXcase", Description: ptr("underXscore"), Priority: "medium"},
		{Title: "100 percent", Description: ptr("50X"), Priority: "low", DueDate: day(2030, 1, 25)},
		{Title: "backslash", Description: ptr("no slash here"), Priority: "medium", Tags: []string{"code"}},
	}
	for _, f := range seed {
		create(t, s, user, f)
	}
	// Another user's task matches every filter below.
	create(t, s, "stranger", TaskFields{Title: `Milk % _ \ case`, Priority: "high", DueDate: day(2030, 1, 15), Tags: []string{"work", "shop", "home", "code"}})

	tests := []struct {
		name string
		set  func(*ListParams)
		want []string // titles
	}{
		{"NoFilterSelectsAll", func(*ListParams) {}, []string{"Buy Milk", "100% done", "snake_case name", `back\slash`, "plain", "other", "snakeXcase", "100 percent", "backslash"}},
		{"CompletedTrue", func(p *ListParams) { p.Completed = ptr(true) }, []string{"100% done", "plain"}},
		{"CompletedFalse", func(p *ListParams) { p.Completed = ptr(false) }, []string{"Buy Milk", "snake_case name", `back\slash`, "other", "snakeXcase", "100 percent", "backslash"}},
		{"Priority", func(p *ListParams) { p.Priority = ptr(PriorityHigh) }, []string{"100% done", `back\slash`}},
		{"QIsCaseInsensitiveOnTitleAndDescription", func(p *ListParams) { p.Q = ptr("mIlK") }, []string{"Buy Milk", "plain"}},
		{"QPercentIsLiteral", func(p *ListParams) { p.Q = ptr("%") }, []string{"Buy Milk", "100% done"}},
		{"QPercentInsideIsLiteral", func(p *ListParams) { p.Q = ptr("0% ") }, []string{"100% done"}},
		{"QUnderscoreIsLiteral", func(p *ListParams) { p.Q = ptr("e_c") }, []string{"snake_case name"}},
		{"QLoneUnderscoreIsLiteral", func(p *ListParams) { p.Q = ptr("_") }, []string{"snake_case name"}},
		{"QBackslashIsLiteral", func(p *ListParams) { p.Q = ptr(`k\s`) }, []string{`back\slash`}},
		{"QLoneBackslashIsLiteral", func(p *ListParams) { p.Q = ptr(`\`) }, []string{`back\slash`}},
		{"QMatchesNothing", func(p *ListParams) { p.Q = ptr("zebra") }, nil},
		{"TagOne", func(p *ListParams) { p.Tags = []string{"shop"} }, []string{"Buy Milk", "other"}},
		{"TagsAnyOf", func(p *ListParams) { p.Tags = []string{"code", "home"} }, []string{"snake_case name", "plain", "other", "backslash"}},
		{"TagUnknown", func(p *ListParams) { p.Tags = []string{"nosuch"} }, nil},
		{"DueBeforeInclusive", func(p *ListParams) { p.DueBefore = day(2030, 1, 15) }, []string{"Buy Milk", "snake_case name", "plain", "other"}},
		{"DueAfterInclusive", func(p *ListParams) { p.DueAfter = day(2030, 1, 15) }, []string{"snake_case name", `back\slash`, "other", "100 percent"}},
		{"DueOnOneDay", func(p *ListParams) { p.DueAfter, p.DueBefore = day(2030, 1, 15), day(2030, 1, 15) }, []string{"snake_case name", "other"}},
		{"DueEmptyWindow", func(p *ListParams) { p.DueAfter, p.DueBefore = day(2030, 1, 16), day(2030, 1, 14) }, nil},
		{"Combined", func(p *ListParams) {
			p.Completed, p.Priority, p.Tags, p.Q, p.DueAfter = ptr(false), ptr(PriorityMedium), []string{"work", "home"}, ptr("CASE"), day(2030, 1, 1)
		}, []string{"snake_case name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := slices.Sorted(slices.Values(tt.want))
			for _, k := range orders() {
				p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 200}
				tt.set(&p)
				tasks, next, err := s.TaskList(t.Context(), user, p)
				if err != nil || next != nil {
					t.Fatalf("%s: next %v, %v", orderName(k), next, err)
				}
				var got []string
				for _, task := range tasks {
					got = append(got, task.Title)
				}
				if slices.Sort(got); !slices.Equal(got, want) {
					t.Fatalf("%s: got %q\nwant %q", orderName(k), got, want)
				}
			}
		})
	}
}

// queryLog records the statements a pool runs, with their arguments.
type queryLog struct {
	mu      sync.Mutex
	queries []loggedQuery
}

type loggedQuery struct {
	sql  string
	args []any
}

func (l *queryLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if runnerSQL(data.SQL) {
		return ctx
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries = append(l.queries, loggedQuery{data.SQL, data.Args})
	return ctx
}

// runnerSQL reports whether sql is one of the runner's own statements (exec.go): a setting,
// BEGIN, COMMIT or ROLLBACK.
func runnerSQL(sql string) bool {
	switch sql {
	case setUserSQL, setUserAndPlanSQL, setPlanSQL, setUserAndGenericSQL, setGenericSQL, beginSQL, beginSnapshotSQL, "commit", "rollback":
		return true
	}
	return false
}

func (l *queryLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchQuery records the statements of a batch, leaving out the runner's own.
func (l *queryLog) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	if runnerSQL(data.SQL) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries = append(l.queries, loggedQuery{data.SQL, data.Args})
}

func (l *queryLog) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (l *queryLog) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (l *queryLog) take() []loggedQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.queries
	l.queries = nil
	return q
}

// planNode is the part of EXPLAIN (FORMAT JSON) output the plan test reads.
type planNode struct {
	NodeType      string     `json:"Node Type"`
	RelationName  string     `json:"Relation Name"`
	Alias         string     `json:"Alias"`
	IndexName     string     `json:"Index Name"`
	IndexCond     string     `json:"Index Cond"`
	OneTimeFilter string     `json:"One-Time Filter"`
	Plans         []planNode `json:"Plans"`
}

// has reports whether the plan has a node of type nodeType ("Seq Scan" only counts on tasks)
// that may run: not below a Result whose one-time filter is false (a listing's branch for
// another list_id, which row-level security keeps the planner from removing).
func (n planNode) has(nodeType string) bool {
	if n.NodeType == "Result" && n.OneTimeFilter == "false" {
		return false
	}
	if n.NodeType == nodeType && (nodeType != "Seq Scan" || n.RelationName == "tasks") {
		return true
	}
	return slices.ContainsFunc(n.Plans, func(c planNode) bool { return c.has(nodeType) })
}

// sortsAbove reports whether a Sort node has a scan of alias below it: whether the plan
// sorts those rows rather than reading them in order.
func (n planNode) sortsAbove(alias string) bool {
	if n.NodeType == "Sort" && n.reads(alias) {
		return true
	}
	return slices.ContainsFunc(n.Plans, func(c planNode) bool { return c.sortsAbove(alias) })
}

func (n planNode) reads(alias string) bool {
	return n.Alias == alias || slices.ContainsFunc(n.Plans, func(c planNode) bool { return c.reads(alias) })
}

func (n planNode) hasIndexCond(substr string) bool {
	if strings.Contains(n.IndexCond, substr) {
		return true
	}
	return slices.ContainsFunc(n.Plans, func(c planNode) bool { return c.hasIndexCond(substr) })
}

// String prints the plan's nodes on one line: Limit > Index Scan(tasks_user_created) …
func (n planNode) String() string {
	s := n.NodeType
	if n.IndexName != "" {
		s += "(" + n.IndexName + ")"
	}
	var children []string
	for _, c := range n.Plans {
		children = append(children, c.String())
	}
	switch len(children) {
	case 0:
		return s
	case 1:
		return s + " > " + children[0]
	}
	return s + " > [" + strings.Join(children, "; ") + "]"
}

func explain(t *testing.T, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, sql string, args ...any) planNode {
	t.Helper()
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	var raw []byte
	if err := q.QueryRow(t.Context(), "EXPLAIN (FORMAT JSON) "+sql, args...).Scan(&raw); err != nil {
		t.Fatalf("explain: %v\n%s", err, sql)
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
		t.Fatalf("decode plan: %v\n%s", err, raw)
	}
	return out[0].Plan
}

// seedPlanTable fills tasks with 10,000 rows: one heavy user with 2,000 tasks and 80 users
// with 100 each, then ANALYZEs.
func seedPlanTable(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	_, err := pool.Exec(t.Context(), `
		INSERT INTO tasks (user_id, id, title, description, completed, completed_at, priority, due_date, tags, created_at, updated_at, position)
		SELECT CASE WHEN g <= 2000 THEN 'heavy' ELSE 'user-' || (g % 80) END,
		       gen_random_uuid(),
		       initcap(substr(md5(g::text), 1, 12)) || ' task',
		       CASE WHEN g % 3 = 0 THEN NULL ELSE 'notes ' || md5((g * 7)::text) END,
		       g % 4 = 0,
		       CASE WHEN g % 4 = 0 THEN now() - (g % 100) * interval '1 hour' END,
		       (ARRAY['low', 'medium', 'high'])[1 + g % 3]::task_priority,
		       CASE WHEN g % 5 = 0 THEN NULL ELSE date '2026-01-01' + (g % 120) END,
		       CASE g % 8 WHEN 0 THEN '{}'::text[] WHEN 1 THEN '{work}' WHEN 2 THEN '{home,urgent}'
		                  WHEN 3 THEN '{work,errand}' WHEN 4 THEN '{home}' WHEN 5 THEN '{work,home}'
		                  WHEN 6 THEN '{errand}' ELSE '{reading}' END,
		       now() - g * interval '1 minute',
		       now() - ((g * 37) % 10000) * interval '1 minute',
		       'a0' || md5(g::text) || '1'
		FROM generate_series(1, 10000) g`)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := pool.Exec(t.Context(), "ANALYZE tasks"); err != nil {
		t.Fatal(err)
	}
}

// TestTaskListPlansUseIndexes runs every listing order through the store with realistic
// parameters, records the statement and arguments it sends, and EXPLAINs them on a 10,000-row
// table: no plan may scan tasks sequentially, and an unfiltered page of a user with many tasks
// must be read in order from the order's index (no Sort), with the keyset position as an index
// condition. Each statement's generic plan (what a prepared statement may switch to after five
// executions) is checked for sequential scans too.
func TestTaskListPlansUseIndexes(t *testing.T) {
	t.Parallel()
	log := &queryLog{}
	url := dbtest.NewURL(t)
	pool := newPool(t, url, func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	seedPlanTable(t, pool)
	log.take()
	s := New(pool, Options{})

	cases := []struct {
		name string
		set  func(*ListParams)
	}{
		{"NoFilter", func(*ListParams) {}},
		{"Pending", func(p *ListParams) { p.Completed = ptr(false) }},
		{"Completed", func(p *ListParams) { p.Completed = ptr(true) }},
		{"Priority", func(p *ListParams) { p.Priority = ptr(PriorityHigh) }},
		{"Search", func(p *ListParams) { p.Q = ptr("report") }},
		{"Tag", func(p *ListParams) { p.Tags = []string{"urgent"} }},
		{"DueWindow", func(p *ListParams) { p.DueAfter, p.DueBefore = day(2026, 2, 1), day(2026, 2, 14) }},
		{"Overdue", func(p *ListParams) { p.Overdue, p.Now = ptr(true), time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }},
		{"Combined", func(p *ListParams) {
			p.Completed, p.Priority, p.Tags, p.DueBefore = ptr(false), ptr(PriorityMedium), []string{"work", "home"}, day(2026, 3, 1)
		}},
	}
	// "member" is a member of heavy's inbox: it lists with the shared families (db/listgen),
	// all its lists (TaskListMember…) and heavy's inbox alone (TaskListShared…).
	var inbox uuid.UUID
	if err := pool.QueryRow(t.Context(), "SELECT id FROM lists WHERE owner_id = 'heavy' AND inbox").Scan(&inbox); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(t.Context(), "INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ('heavy', $1, 'member', 'viewer', 'b1')", inbox); err != nil {
		t.Fatal(err)
	}
	log.take()
	statements := map[string]loggedQuery{} // by query name
	for _, user := range []string{"heavy", "user-7", "member", "member/inbox"} {
		user, list := strings.CutSuffix(user, "/inbox")
		for _, k := range orders() {
			for _, tc := range cases {
				for _, page := range []string{"FirstPage", "NextPage"} {
					name := user + "/" + orderName(k) + "/" + tc.name + "/" + page
					p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 20}
					if list {
						name = user + "/inbox/" + orderName(k) + "/" + tc.name + "/" + page
						p.ListID = &inbox
					}
					tc.set(&p)
					if page == "NextPage" {
						_, next, err := s.TaskList(t.Context(), user, p)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if next == nil {
							continue // the filter leaves a single page
						}
						p.After = next
					}
					log.take()
					tasks, _, err := s.TaskList(t.Context(), user, p)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					ran := log.take()
					want := 1
					if tc.name == "Search" {
						want++ // the trigram index's lookup, then the listing
					}
					first := firstPageOnly(p) // task_list_first.go
					switch {
					case first && list && len(tasks) > 0:
						// The first page's statement alone, the list's check folded in.
					case first && list:
						want += 2 // none: then the list's check and the general statement
					case list:
						want++ // the list's check first
					case user == "member" || len(tasks) == 0:
						// No own task (a member of shared lists, or a filter that leaves
						// none): the clock, then the page again, in its statement.
						want += 2
					}
					if len(ran) != want {
						t.Fatalf("%s: the store ran %d statements, want %d", name, len(ran), want)
					}
					last := ran[len(ran)-1]
					query := queryName.FindStringSubmatch(last.sql)[1]
					statements[query] = last
					plan := explain(t, pool, last.sql, last.args...)
					t.Logf("%-40s %-22s %s", name, query, plan)
					if plan.has("Seq Scan") {
						t.Errorf("%s: %s scans tasks sequentially:\n%s", name, query, plan)
					}
					if user == "heavy" && tc.name == "NoFilter" {
						// The caller's own tasks (db/listgen's branch "own"), in order: a
						// Sort may only order the few rows of the branches merged.
						if plan.sortsAbove("own") || !plan.has("Index Scan") {
							t.Errorf("%s: %s does not read its index in order:\n%s", name, query, plan)
						}
						if page == "NextPage" && !plan.hasIndexCond("ROW(") {
							t.Errorf("%s: %s does not seek to the position through the index:\n%s", name, query, plan)
						}
					}
				}
			}
		}
	}
	// The key queries (a cursor that names its task): one row, by the primary key.
	for _, k := range orders() {
		p := ListParams{Sort: k.sort, Desc: k.desc, Limit: 1}
		page, _, err := s.TaskList(t.Context(), "heavy", p)
		if err != nil || len(page) != 1 {
			t.Fatalf("%s: %d tasks, %v", orderName(k), len(page), err)
		}
		log.take()
		if _, err := s.TaskListKey(t.Context(), "heavy", p, page[0].ID); err != nil {
			t.Fatalf("%s key: %v", orderName(k), err)
		}
		ran := log.take()
		if len(ran) != 1 {
			t.Fatalf("%s key: the store ran %d statements, want 1", orderName(k), len(ran))
		}
		query := queryName.FindStringSubmatch(ran[0].sql)[1]
		statements[query] = ran[0]
		plan := explain(t, pool, ran[0].sql, ran[0].args...)
		t.Logf("%-40s %-22s %s", "heavy/"+orderName(k)+"/Key", query, plan)
		// The task by its id (tasks_id: the caller may not be its owner), then the caller's
		// membership of its list by an index.
		if plan.has("Seq Scan") || !strings.HasPrefix(plan.String(), "Nested Loop > [Index Scan(tasks_id); ") {
			t.Errorf("%s does not read the task by its id, then the membership:\n%s", query, plan)
		}
	}
	for name := range generatedQueries(t) {
		if strings.HasPrefix(name, "TaskList") || strings.HasPrefix(name, "TaskFirstPage") {
			if _, ok := statements[name]; !ok {
				t.Errorf("%s was never run by the store, so never explained", name)
			}
		}
	}

	// Generic plans do not depend on the values, so EXECUTE with NULLs shows them.
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(statements)) {
		st := statements[name]
		if _, err := conn.Exec(t.Context(), "PREPARE generic AS "+st.sql); err != nil {
			t.Fatalf("prepare %s: %v", name, err)
		}
		nulls := strings.Repeat("NULL, ", len(st.args)-1) + "NULL"
		plan := explain(t, conn, "EXECUTE generic("+nulls+")")
		t.Logf("generic %-22s %s", name, plan)
		if plan.has("Seq Scan") {
			t.Errorf("the generic plan of %s scans tasks sequentially:\n%s", name, plan)
		}
		if _, err := conn.Exec(t.Context(), "DEALLOCATE generic"); err != nil {
			t.Fatal(err)
		}
	}
}
