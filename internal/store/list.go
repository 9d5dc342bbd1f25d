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
}](run func(*db.Queries, context.Context, P) ([]R, error)) listFunc {
	return func(ctx context.Context, q *db.Queries, p db.TaskListCreatedAscParams) ([]Task, string, error) {
		rows, err := run(q, ctx, P(p))
		if err != nil {
			return nil, "", err
		}
		// Straight to tasks: one copy of a page, not two (make bench, alloc profile).
		var key string
		if n := int(p.RowLimit); n >= 2 && len(rows) >= n {
			key = db.TaskListCreatedAscRow(rows[n-2]).SortKey
		}
		tasks := make([]Task, len(rows))
		for i := range rows {
			tasks[i] = fromRow(db.TaskListCreatedAscRow(rows[i]).Task)
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
	run, ok := listQueries[orderKey{p.Sort, p.Desc}]
	if !ok {
		return nil, nil, fmt.Errorf("list tasks: unknown sort %q: %w", p.Sort, ErrInvalid)
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
	var tasks []Task
	var key string
	err := s.queryListing(ctx, userID, func(ctx context.Context, q *db.Queries) error {
		var err error
		tasks, key, err = run(ctx, q, params)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	var next *Position
	if len(tasks) > p.Limit {
		tasks = tasks[:p.Limit]
		next = &Position{Key: key, ID: tasks[len(tasks)-1].ID}
	}
	return tasks, next, nil
}
