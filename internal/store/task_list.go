package store

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// SortKey is what TaskList orders by.
type SortKey string

// Sort keys.
const (
	SortCreated  SortKey = "created"
	SortUpdated  SortKey = "updated"
	SortTitle    SortKey = "title"
	SortDueDate  SortKey = "due_date"
	SortPriority SortKey = "priority"
	SortPosition SortKey = "position"
)

// ListParams selects and orders a page of tasks. Nil filters select everything.
type ListParams struct {
	Completed *bool
	Priority  *Priority
	Q         *string
	Tags      []string // any of
	DueBefore *time.Time
	DueAfter  *time.Time
	// Overdue selects the tasks that are (true) or are not (false) overdue at Now, the
	// current time in the caller's time zone (see TaskStats).
	Overdue *bool
	Now     time.Time
	// ListID selects one list's tasks (the caller has checked that the user may read it);
	// ParentID the direct subtasks of one task; TopLevel the tasks without (true) or with
	// (false) a parent.
	ListID   *uuid.UUID
	ParentID *uuid.UUID
	TopLevel *bool

	Sort  SortKey
	Desc  bool
	Limit int
	After *Position
}

// listFunc runs the listing query of one order. Every generated TaskList* query has the
// same parameters and row shape, so they convert to the TaskListCreatedAsc types.
type listFunc func(ctx context.Context, q *db.Queries, p db.TaskListCreatedAscParams) (listed, error)

// listed is what a listing query returned: the rows as tasks; when there are p.RowLimit rows,
// the sort key of the last but one (the last of the page when the extra row says a next page
// exists); and the clock of the lists read (Clock.View), read with the rows (known only when
// there are some).
type listed struct {
	tasks      []Task
	pageEndKey string
	clock      *Clock
}

func adapt[P ~struct {
	UserID    string
	ListID    *uuid.UUID
	Completed *bool
	Priority  *db.TaskPriority
	Q         *string
	Ids       []uuid.UUID
	Tags      []string
	DueBefore *time.Time
	DueAfter  *time.Time
	Overdue   *bool
	Today     *time.Time
	NowLocal  *time.Time
	ParentID  *uuid.UUID
	TopLevel  *bool
	AfterKey  *string
	AfterID   *uuid.UUID
	RowLimit  int32
	SharedQ   *string
}, R ~struct {
	Task      db.Task
	SortKey   string
	ClockView *string
	ClockNow  time.Time
}](run func(*db.Queries, context.Context, P) ([]*R, error)) listFunc {
	return func(ctx context.Context, q *db.Queries, p db.TaskListCreatedAscParams) (listed, error) {
		rows, err := run(q, ctx, P(p))
		if err != nil {
			return listed{}, err
		}
		// Straight to tasks: one copy of a page, not two (make bench, alloc profile).
		var l listed
		if n := int(p.RowLimit); n >= 2 && len(rows) >= n {
			l.pageEndKey = db.TaskListCreatedAscRow(*rows[n-2]).SortKey
		}
		l.tasks = make([]Task, len(rows))
		for i := range rows {
			row := db.TaskListCreatedAscRow(*rows[i])
			l.tasks[i] = fromRow(&row.Task)
			if i == 0 {
				l.clock = viewClock(row.ClockNow, row.ClockView)
			}
		}
		return l, nil
	}
}

// keyFunc runs the TaskListKey* query of one order: one task's sort key as its listing
// query prints it. Every one has the same parameters as TaskListKeyCreatedAsc.
type keyFunc func(ctx context.Context, q *db.Queries, p db.TaskListKeyCreatedAscParams) (string, error)

func adaptKey[P ~struct {
	UserID string
	ID     uuid.UUID
}](run func(*db.Queries, context.Context, P) (string, error)) keyFunc {
	return func(ctx context.Context, q *db.Queries, p db.TaskListKeyCreatedAscParams) (string, error) {
		return run(q, ctx, P(p))
	}
}

type orderKey struct {
	sort SortKey
	desc bool
}

// order is one listing order's queries: the page, and one task's key.
type order struct {
	list listFunc
	key  keyFunc
}

var listQueries = map[orderKey]order{
	{SortCreated, false}:  {adapt((*db.Queries).TaskListCreatedAsc), adaptKey((*db.Queries).TaskListKeyCreatedAsc)},
	{SortCreated, true}:   {adapt((*db.Queries).TaskListCreatedDesc), adaptKey((*db.Queries).TaskListKeyCreatedDesc)},
	{SortUpdated, false}:  {adapt((*db.Queries).TaskListUpdatedAsc), adaptKey((*db.Queries).TaskListKeyUpdatedAsc)},
	{SortUpdated, true}:   {adapt((*db.Queries).TaskListUpdatedDesc), adaptKey((*db.Queries).TaskListKeyUpdatedDesc)},
	{SortTitle, false}:    {adapt((*db.Queries).TaskListTitleAsc), adaptKey((*db.Queries).TaskListKeyTitleAsc)},
	{SortTitle, true}:     {adapt((*db.Queries).TaskListTitleDesc), adaptKey((*db.Queries).TaskListKeyTitleDesc)},
	{SortDueDate, false}:  {adapt((*db.Queries).TaskListDueDateAsc), adaptKey((*db.Queries).TaskListKeyDueDateAsc)},
	{SortDueDate, true}:   {adapt((*db.Queries).TaskListDueDateDesc), adaptKey((*db.Queries).TaskListKeyDueDateDesc)},
	{SortPriority, false}: {adapt((*db.Queries).TaskListPriorityAsc), adaptKey((*db.Queries).TaskListKeyPriorityAsc)},
	{SortPriority, true}:  {adapt((*db.Queries).TaskListPriorityDesc), adaptKey((*db.Queries).TaskListKeyPriorityDesc)},
	{SortPosition, false}: {adapt((*db.Queries).TaskListPositionAsc), adaptKey((*db.Queries).TaskListKeyPositionAsc)},
	{SortPosition, true}:  {adapt((*db.Queries).TaskListPositionDesc), adaptKey((*db.Queries).TaskListKeyPositionDesc)},
}

// TaskListKey returns the sort key of one of userID's tasks, deleted or not, in the order of
// p (Sort, Desc): the Key of a Position that ends a page on that task. A cursor too short to
// carry a long key (a title's) names the task instead and reads its key here.
// ErrNotFound: no such task (or purged).
func (s *Store) TaskListKey(ctx context.Context, userID string, p ListParams, id uuid.UUID) (string, error) {
	o, ok := listQueries[orderKey{p.Sort, p.Desc}]
	if !ok {
		return "", fmt.Errorf("task list key: unknown sort %q: %w", p.Sort, ErrInvalid)
	}
	var key string
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		var err error
		key, err = o.key(ctx, q, db.TaskListKeyCreatedAscParams{UserID: userID, ID: id})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("task list key: %w", err)
	}
	return key, nil
}

// TaskList returns one page of userID's tasks and, when more follow, the position to
// continue after. The order is total (ties broken by id), so pages never overlap or skip.
// A search (ListParams.Q, see pageRequest.find) takes one round trip more.
func (s *Store) TaskList(ctx context.Context, userID string, p ListParams) ([]Task, *Position, error) {
	r, err := newPageRequest(userID, p)
	if err != nil {
		return nil, nil, err
	}
	if err := s.run(ctx, userID, listing, r.readPage); err != nil {
		return nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	tasks, next := r.result()
	return tasks, next, nil
}

// TaskListWithClock is UserClock and TaskList in one: the listing statement reads the clock
// with the page, from the same snapshot, so the clock is never newer than the page. (A page
// with no task carries no clock: then the clock is read first and the page again.)
func (s *Store) TaskListWithClock(ctx context.Context, userID string, p ListParams) (Clock, []Task, *Position, error) {
	r, err := newPageRequest(userID, p)
	if err != nil {
		return Clock{}, nil, nil, err
	}
	if err := s.run(ctx, userID, listing, r.readPageWithClock); err != nil {
		return Clock{}, nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	tasks, next := r.result()
	return r.clock, tasks, next, nil
}

// Search. A q with a run of at least searchRun letters or digits has trigrams, so the
// trigram index (task_search_ids, db/migrations/0009_quotas_search.sql) finds the tasks that
// contain it, reading only candidates, and the listing reads those by id. Row-level security
// cannot turn q into an index condition on tasks itself (LIKE and strpos are not leakproof),
// so without ids the listing filters every one of the user's rows, as it still does for a
// shorter q (it has no trigram), bounded by MaxLiveTasks, the user's share of the pool and
// the statement timeout.
//
// A q found in more than maxSearchIDs tasks is common among them: the listing then filters
// by q as it walks its order, which finds a page of such matches after reading a few times
// the page — where fetching every match by id, then sorting, would read them all.
const (
	searchRun    = 3
	maxSearchIDs = 1000
)

// searchable reports whether q has a run of searchRun letters or digits, hence a trigram
// the index can look up. (pg_trgm splits text into words of alphanumeric characters; a
// pattern without a whole trigram would make it read every entry of the index.)
func searchable(q string) bool {
	run := 0
	for _, r := range q {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			run = 0
			continue
		}
		if run++; run >= searchRun {
			return true
		}
	}
	return false
}

// pageRequest is one page request: its query, parameters and, once read, the page.
type pageRequest struct {
	run    listFunc
	params db.TaskListCreatedAscParams
	limit  int
	search string // q, for find to look up by the trigram index; "" when params.Q filters
	page   listed
	clock  Clock // the clock of the lists read (Clock.View), read by readPageWithClock
}

func newPageRequest(userID string, p ListParams) (*pageRequest, error) {
	o, ok := listQueries[orderKey{p.Sort, p.Desc}]
	if !ok {
		return nil, fmt.Errorf("list tasks: unknown sort %q: %w", p.Sort, ErrInvalid)
	}
	if p.Limit < 1 {
		p.Limit = 50
	}
	params := db.TaskListCreatedAscParams{
		UserID:    userID,
		Completed: p.Completed,
		Tags:      p.Tags,
		DueBefore: p.DueBefore,
		DueAfter:  p.DueAfter,
		ListID:    p.ListID,
		ParentID:  p.ParentID,
		TopLevel:  p.TopLevel,
		RowLimit:  int32(p.Limit + 1), // one more tells whether a next page exists
	}
	if p.Priority != nil {
		pr := db.TaskPriority(*p.Priority)
		params.Priority = &pr
	}
	if p.Overdue != nil {
		today, wall := wallClock(p.Now)
		params.Overdue, params.Today, params.NowLocal = p.Overdue, &today, &wall
	}
	if p.After != nil {
		params.AfterKey = &p.After.Key
		params.AfterID = &p.After.ID
	}
	r := &pageRequest{run: o.list, params: params, limit: p.Limit}
	// The trigram index holds the caller's own tasks: lists shared with the caller filter by
	// q as the listing walks them.
	r.params.SharedQ = p.Q
	if p.Q != nil && searchable(*p.Q) {
		r.search = *p.Q
	} else {
		r.params.Q = p.Q
	}
	return r, nil
}

// find looks the search up in the trigram index: the listing then reads the tasks found by
// id, or, when there are more than maxSearchIDs, filters by q itself.
func (r *pageRequest) find(ctx context.Context, q *db.Queries) error {
	ids, err := q.TaskSearchIDs(ctx, db.TaskSearchIDsParams{UserID: r.params.UserID, Q: r.search, MaxIds: maxSearchIDs + 1})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if len(ids) > maxSearchIDs {
		r.params.Q = &r.search
		return nil
	}
	r.params.Ids = ids
	if r.params.Ids == nil {
		r.params.Ids = []uuid.UUID{} // none found: not "no filter"
	}
	return nil
}

// readPage reads the page: the list's check first (ErrNotFound for a list the user may not
// read), the search, when there is one, then the listing.
func (r *pageRequest) readPage(ctx context.Context, q *db.Queries) error {
	if r.params.ListID != nil {
		if err := readableList(ctx, q, r.params.UserID, *r.params.ListID); err != nil {
			return err
		}
	}
	if r.search != "" {
		if err := r.find(ctx, q); err != nil {
			return err
		}
	}
	return r.read(ctx, q)
}

// readPageWithClock is readPage, and the clock of the lists read as the page's rows carry it.
// A page with no task carries none: then it reads the clock, then the page again (a clock
// read after the page could be newer than it).
func (r *pageRequest) readPageWithClock(ctx context.Context, q *db.Queries) error {
	if err := r.readPage(ctx, q); err != nil {
		return err
	}
	if r.page.clock != nil {
		r.clock = *r.page.clock
		return nil
	}
	var err error
	if r.clock, err = readMemberClock(ctx, q, r.params.UserID, r.params.ListID); err != nil {
		return err
	}
	return r.read(ctx, q)
}

// read runs the listing on q. (When find found none of the caller's own tasks, the lists
// shared with the caller may still hold matches.)
func (r *pageRequest) read(ctx context.Context, q *db.Queries) error {
	var err error
	r.page, err = r.run(ctx, q, r.params)
	return err
}

// result is the page read and, when more follow, the position after it.
func (r *pageRequest) result() ([]Task, *Position) {
	tasks := r.page.tasks
	if len(tasks) > r.limit {
		tasks = tasks[:r.limit]
		return tasks, &Position{Key: r.page.pageEndKey, ID: tasks[len(tasks)-1].ID}
	}
	return tasks, nil
}
