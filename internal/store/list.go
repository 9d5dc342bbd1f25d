package store

import (
	"context"
	"fmt"
	"time"

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

type orderKey struct {
	sort string
	desc bool
}

var listQueries = map[orderKey]listFunc{
	{SortCreated, false}:  adapt((*db.Queries).TaskListCreatedAsc),
	{SortCreated, true}:   adapt((*db.Queries).TaskListCreatedDesc),
	{SortUpdated, false}:  adapt((*db.Queries).TaskListUpdatedAsc),
	{SortUpdated, true}:   adapt((*db.Queries).TaskListUpdatedDesc),
	{SortTitle, false}:    adapt((*db.Queries).TaskListTitleAsc),
	{SortTitle, true}:     adapt((*db.Queries).TaskListTitleDesc),
	{SortDueDate, false}:  adapt((*db.Queries).TaskListDueDateAsc),
	{SortDueDate, true}:   adapt((*db.Queries).TaskListDueDateDesc),
	{SortPriority, false}: adapt((*db.Queries).TaskListPriorityAsc),
	{SortPriority, true}:  adapt((*db.Queries).TaskListPriorityDesc),
	{SortPosition, false}: adapt((*db.Queries).TaskListPositionAsc),
	{SortPosition, true}:  adapt((*db.Queries).TaskListPositionDesc),
}

// TaskList returns one page of userID's tasks and, when more follow, the position to
// continue after. The order is total (ties broken by id), so pages never overlap or skip.
func (s *Store) TaskList(ctx context.Context, userID string, p ListParams) ([]Task, *Position, error) {
	l, err := newListing(userID, p)
	if err != nil {
		return nil, nil, err
	}
	if err := s.queryListing(ctx, userID, l.read); err != nil {
		return nil, nil, fmt.Errorf("list tasks: %w", err)
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
	err = s.pipeline(ctx, userID,
		step{run: func(ctx context.Context, q *db.Queries) error {
			row, err := q.UserClockGet(ctx, userID)
			if err != nil {
				return err
			}
			c = Clock{Now: row.Now}
			if row.Last != nil {
				c.Last = *row.Last
			}
			return nil
		}},
		step{customPlan: true, run: l.read})
	if err != nil {
		return Clock{}, nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	tasks, next := l.page()
	return c, tasks, next, nil
}

// listing is one page request: its query, parameters and, once read, rows.
type listing struct {
	run    listFunc
	params db.TaskListCreatedAscParams
	limit  int
	tasks  []Task
	key    string
}

func newListing(userID string, p ListParams) (*listing, error) {
	run, ok := listQueries[orderKey{p.Sort, p.Desc}]
	if !ok {
		return nil, fmt.Errorf("list tasks: unknown sort %q: %w", p.Sort, ErrInvalid)
	}
	if p.Limit < 1 {
		p.Limit = 50
	}
	params := db.TaskListCreatedAscParams{
		UserID:    userID,
		Completed: p.Completed,
		Q:         p.Q,
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
	return &listing{run: run, params: params, limit: p.Limit}, nil
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
