package apitest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/httpapi"
	"github.com/todo-api/todo-api/internal/recurrence"
	"github.com/todo-api/todo-api/internal/store"
)

// FakeStore is an in-memory httpapi.Store that checks, at the boundary, every promise the
// HTTP layer makes about what it hands to the database: a trimmed title of 1..200
// characters, a description of at most 2000, at most 10 trimmed lower-case unique tags of
// 1..32 characters, a known priority, no NUL and no invalid UTF-8 in any text, a page size
// of 1..200, a known sort, a cursor position this store issued to this user, an
// idempotency key of 1..255 characters with its request hash. Each broken promise is
// recorded as a violation instead of being stored; tests fail on any (see Check).
//
// It exists for the fuzz targets, which need millions of requests per minute through the
// real handler without a database. Everything that touches SQL is tested against the real
// store on PostgreSQL; the fake only models enough behaviour (ownership, versions,
// preconditions, pages) for the handlers to take their usual paths.
type FakeStore struct {
	opts FakeStoreOptions

	mu         sync.Mutex
	tasks      map[string]map[uuid.UUID]*fakeTask // by user, then id
	seq        int64
	idem       map[string]fakeIdem                  // by user + "\x00" + key
	issued     map[string]map[store.Position]string // positions returned to each user, with their order
	violations []string
}

// FakeStoreOptions adjust a FakeStore.
type FakeStoreOptions struct {
	// Users, when set, are the only user ids the HTTP layer may act for; any other id
	// reaching the store is a violation (identity must come from a verified token).
	Users []string
	// MaxTasksPerUser bounds memory over long fuzz runs: past it, the oldest tasks that
	// were created through TaskCreate are dropped (tasks added with Put stay). Default 1000.
	MaxTasksPerUser int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

type fakeTask struct {
	task   store.Task
	seq    int64
	pinned bool
}

type fakeIdem struct {
	hash []byte
	task store.Task
}

var _ httpapi.Store = (*FakeStore)(nil)

// Limits the HTTP layer promises to enforce before anything reaches the store; they are
// the contract's.
const (
	fakeMaxTitle       = 200
	fakeMaxDescription = 2000
	fakeMaxTags        = 10
	fakeMaxTag         = 32
	fakeMaxQ           = 200
	fakeMaxLimit       = 200
	fakeMaxUserID      = 255
	fakeMaxIdemKey     = 255
)

// NewFakeStore returns an empty FakeStore.
func NewFakeStore(opts ...FakeStoreOptions) *FakeStore {
	var o FakeStoreOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.MaxTasksPerUser <= 0 {
		o.MaxTasksPerUser = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &FakeStore{
		opts:   o,
		tasks:  map[string]map[uuid.UUID]*fakeTask{},
		idem:   map[string]fakeIdem{},
		issued: map[string]map[store.Position]string{},
	}
}

// Violations returns the broken promises recorded so far.
func (s *FakeStore) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// TakeViolations returns the broken promises recorded so far and forgets them, so that a
// fuzz target can attribute them to the input that caused them.
func (s *FakeStore) TakeViolations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.violations
	s.violations = nil
	return v
}

// Check fails t with every broken promise recorded so far.
func (s *FakeStore) Check(t testing.TB) {
	t.Helper()
	for _, v := range s.Violations() {
		t.Errorf("store boundary: %s", v)
	}
}

// Put stores task for userID as is (no checks), e.g. the task a fuzz target edits. It is
// never dropped by MaxTasksPerUser.
func (s *FakeStore) Put(userID string, task store.Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if task.Tags == nil {
		task.Tags = []string{}
	}
	if task.Version == 0 {
		task.Version = 1
	}
	task.Repeat = cmp.Or(task.Repeat, store.RepeatNone)
	s.seq++
	s.userTasks(userID)[task.ID] = &fakeTask{task: task, seq: s.seq, pinned: true}
}

// violation records a broken promise; the caller holds mu.
func (s *FakeStore) violation(op, format string, args ...any) {
	s.violations = append(s.violations, op+": "+fmt.Sprintf(format, args...))
}

func (s *FakeStore) userTasks(userID string) map[uuid.UUID]*fakeTask {
	m := s.tasks[userID]
	if m == nil {
		m = map[uuid.UUID]*fakeTask{}
		s.tasks[userID] = m
	}
	return m
}

// checkUser checks the caller's identity; the caller holds mu.
func (s *FakeStore) checkUser(op, userID string) bool {
	ok := true
	if userID == "" || !utf8.ValidString(userID) || utf8.RuneCountInString(userID) > fakeMaxUserID || strings.ContainsRune(userID, 0) {
		s.violation(op, "user id %q is not 1..%d characters of valid UTF-8", userID, fakeMaxUserID)
		ok = false
	}
	if len(s.opts.Users) > 0 && !slices.Contains(s.opts.Users, userID) {
		s.violation(op, "user id %q is not one of the users with a valid token", userID)
		ok = false
	}
	return ok
}

// checkText checks text the database stores: valid UTF-8 without NUL.
func (s *FakeStore) checkText(op, field, v string) bool {
	if !utf8.ValidString(v) {
		s.violation(op, "%s %q is not valid UTF-8", field, v)
		return false
	}
	if strings.ContainsRune(v, 0) {
		s.violation(op, "%s %q contains NUL", field, v)
		return false
	}
	return true
}

func (s *FakeStore) checkTitle(op, title string) bool {
	ok := s.checkText(op, "title", title)
	if strings.TrimSpace(title) != title {
		s.violation(op, "title %q is not trimmed", title)
		ok = false
	}
	if n := utf8.RuneCountInString(title); n < 1 || n > fakeMaxTitle {
		s.violation(op, "title has %d characters, want 1..%d", n, fakeMaxTitle)
		ok = false
	}
	return ok
}

func (s *FakeStore) checkDescription(op string, d *string) bool {
	if d == nil {
		return true
	}
	ok := s.checkText(op, "description", *d)
	if n := utf8.RuneCountInString(*d); n > fakeMaxDescription {
		s.violation(op, "description has %d characters, want at most %d", n, fakeMaxDescription)
		ok = false
	}
	return ok
}

func (s *FakeStore) checkPriority(op, p string) bool {
	switch p {
	case "low", "medium", "high":
		return true
	}
	s.violation(op, "priority %q is not low, medium or high", p)
	return false
}

// checkTags checks a normalised tag list, as written or as a list filter.
func (s *FakeStore) checkTags(op string, tags []string) bool {
	ok := true
	if len(tags) > fakeMaxTags {
		s.violation(op, "%d tags, want at most %d", len(tags), fakeMaxTags)
		ok = false
	}
	seen := map[string]bool{}
	for _, tag := range tags {
		if !s.checkText(op, "tag", tag) {
			ok = false
			continue
		}
		if strings.TrimSpace(tag) != tag {
			s.violation(op, "tag %q is not trimmed", tag)
			ok = false
		}
		if strings.ToLower(tag) != tag {
			s.violation(op, "tag %q is not lower-case", tag)
			ok = false
		}
		if n := utf8.RuneCountInString(tag); n < 1 || n > fakeMaxTag {
			s.violation(op, "tag %q has %d characters, want 1..%d", tag, n, fakeMaxTag)
			ok = false
		}
		if seen[tag] {
			s.violation(op, "tag %q appears twice", tag)
			ok = false
		}
		seen[tag] = true
	}
	return ok
}

func (s *FakeStore) checkDate(op, field string, d *time.Time) bool {
	if d == nil {
		return true
	}
	if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
		s.violation(op, "%s %v is not a civil date at 00:00 UTC", field, *d)
		return false
	}
	return true
}

// checkFields checks the fields a write sets (all of them for create and replace).
func (s *FakeStore) checkFields(op string, c store.TaskChanges) bool {
	ok := true
	f := c.Fields
	if c.SetTitle && !s.checkTitle(op, f.Title) {
		ok = false
	}
	if c.SetDescription && !s.checkDescription(op, f.Description) {
		ok = false
	}
	if c.SetPriority && !s.checkPriority(op, string(f.Priority)) {
		ok = false
	}
	if c.SetDueDate && !s.checkDate(op, "due_date", f.DueDate) {
		ok = false
	}
	if c.SetTags && !s.checkTags(op, f.Tags) {
		ok = false
	}
	if c.SetRepeat && !s.checkRepeat(op, string(f.Repeat), c.SetDueDate && f.DueDate == nil) {
		ok = false
	}
	return ok
}

// checkRepeat checks a repeat: a known rule ("" is none), and none when the write leaves
// the task without a due date (the HTTP layer refuses that before the store).
func (s *FakeStore) checkRepeat(op, r string, noDate bool) bool {
	switch recurrence.Rule(r) {
	case "", recurrence.None:
		return true
	case recurrence.Daily, recurrence.Weekdays, recurrence.Weekly, recurrence.Monthly, recurrence.Yearly:
		if noDate {
			s.violation(op, "repeat %q without a due date", r)
			return false
		}
		return true
	}
	s.violation(op, "unknown repeat %q", r)
	return false
}

// TaskCreate implements httpapi.Store.
func (s *FakeStore) TaskCreate(_ context.Context, userID string, f store.TaskFields, idemKey string, requestHash []byte) (store.Task, bool, error) {
	const op = "TaskCreate"
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.checkUser(op, userID)
	if !s.checkFields(op, store.AllChanges(f)) {
		ok = false
	}
	switch {
	case idemKey == "" && requestHash != nil:
		s.violation(op, "a request hash without an idempotency key")
		ok = false
	case idemKey != "":
		if !s.checkText(op, "idempotency key", idemKey) {
			ok = false
		}
		if n := utf8.RuneCountInString(idemKey); n > fakeMaxIdemKey {
			s.violation(op, "idempotency key has %d characters, want 1..%d", n, fakeMaxIdemKey)
			ok = false
		}
		if len(requestHash) != 32 {
			s.violation(op, "request hash of %d bytes, want 32 (SHA-256)", len(requestHash))
			ok = false
		}
	}
	if !ok {
		return store.Task{}, false, store.ErrInvalid
	}
	if idemKey != "" {
		if prev, found := s.idem[userID+"\x00"+idemKey]; found {
			if string(prev.hash) != string(requestHash) {
				return store.Task{}, false, store.ErrIdempotencyMismatch
			}
			return prev.task, true, nil
		}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return store.Task{}, false, fmt.Errorf("new task id: %w", err)
	}
	now := s.opts.Now().UTC()
	t := store.Task{
		ID: id, Title: f.Title, Description: f.Description, Completed: f.Completed, Priority: f.Priority,
		DueDate: f.DueDate, Tags: slices.Clone(f.Tags), CreatedAt: now, UpdatedAt: now, Version: 1,
		Repeat: cmp.Or(f.Repeat, store.RepeatNone),
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	if t.Completed {
		t.CompletedAt = &now
	}
	s.seq++
	tasks := s.userTasks(userID)
	tasks[id] = &fakeTask{task: t, seq: s.seq}
	s.evict(tasks)
	if idemKey != "" {
		if len(s.idem) >= 10*s.opts.MaxTasksPerUser {
			clear(s.idem) // bounded memory over long fuzz runs; keys expire anyway
		}
		s.idem[userID+"\x00"+idemKey] = fakeIdem{hash: slices.Clone(requestHash), task: t}
	}
	return t, false, nil
}

// evict drops the oldest unpinned tasks beyond MaxTasksPerUser; the caller holds mu.
func (s *FakeStore) evict(tasks map[uuid.UUID]*fakeTask) {
	for len(tasks) > s.opts.MaxTasksPerUser {
		var oldest *fakeTask
		for _, ft := range tasks {
			if !ft.pinned && (oldest == nil || ft.seq < oldest.seq) {
				oldest = ft
			}
		}
		if oldest == nil {
			return
		}
		delete(tasks, oldest.task.ID)
	}
}

// TaskGet implements httpapi.Store.
func (s *FakeStore) TaskGet(_ context.Context, userID string, id uuid.UUID) (store.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskGet", userID) {
		return store.Task{}, store.ErrInvalid
	}
	ft, ok := s.tasks[userID][id]
	if !ok {
		return store.Task{}, store.ErrNotFound
	}
	return ft.task, nil
}

// lookup finds userID's task id and checks pre; the caller holds mu.
func (s *FakeStore) lookup(userID string, id uuid.UUID, pre *store.Precondition) (*fakeTask, error) {
	ft, ok := s.tasks[userID][id]
	if !ok {
		return nil, store.ErrNotFound
	}
	if pre != nil && !slices.Contains(pre.Versions, ft.task.Version) {
		return nil, store.ErrPreconditionFailed
	}
	return ft, nil
}

// touch records a change to ft; the caller holds mu.
func (s *FakeStore) touch(ft *fakeTask, completedBefore bool) {
	now := s.opts.Now().UTC()
	ft.task.Version++
	ft.task.UpdatedAt = now
	switch {
	case ft.task.Completed && !completedBefore:
		ft.task.CompletedAt = &now
	case !ft.task.Completed:
		ft.task.CompletedAt = nil
	}
}

// TaskUpdate implements httpapi.Store.
func (s *FakeStore) TaskUpdate(_ context.Context, userID string, id uuid.UUID, c store.TaskChanges, pre *store.Precondition) (store.Task, error) {
	const op = "TaskUpdate"
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.checkUser(op, userID)
	if !s.checkFields(op, c) {
		ok = false
	}
	if !ok {
		return store.Task{}, store.ErrInvalid
	}
	ft, err := s.lookup(userID, id, pre)
	if err != nil {
		return store.Task{}, err
	}
	before, saved := ft.task.Completed, ft.task
	f := c.Fields
	if c.SetTitle {
		ft.task.Title = f.Title
	}
	if c.SetDescription {
		ft.task.Description = f.Description
	}
	if c.SetCompleted {
		ft.task.Completed = f.Completed
	}
	if c.SetPriority {
		ft.task.Priority = f.Priority
	}
	if c.SetDueDate {
		ft.task.DueDate = f.DueDate
	}
	if c.SetTags {
		ft.task.Tags = slices.Clone(f.Tags)
		if ft.task.Tags == nil {
			ft.task.Tags = []string{}
		}
	}
	switch {
	case c.SetRepeat:
		ft.task.Repeat = cmp.Or(f.Repeat, store.RepeatNone)
	case c.SetDueDate && f.DueDate == nil:
		ft.task.Repeat = store.RepeatNone
	}
	if ft.task.Repeat != store.RepeatNone && ft.task.DueDate == nil {
		ft.task = saved
		return store.Task{}, store.ErrRepeatWithoutDate
	}
	s.touch(ft, before)
	return ft.task, nil
}

// TaskToggle implements httpapi.Store.
func (s *FakeStore) TaskToggle(_ context.Context, userID string, id uuid.UUID) (store.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskToggle", userID) {
		return store.Task{}, store.ErrInvalid
	}
	ft, err := s.lookup(userID, id, nil)
	if err != nil {
		return store.Task{}, err
	}
	before := ft.task.Completed
	ft.task.Completed = !before
	s.touch(ft, before)
	return ft.task, nil
}

// TaskSetCompleted implements httpapi.Store.
func (s *FakeStore) TaskSetCompleted(_ context.Context, userID string, id uuid.UUID, completed bool) (store.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskSetCompleted", userID) {
		return store.Task{}, store.ErrInvalid
	}
	ft, err := s.lookup(userID, id, nil)
	if err != nil {
		return store.Task{}, err
	}
	if ft.task.Completed == completed {
		return ft.task, nil
	}
	ft.task.Completed = completed
	s.touch(ft, !completed)
	return ft.task, nil
}

// TaskComplete implements httpapi.Store.
func (s *FakeStore) TaskComplete(ctx context.Context, userID string, id uuid.UUID) (store.Task, error) {
	return s.TaskSetCompleted(ctx, userID, id, true)
}

// TaskUncomplete implements httpapi.Store.
func (s *FakeStore) TaskUncomplete(ctx context.Context, userID string, id uuid.UUID) (store.Task, error) {
	return s.TaskSetCompleted(ctx, userID, id, false)
}

// TaskDelete implements httpapi.Store.
func (s *FakeStore) TaskDelete(_ context.Context, userID string, id uuid.UUID, pre *store.Precondition) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskDelete", userID) {
		return store.ErrInvalid
	}
	if _, err := s.lookup(userID, id, pre); err != nil {
		return err
	}
	delete(s.tasks[userID], id)
	return nil
}

// TaskList implements httpapi.Store. It filters like the real store; the order is by
// creation (then id) whatever the sort, which is all the HTTP layer can observe without a
// database, and positions are opaque tokens it remembers having issued.
func (s *FakeStore) TaskList(_ context.Context, userID string, p store.ListParams) ([]store.Task, *store.Position, error) {
	const op = "TaskList"
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := s.checkUser(op, userID)
	switch p.Sort {
	case store.SortCreated, store.SortUpdated, store.SortTitle, store.SortDueDate, store.SortPriority:
	default:
		s.violation(op, "unknown sort %q", p.Sort)
		ok = false
	}
	if p.Limit < 1 || p.Limit > fakeMaxLimit {
		s.violation(op, "limit %d, want 1..%d", p.Limit, fakeMaxLimit)
		ok = false
	}
	if p.Q != nil {
		if !s.checkText(op, "q", *p.Q) {
			ok = false
		}
		if n := utf8.RuneCountInString(*p.Q); n < 1 || n > fakeMaxQ {
			s.violation(op, "q has %d characters, want 1..%d", n, fakeMaxQ)
			ok = false
		}
	}
	if p.Priority != nil && !s.checkPriority(op, string(*p.Priority)) {
		ok = false
	}
	if p.Tags != nil && !s.checkTags(op, p.Tags) {
		ok = false
	}
	if !s.checkDate(op, "due_before", p.DueBefore) || !s.checkDate(op, "due_after", p.DueAfter) {
		ok = false
	}
	if p.After != nil {
		switch order, found := s.issued[userID][*p.After]; {
		case !found:
			s.violation(op, "cursor position %+v was never issued to this user", *p.After)
			ok = false
		case order != fakeOrder(p):
			s.violation(op, "cursor position %+v was issued for order %s, used with %s", *p.After, order, fakeOrder(p))
			ok = false
		}
	}
	if !ok {
		return nil, nil, store.ErrInvalid
	}

	var rows []*fakeTask
	for _, ft := range s.tasks[userID] {
		if fakeMatches(ft.task, p) {
			rows = append(rows, ft)
		}
	}
	slices.SortFunc(rows, func(a, b *fakeTask) int {
		c := cmp.Or(cmp.Compare(a.seq, b.seq), strings.Compare(a.task.ID.String(), b.task.ID.String()))
		if p.Desc {
			return -c
		}
		return c
	})
	if p.After != nil {
		i := slices.IndexFunc(rows, func(ft *fakeTask) bool { return ft.task.ID == p.After.ID })
		if i < 0 {
			rows = nil // the task the page ended on is gone; the fake does not re-seek
		} else {
			rows = rows[i+1:]
		}
	}
	var next *store.Position
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		last := rows[len(rows)-1].task
		next = &store.Position{Key: fmt.Sprintf("%s|%d", p.Sort, rows[len(rows)-1].seq), ID: last.ID}
		issued := s.issued[userID]
		if issued == nil {
			issued = map[store.Position]string{}
			s.issued[userID] = issued
		}
		if len(issued) >= 10*s.opts.MaxTasksPerUser {
			// Bounded memory over long fuzz runs: forget positions on tasks that may be gone.
			for pos := range issued {
				if ft, ok := s.tasks[userID][pos.ID]; !ok || !ft.pinned {
					delete(issued, pos)
				}
			}
		}
		issued[*next] = fakeOrder(p)
	}
	out := make([]store.Task, len(rows))
	for i, ft := range rows {
		out[i] = ft.task
	}
	return out, next, nil
}

// TaskListKey implements httpapi.Store: the key TaskList would give a page ending on the
// task (the fake's keys are short, so the HTTP layer never needs to read one back).
func (s *FakeStore) TaskListKey(_ context.Context, userID string, p store.ListParams, id uuid.UUID) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskListKey", userID) {
		return "", store.ErrInvalid
	}
	ft, ok := s.tasks[userID][id]
	if !ok {
		return "", store.ErrNotFound
	}
	return fmt.Sprintf("%s|%d", p.Sort, ft.seq), nil
}

// fakeOrder names the order of a listing: a position is only valid in the order it was
// issued for.
func fakeOrder(p store.ListParams) string {
	if p.Desc {
		return string(p.Sort) + " desc"
	}
	return string(p.Sort) + " asc"
}

// fakeMatches applies the list filters to t.
func fakeMatches(t store.Task, p store.ListParams) bool {
	if p.Completed != nil && t.Completed != *p.Completed {
		return false
	}
	if p.Priority != nil && t.Priority != *p.Priority {
		return false
	}
	if p.Q != nil {
		q := strings.ToLower(*p.Q)
		in := strings.Contains(strings.ToLower(t.Title), q)
		if t.Description != nil && strings.Contains(strings.ToLower(*t.Description), q) {
			in = true
		}
		if !in {
			return false
		}
	}
	if p.Tags != nil && !slices.ContainsFunc(t.Tags, func(tag string) bool { return slices.Contains(p.Tags, tag) }) {
		return false
	}
	if p.DueBefore != nil && (t.DueDate == nil || t.DueDate.After(*p.DueBefore)) {
		return false
	}
	if p.DueAfter != nil && (t.DueDate == nil || t.DueDate.Before(*p.DueAfter)) {
		return false
	}
	return true
}

// TaskStats implements httpapi.Store.
func (s *FakeStore) TaskStats(_ context.Context, userID string, now time.Time) (store.Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkUser("TaskStats", userID) {
		return store.Stats{}, store.ErrInvalid
	}
	if now.IsZero() {
		s.violation("TaskStats", "no current time given")
		return store.Stats{}, store.ErrInvalid
	}
	// Dates are civil dates at 00:00 UTC; "today" is the caller's wall-clock date.
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var st store.Stats
	for _, ft := range s.tasks[userID] {
		st.Total++
		if ft.task.Completed {
			st.Completed++
			continue
		}
		st.Pending++
		if ft.task.DueDate != nil && ft.task.DueDate.Before(today) {
			st.Overdue++
		}
	}
	return st, nil
}

// TagList implements httpapi.Store: a page of 1..store.MaxTagPage tags after a position
// store.TagPosition made.
func (s *FakeStore) TagList(_ context.Context, userID string, p store.TagListParams) ([]store.TagCount, *store.Position, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	const op = "TagList"
	if !s.checkUser(op, userID) {
		return nil, nil, store.ErrInvalid
	}
	if p.Limit < 1 || p.Limit > store.MaxTagPage {
		s.violation(op, "page size %d outside 1..%d", p.Limit, store.MaxTagPage)
		return nil, nil, store.ErrInvalid
	}
	if p.After != nil && store.TagPosition(p.After.Key) != *p.After {
		s.violation(op, "cursor position %+v is not a tag position", *p.After)
		return nil, nil, store.ErrInvalid
	}
	counts := map[string]int64{}
	for _, ft := range s.tasks[userID] {
		for _, tag := range ft.task.Tags {
			if p.After == nil || tag > p.After.Key {
				counts[tag]++
			}
		}
	}
	out := make([]store.TagCount, 0, len(counts))
	for name, n := range counts {
		out = append(out, store.TagCount{Name: name, Count: n})
	}
	slices.SortFunc(out, func(a, b store.TagCount) int { return strings.Compare(a.Name, b.Name) })
	if len(out) > p.Limit {
		out = out[:p.Limit]
		next := store.TagPosition(out[len(out)-1].Name)
		return out, &next, nil
	}
	return out, nil, nil
}

// Ping implements httpapi.Store: the fake is always up.
func (s *FakeStore) Ping(context.Context) error { return nil }

// CursorKey implements httpapi.Store: a fixed key, the same for every fake.
func (s *FakeStore) CursorKey(context.Context) ([]byte, error) {
	return []byte("fake store cursor key, 32 bytes!"), nil
}
