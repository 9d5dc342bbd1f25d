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

// listArgs are a listing's parameters, every statement family's (db/listgen): each generated
// query takes those it uses.
type listArgs struct {
	UserID    string
	ListID    *uuid.UUID
	ListOwner string // ListID's owner, when another owner shares it with UserID
	Completed *bool
	Priority  *db.TaskPriority
	Q         *string     // q filtered by the caller's own tasks' branch
	Ids       []uuid.UUID // the search's ids, of the caller's own tasks
	SharedQ   *string     // q filtered by the shared lists' branches
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
}

// listFunc runs one listing statement of one order.
type listFunc func(ctx context.Context, q *db.Queries, a *listArgs) (listed, error)

// listed is what a listing statement returned: the rows as tasks; when there are a.RowLimit
// rows, the sort key of the last but one (the last of the page when the extra row says a next
// page exists); and the clock read with the rows (known only when there are some): the
// caller's own (Clock.Last) and, when the lists read are not all the caller's own, their
// View.
type listed struct {
	tasks      []Task
	pageEndKey string
	clock      *Clock
	shared     bool // TaskFirstPage…: the caller is a member of another owner's list
}

// pageRow is a row of any listing statement.
type pageRow struct {
	task    db.Task
	sortKey string
	last    *time.Time // the caller's own clock (TaskList… only)
	view    *string
	shared  bool // TaskFirstPage… only
	now     time.Time
}

// adapt makes the generated query run of one order and family a listFunc: args picks its
// parameters, row reads its rows.
func adapt[P, R any](run func(*db.Queries, context.Context, P) ([]*R, error), args func(*listArgs) P, row func(*R) pageRow) listFunc {
	return func(ctx context.Context, q *db.Queries, a *listArgs) (listed, error) {
		rows, err := run(q, ctx, args(a))
		if err != nil {
			return listed{}, err
		}
		// Straight to tasks: one copy of a page, not two (make bench, alloc profile).
		var l listed
		l.tasks = make([]Task, len(rows))
		for i := range rows {
			r := row(rows[i])
			l.tasks[i] = fromRow(&r.task)
			if n := int(a.RowLimit); n >= 2 && i == n-2 {
				l.pageEndKey = r.sortKey
			}
			if i == 0 {
				l.clock, l.shared = listsClock(r.now, r.last, r.view), r.shared
			}
		}
		if len(rows) < int(a.RowLimit) {
			l.pageEndKey = ""
		}
		return l, nil
	}
}

// ownArgs are the parameters of TaskList… (the caller's own tasks).
func ownArgs[P ~struct {
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
}](a *listArgs) P {
	return P{a.UserID, a.ListID, a.Completed, a.Priority, a.Q, a.Ids, a.Tags, a.DueBefore, a.DueAfter, a.Overdue,
		a.Today, a.NowLocal, a.ParentID, a.TopLevel, a.AfterKey, a.AfterID, a.RowLimit}
}

// sharedArgs are the parameters of TaskListShared… (one list another owner shares).
func sharedArgs[P ~struct {
	UserID    string
	ListID    uuid.UUID
	ListOwner string
	Completed *bool
	Priority  *db.TaskPriority
	SharedQ   *string
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
}](a *listArgs) P {
	return P{a.UserID, *a.ListID, a.ListOwner, a.Completed, a.Priority, a.SharedQ, a.Tags, a.DueBefore, a.DueAfter, a.Overdue,
		a.Today, a.NowLocal, a.ParentID, a.TopLevel, a.AfterKey, a.AfterID, a.RowLimit}
}

// memberArgs are the parameters of TaskListMember… (every list of a member of shared lists).
func memberArgs[P ~struct {
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
	ParentID  *uuid.UUID
	TopLevel  *bool
	AfterKey  *string
	AfterID   *uuid.UUID
	RowLimit  int32
	SharedQ   *string
}](a *listArgs) P {
	return P{a.UserID, a.Completed, a.Priority, a.Q, a.Ids, a.Tags, a.DueBefore, a.DueAfter, a.Overdue,
		a.Today, a.NowLocal, a.ParentID, a.TopLevel, a.AfterKey, a.AfterID, a.RowLimit, a.SharedQ}
}

// ownRow reads a row of TaskList….
func ownRow[R ~struct {
	Task      db.Task
	SortKey   string
	ClockLast *time.Time
	ClockView *string
	ClockNow  time.Time
}](r *R) pageRow {
	x := db.TaskListCreatedAscRow(*r)
	return pageRow{task: x.Task, sortKey: x.SortKey, last: x.ClockLast, view: x.ClockView, now: x.ClockNow}
}

// viewRow reads a row of TaskListShared… or TaskListMember….
func viewRow[R ~struct {
	Task      db.Task
	SortKey   string
	ClockView *string
	ClockNow  time.Time
}](r *R) pageRow {
	x := db.TaskListMemberCreatedAscRow(*r)
	return pageRow{task: x.Task, sortKey: x.SortKey, view: x.ClockView, now: x.ClockNow}
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

// family is a kind of listing statement (db/listgen): which of the caller's lists it reads.
type family int

const (
	// ownTasks: the caller's own tasks, or one own list's (TaskList…).
	ownTasks family = iota
	// sharedList: one list another owner shares with the caller (TaskListShared…).
	sharedList
	// memberLists: every list of a caller who is a member of another owner's list, own and
	// shared (TaskListMember…).
	memberLists
)

// order is one listing order's queries: a page of each family, one task's key, and the
// first pages (task_list_first.go): of the caller's own tasks, and of one list.
type order struct {
	own, shared, member listFunc
	key                 keyFunc
	first, firstInList  listFunc
}

// list is the listing statement of family f.
func (o order) list(f family) listFunc {
	switch f {
	case sharedList:
		return o.shared
	case memberLists:
		return o.member
	default:
		return o.own
	}
}

var listQueries = map[orderKey]order{
	{SortCreated, false}: {
		own:         adapt((*db.Queries).TaskListCreatedAsc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedCreatedAsc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberCreatedAsc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyCreatedAsc),
		first:       adapt((*db.Queries).TaskFirstPageCreatedAsc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListCreatedAsc, firstInListArgs, inListRow),
	},
	{SortCreated, true}: {
		own:         adapt((*db.Queries).TaskListCreatedDesc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedCreatedDesc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberCreatedDesc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyCreatedDesc),
		first:       adapt((*db.Queries).TaskFirstPageCreatedDesc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListCreatedDesc, firstInListArgs, inListRow),
	},
	{SortUpdated, false}: {
		own:         adapt((*db.Queries).TaskListUpdatedAsc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedUpdatedAsc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberUpdatedAsc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyUpdatedAsc),
		first:       adapt((*db.Queries).TaskFirstPageUpdatedAsc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListUpdatedAsc, firstInListArgs, inListRow),
	},
	{SortUpdated, true}: {
		own:         adapt((*db.Queries).TaskListUpdatedDesc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedUpdatedDesc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberUpdatedDesc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyUpdatedDesc),
		first:       adapt((*db.Queries).TaskFirstPageUpdatedDesc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListUpdatedDesc, firstInListArgs, inListRow),
	},
	{SortTitle, false}: {
		own:         adapt((*db.Queries).TaskListTitleAsc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedTitleAsc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberTitleAsc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyTitleAsc),
		first:       adapt((*db.Queries).TaskFirstPageTitleAsc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListTitleAsc, firstInListArgs, inListRow),
	},
	{SortTitle, true}: {
		own:         adapt((*db.Queries).TaskListTitleDesc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedTitleDesc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberTitleDesc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyTitleDesc),
		first:       adapt((*db.Queries).TaskFirstPageTitleDesc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListTitleDesc, firstInListArgs, inListRow),
	},
	{SortDueDate, false}: {
		own:         adapt((*db.Queries).TaskListDueDateAsc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedDueDateAsc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberDueDateAsc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyDueDateAsc),
		first:       adapt((*db.Queries).TaskFirstPageDueDateAsc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListDueDateAsc, firstInListArgs, inListRow),
	},
	{SortDueDate, true}: {
		own:         adapt((*db.Queries).TaskListDueDateDesc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedDueDateDesc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberDueDateDesc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyDueDateDesc),
		first:       adapt((*db.Queries).TaskFirstPageDueDateDesc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListDueDateDesc, firstInListArgs, inListRow),
	},
	{SortPriority, false}: {
		own:         adapt((*db.Queries).TaskListPriorityAsc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedPriorityAsc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberPriorityAsc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyPriorityAsc),
		first:       adapt((*db.Queries).TaskFirstPagePriorityAsc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListPriorityAsc, firstInListArgs, inListRow),
	},
	{SortPriority, true}: {
		own:         adapt((*db.Queries).TaskListPriorityDesc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedPriorityDesc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberPriorityDesc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyPriorityDesc),
		first:       adapt((*db.Queries).TaskFirstPagePriorityDesc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListPriorityDesc, firstInListArgs, inListRow),
	},
	{SortPosition, false}: {
		own:         adapt((*db.Queries).TaskListPositionAsc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedPositionAsc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberPositionAsc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyPositionAsc),
		first:       adapt((*db.Queries).TaskFirstPagePositionAsc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListPositionAsc, firstInListArgs, inListRow),
	},
	{SortPosition, true}: {
		own:         adapt((*db.Queries).TaskListPositionDesc, ownArgs, ownRow),
		shared:      adapt((*db.Queries).TaskListSharedPositionDesc, sharedArgs, viewRow),
		member:      adapt((*db.Queries).TaskListMemberPositionDesc, memberArgs, viewRow),
		key:         adaptKey((*db.Queries).TaskListKeyPositionDesc),
		first:       adapt((*db.Queries).TaskFirstPagePositionDesc, firstArgs, firstRow),
		firstInList: adapt((*db.Queries).TaskFirstPageInListPositionDesc, firstInListArgs, inListRow),
	},
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
	if err := s.listPage(ctx, userID, r); err != nil {
		return nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	if r.page.clock == nil && r.family == ownTasks && r.args.ListID == nil {
		// No own task: whether the caller is a member of shared lists, the page could not say.
		if err := s.run(ctx, userID, snapshot, r.readClockThenPage); err != nil {
			return nil, nil, fmt.Errorf("list tasks: %w", err)
		}
	}
	tasks, next := r.result()
	return tasks, next, nil
}

// TaskListWithClock is MemberClock and TaskList in one: the listing statement reads the clock
// with the page, from the same snapshot. (A page with no task carries no clock: then the clock
// and the page are read again in one repeatable-read transaction, one snapshot too.)
func (s *Store) TaskListWithClock(ctx context.Context, userID string, p ListParams) (Clock, []Task, *Position, error) {
	r, err := newPageRequest(userID, p)
	if err != nil {
		return Clock{}, nil, nil, err
	}
	if err := s.listPage(ctx, userID, r); err != nil {
		return Clock{}, nil, nil, fmt.Errorf("list tasks: %w", err)
	}
	if r.page.clock == nil {
		if err := s.run(ctx, userID, snapshot, r.readClockThenPage); err != nil {
			return Clock{}, nil, nil, fmt.Errorf("list tasks: %w", err)
		}
	} else {
		r.clock = *r.page.clock
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

// pageRequest is one page request: its queries, parameters and, once read, the page.
//
// Which statement reads the page (its family) is what the caller is. A caller who is a member
// of no other owner's list — nearly every one — has only their own tasks to list, and runs
// the statement of before sharing (TaskList…: one branch, the caller's own clock), which
// costs PostgreSQL a third of the multi-branch one (docs/performance.md). That statement also
// reads shared_clock_view with the page's snapshot: null proves that at that snapshot the
// caller was a member of no other owner's list, so the page is the whole answer and its clock
// the right one; a value (a member of shared lists, perhaps since a moment ago) sends the
// request on to TaskListMember…, which is right for every caller. So the choice is made in
// the database, atomically with the page, and costs the usual caller no statement; a member
// of shared lists pays one own-tasks statement more. A page with no task carries no value:
// then the clock decides, read with the page in one snapshot (readClockThenPage). A list
// named by list_id decides by its owner (readPage): the caller's own list reads TaskList…,
// another owner's TaskListShared….
type pageRequest struct {
	order  order
	family family
	args   listArgs
	limit  int
	search string // q, for find to look up by the trigram index; "" when args.Q filters
	page   listed
	clock  Clock // the clock of the lists read, read by TaskListWithClock
	// firstPage: a first page that its first-page statement may read (firstPageOnly).
	firstPage bool
}

func newPageRequest(userID string, p ListParams) (*pageRequest, error) {
	o, ok := listQueries[orderKey{p.Sort, p.Desc}]
	if !ok {
		return nil, fmt.Errorf("list tasks: unknown sort %q: %w", p.Sort, ErrInvalid)
	}
	if p.Limit < 1 {
		p.Limit = 50
	}
	args := listArgs{
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
		args.Priority = &pr
	}
	if p.Overdue != nil {
		today, wall := wallClock(p.Now)
		args.Overdue, args.Today, args.NowLocal = p.Overdue, &today, &wall
	}
	if p.After != nil {
		args.AfterKey = &p.After.Key
		args.AfterID = &p.After.ID
	}
	r := &pageRequest{order: o, family: ownTasks, args: args, limit: p.Limit, firstPage: firstPageOnly(p)}
	// The trigram index holds the caller's own tasks: lists shared with the caller filter by
	// q as the listing walks them.
	r.args.SharedQ = p.Q
	if p.Q != nil && searchable(*p.Q) {
		r.search = *p.Q
	} else {
		r.args.Q = p.Q
	}
	return r, nil
}

// find looks the search up in the trigram index: the listing then reads the tasks found by
// id, or, when there are more than maxSearchIDs, filters by q itself.
func (r *pageRequest) find(ctx context.Context, q *db.Queries) error {
	ids, err := q.TaskSearchIDs(ctx, db.TaskSearchIDsParams{UserID: r.args.UserID, Q: r.search, MaxIds: maxSearchIDs + 1})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if len(ids) > maxSearchIDs {
		r.args.Q = &r.search
		return nil
	}
	r.args.Ids = ids
	if r.args.Ids == nil {
		r.args.Ids = []uuid.UUID{} // none found: not "no filter"
	}
	return nil
}

// readPage reads the page: the list's check first (ErrNotFound for a list the user may not
// read; its owner picks the family), the search, when there is one, then the listing.
func (r *pageRequest) readPage(ctx context.Context, q *db.Queries) error {
	if r.args.ListID != nil {
		owner, err := readableList(ctx, q, r.args.UserID, *r.args.ListID)
		if err != nil {
			return err
		}
		if owner != r.args.UserID {
			r.family, r.args.ListOwner = sharedList, owner
		}
	}
	if r.search != "" {
		if err := r.find(ctx, q); err != nil {
			return err
		}
	}
	return r.read(ctx, q)
}

// readClockThenPage reads the clock of the lists read, which also says whether the caller is a
// member of shared lists, then the page, in the statement that clock calls for. Run in one
// snapshot (mode snapshot), the page and the clock agree.
func (r *pageRequest) readClockThenPage(ctx context.Context, q *db.Queries) error {
	var err error
	if r.clock, err = readMemberClock(ctx, q, r.args.UserID, r.args.ListID); err != nil {
		return err
	}
	if r.family == ownTasks && r.args.ListID == nil && r.clock.View != "" {
		r.family = memberLists
	}
	return r.read(ctx, q)
}

// read runs the listing of r's family on q, and TaskListMember… instead when the caller's own
// tasks turn out not to be the whole answer. (When find found none of the caller's own tasks,
// the lists shared with the caller may still hold matches.)
func (r *pageRequest) read(ctx context.Context, q *db.Queries) error {
	var err error
	if r.page, err = r.order.list(r.family)(ctx, q, &r.args); err != nil {
		return err
	}
	if r.family == ownTasks && r.args.ListID == nil && r.page.clock != nil && r.page.clock.View != "" {
		r.family = memberLists
		r.page, err = r.order.member(ctx, q, &r.args)
	}
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
