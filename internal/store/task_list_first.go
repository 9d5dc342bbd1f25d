package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/db"
)

// First pages. Nearly every listing request is a first page, unfiltered or filtered only by
// completion and top_level (the web app's views; make bench's list, lists-one and
// lists-shared). db/listgen gives each order two statements for them: TaskFirstPage… (the
// caller's own tasks) and TaskFirstPageInList… (one list the caller is a member of, own or
// shared, with the membership check folded in). They have no catch-all predicate that picks
// an index (no keyset position, no optional list_id), so their generic plan is the right one,
// and the store runs them in mode cached: planned once per connection. The general statements
// (TaskList…) are planned with their values on every call, and planning was half of their cost
// under row-level security (docs/performance.md, "Attribution").
//
// A first page they do not answer goes the general way (listPage): no row (no task of the
// caller's, an empty list, or a list the caller may not read: the general path tells which,
// and answers 404 for the last exactly as before), or a caller who is a member of other owners'
// lists (shared: all lists are TaskListMember…'s).

// firstPageOnly reports whether p asks for a first page that a first-page statement reads.
func firstPageOnly(p ListParams) bool {
	return p.After == nil && p.Priority == nil && p.Q == nil && p.Tags == nil && p.DueBefore == nil &&
		p.DueAfter == nil && p.Overdue == nil && p.ParentID == nil
}

// listPage reads r's page: by its first-page statement when r.firstPage and that answers,
// else by the general statements (readPage).
func (s *Store) listPage(ctx context.Context, userID string, r *pageRequest) error {
	if r.firstPage {
		if err := s.run(ctx, userID, cached, r.readFirstPage); err != nil {
			return err
		}
		switch {
		case r.page.clock == nil && r.args.ListID == nil:
			return nil // no own task: the caller's clock decides, as after TaskList… (readClockThenPage)
		case r.page.clock == nil:
			// An empty list, or none the caller may read: readPage says which.
		case r.page.shared:
			r.family = memberLists
			return s.run(ctx, userID, listing, r.read)
		default:
			return nil
		}
	}
	return s.run(ctx, userID, listing, r.readPage)
}

// readFirstPage runs r's first-page statement.
func (r *pageRequest) readFirstPage(ctx context.Context, q *db.Queries) error {
	f := r.order.first
	if r.args.ListID != nil {
		f = r.order.firstInList
	}
	var err error
	r.page, err = f(ctx, q, &r.args)
	return err
}

// firstArgs are the parameters of TaskFirstPage….
func firstArgs[P ~struct {
	UserID    string
	Completed *bool
	TopLevel  *bool
	RowLimit  int32
}](a *listArgs) P {
	return P{a.UserID, a.Completed, a.TopLevel, a.RowLimit}
}

// firstInListArgs are the parameters of TaskFirstPageInList….
func firstInListArgs[P ~struct {
	UserID    string
	ListID    uuid.UUID
	Completed *bool
	TopLevel  *bool
	RowLimit  int32
}](a *listArgs) P {
	return P{a.UserID, *a.ListID, a.Completed, a.TopLevel, a.RowLimit}
}

// firstRow reads a row of TaskFirstPage….
func firstRow[R ~struct {
	Task      db.Task
	SortKey   string
	ClockLast *time.Time
	Shared    bool
	ClockNow  time.Time
}](r *R) pageRow {
	x := db.TaskFirstPageCreatedAscRow(*r)
	return pageRow{task: x.Task, sortKey: x.SortKey, last: x.ClockLast, shared: x.Shared, now: x.ClockNow}
}

// inListRow reads a row of TaskFirstPageInList…, whose clocks sqlc leaves untyped (a CASE):
// timestamptz and text, each null unless the list is the kind it is for.
func inListRow[R ~struct {
	Task      db.Task
	SortKey   string
	ClockLast any
	ClockView any
	ClockNow  time.Time
}](r *R) pageRow {
	x := db.TaskFirstPageInListCreatedAscRow(*r)
	row := pageRow{task: x.Task, sortKey: x.SortKey, now: x.ClockNow}
	if last, ok := x.ClockLast.(time.Time); ok {
		row.last = &last
	}
	if view, ok := x.ClockView.(string); ok {
		row.view = &view
	}
	return row
}
