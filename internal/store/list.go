package store

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// Sort keys of TaskList.
const (
	SortCreated  = "created"
	SortUpdated  = "updated"
	SortTitle    = "title"
	SortDueDate  = "due_date"
	SortPriority = "priority"
	SortPosition = "position"
)

// Position is where a page ends: the last task's sort key (as PostgreSQL prints it) and id.
// The next page starts after it.
type Position struct {
	Key string
	ID  uuid.UUID
}

// ListParams selects and orders a page of tasks. Nil filters select everything.
type ListParams struct {
	Completed *bool
	Priority  *string
	Q         *string
	Tags      []string // any of
	DueBefore *time.Time
	DueAfter  *time.Time
	// Overdue selects the tasks that are (true) or are not (false) overdue at Now, the
	// current time in the caller's time zone (see TaskStats).
	Overdue *bool
	Now     time.Time

	Sort  string // one of the Sort constants
	Desc  bool
	Limit int
	After *Position
}

// listFunc runs the listing query of one order. Every generated TaskList* query has the
// same parameters and row shape, so they convert to the TaskListCreatedAsc types.
// It returns the rows as tasks and, when there are p.RowLimit rows, the sort key of the
// last but one (the last of the page when the extra row says a next page exists).
type listFunc func(ctx context.Context, q *db.Queries, p db.TaskListCreatedAscParams) (tasks []Task, pageEndKey string, err error)

func adapt[P ~struct {
	UserID    string
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
	AfterKey  *string
	AfterID   *uuid.UUID
	RowLimit  int32
}, R ~struct {
	Task    db.Task
	SortKey string
}](run func(*db.Queries, context.Context, P) ([]*R, error)) listFunc {
	return func(ctx context.Context, q *db.Queries, p db.TaskListCreatedAscParams) ([]Task, string, error) {
		rows, err := run(q, ctx, P(p))
		if err != nil {
			return nil, "", err
		}
		// Straight to tasks: one copy of a page, not two (make bench, alloc profile).
		var key string
		if n := int(p.RowLimit); n >= 2 && len(rows) >= n {
			key = db.TaskListCreatedAscRow(*rows[n-2]).SortKey
		}
		tasks := make([]Task, len(rows))
		for i := range rows {
			row := db.TaskListCreatedAscRow(*rows[i])
			tasks[i] = fromRow(&row.Task)
		}
		return tasks, key, nil
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
	sort string
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
	err := s.query(ctx, userID, func(ctx context.Context, q *db.Queries) error {
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
// A search (ListParams.Q, see listing.find) takes one round trip more.
func (s *Store) TaskList(ctx context.Context, userID string, p ListParams) ([]Task, *Position, error) {
	l, err := newListing(userID, p)
	if err != nil {
		return nil, nil, err
	}
	if l.search != "" {
		if err := s.query(ctx, userID, l.find); err != nil {
			return nil, nil, fmt.Errorf("list tasks: %w", err)
		}
	}
	if !l.none() {
		if err := s.queryListing(ctx, userID, l.read); err != nil {
			return nil, nil, fmt.Errorf("list tasks: %w", err)
		}
	}
	tasks, next := l.page()
	return tasks, next, nil
}

// TaskListWithClock is UserClock then TaskList in one round trip (see pipeline): the clock
// is read before the page, so a write committing in between makes the clock older than
// the page, never newer, as with the two calls.
func (s *Store) TaskListWithClock(ctx context.Context, userID string, p ListParams) (Clock, []Task, *Position, error) {
	l, err := newListing(userID, p)
	if err != nil {
		return Clock{}, nil, nil, err
	}
	var c Clock
	clock := step{run: func(ctx context.Context, q *db.Queries) error {
		row, err := q.UserClockGet(ctx, userID)
		if err != nil {
			return err
		}
		c = Clock{Now: row.Now}
		if row.Last != nil {
			c.Last = *row.Last
		}
		return nil
	}}
	if l.search == "" {
		err = s.pipeline(ctx, userID, clock, step{customPlan: true, run: l.read})
	} else if err = s.pipeline(ctx, userID, clock, step{run: l.find}); err == nil && !l.none() {
		// The ids after the clock, the page after the ids: still nothing newer than the clock.
		err = s.queryListing(ctx, userID, l.read)
	}
	if err != nil {
		return Clock{}, nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	tasks, next := l.page()
	return c, tasks, next, nil
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

// listing is one page request: its query, parameters and, once read, rows.
type listing struct {
	run    listFunc
	params db.TaskListCreatedAscParams
	limit  int
	search string // q, for find to look up by the trigram index; "" when params.Q filters
	tasks  []Task
	key    string
}

func newListing(userID string, p ListParams) (*listing, error) {
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
	l := &listing{run: o.list, params: params, limit: p.Limit}
	if p.Q != nil && searchable(*p.Q) {
		l.search = *p.Q
	} else {
		l.params.Q = p.Q
	}
	return l, nil
}

// find looks the search up in the trigram index: the listing then reads the tasks found by
// id, or, when there are more than maxSearchIDs, filters by q itself.
func (l *listing) find(ctx context.Context, q *db.Queries) error {
	ids, err := q.TaskSearchIDs(ctx, db.TaskSearchIDsParams{UserID: l.params.UserID, Q: l.search, MaxIds: maxSearchIDs + 1})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if len(ids) > maxSearchIDs {
		l.params.Q = &l.search
		return nil
	}
	l.params.Ids = ids
	if l.params.Ids == nil {
		l.params.Ids = []uuid.UUID{} // none found: not "no filter"
	}
	return nil
}

// none reports whether find found no task, so that there is nothing to read.
func (l *listing) none() bool {
	return l.params.Ids != nil && len(l.params.Ids) == 0
}

// read runs the listing on q.
func (l *listing) read(ctx context.Context, q *db.Queries) error {
	var err error
	l.tasks, l.key, err = l.run(ctx, q, l.params)
	return err
}

// page is what read found: the page and, when more follow, the position after it.
func (l *listing) page() ([]Task, *Position) {
	tasks := l.tasks
	if len(tasks) > l.limit {
		tasks = tasks[:l.limit]
		return tasks, &Position{Key: l.key, ID: tasks[len(tasks)-1].ID}
	}
	return tasks, nil
}
