package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/todo-api/todo-api/gen/db"
	"github.com/todo-api/todo-api/internal/fracindex"
)

// Task is a task as stored.
type Task struct {
	ID          uuid.UUID  `json:"id"`
	Title       string     `json:"title"`
	Description *string    `json:"description"`
	Completed   bool       `json:"completed"`
	Priority    string     `json:"priority"`
	DueDate     *time.Time `json:"due_date"` // a civil date at 00:00 UTC
	// DueTime is the wall-clock time on DueDate the task is due, "HH:MM"; nil: any time
	// that day.
	DueTime     *string    `json:"due_time"`
	Tags        []string   `json:"tags"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	CompletedAt *time.Time `json:"completed_at"`
	// Version increases with every change; it is the task's ETag.
	Version int64 `json:"version"`
	// Position is the task's place in the manual order (sort=position): a fractional-index
	// key (internal/fracindex), unique among the user's tasks.
	Position string `json:"position"`
	// DeletedAt is set on a tombstone (a deleted task, kept for the retention, see GoneError); it
	// equals UpdatedAt. Only TaskChanges returns tombstones.
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	// Repeat is how the task repeats (a recurrence.Rule): completing it creates its next
	// occurrence, once.
	Repeat string `json:"repeat"`
	// NextID is the task's next occurrence while that is live (not deleted). Only the writes
	// that can complete a task (TaskUpdate, TaskToggle, TaskSetCompleted) fill it in; nil
	// elsewhere.
	NextID *uuid.UUID `json:"next_id,omitempty"`
}

// TaskFields are the values a client writes. The caller has validated and normalised them
// (trimmed title, de-duplicated lower-case tags).
type TaskFields struct {
	Title       string
	Description *string
	Completed   bool
	Priority    string
	DueDate     *time.Time
	DueTime     *string // "HH:MM"; needs DueDate
	Tags        []string
	// Repeat is a recurrence.Rule; "" is none. Other than none, it needs DueDate. (Omitted
	// from JSON when "": the HTTP layer hashes TaskFields for idempotency keys, and a request
	// without a repeat hashes as it did before tasks could repeat.)
	Repeat string `json:",omitempty"`
}

// TaskChanges says which fields change, for PUT (all) and PATCH (those present).
type TaskChanges struct {
	Fields                                                                                          TaskFields
	SetTitle, SetDescription, SetCompleted, SetPriority, SetDueDate, SetDueTime, SetTags, SetRepeat bool
}

// AllChanges returns changes that replace every field with f (PUT).
func AllChanges(f TaskFields) TaskChanges {
	return TaskChanges{Fields: f, SetTitle: true, SetDescription: true, SetCompleted: true, SetPriority: true, SetDueDate: true, SetDueTime: true, SetTags: true, SetRepeat: true}
}

// Precondition is an If-Match: nil means unconditional; otherwise the task's version must
// be one of Versions (an empty list never matches).
type Precondition struct {
	Versions []int64
}

func (p *Precondition) versions() []int64 {
	if p == nil {
		return nil
	}
	if p.Versions == nil {
		return []int64{}
	}
	return p.Versions
}

// Stats counts a user's tasks.
type Stats struct {
	Total, Completed, Pending, Overdue int64
}

func fromRow(r *db.Task) Task {
	t := Task{
		ID:          r.ID,
		Title:       r.Title,
		Description: r.Description,
		Completed:   r.Completed,
		Priority:    string(r.Priority),
		DueDate:     r.DueDate,
		DueTime:     clockText(r.DueTime),
		Tags:        r.Tags,
		CreatedAt:   r.CreatedAt,
		UpdatedAt:   r.UpdatedAt,
		CompletedAt: r.CompletedAt,
		Version:     r.Version,
		Position:    r.Position,
		DeletedAt:   r.DeletedAt,
		Repeat:      string(r.Repeat),
	}
	if t.Tags == nil {
		t.Tags = []string{}
	}
	return t
}

// clockText renders a time of day as "HH:MM"; nil for NULL.
func clockText(t pgtype.Time) *string {
	if !t.Valid {
		return nil
	}
	m := t.Microseconds / int64(time.Minute/time.Microsecond)
	s := fmt.Sprintf("%02d:%02d", m/60, m%60)
	return &s
}

// clockTime parses "HH:MM" (checked by the caller) into a time of day; nil is NULL.
func clockTime(s *string) pgtype.Time {
	if s == nil {
		return pgtype.Time{}
	}
	var h, m int64
	if _, err := fmt.Sscanf(*s, "%d:%d", &h, &m); err != nil {
		return pgtype.Time{} // unreachable after validation; the database then keeps no time
	}
	return pgtype.Time{Microseconds: (h*60 + m) * int64(time.Minute/time.Microsecond), Valid: true}
}

func nonNil(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

// TaskCreate stores a new task for userID, at the top of the manual order. With an
// idempotency key, a repeat of the same request (same requestHash) within 24 hours returns
// the task of the first one with replayed=true; the same key with another hash is
// ErrIdempotencyMismatch. Concurrent requests with one key serialise on the key's row.
func (s *Store) TaskCreate(ctx context.Context, userID string, f TaskFields, idemKey string, requestHash []byte) (task Task, replayed bool, err error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Task{}, false, fmt.Errorf("new task id: %w", err)
	}
	params := db.TaskCreateParams{
		UserID:      userID,
		ID:          id,
		Title:       f.Title,
		Description: f.Description,
		Completed:   f.Completed,
		Priority:    db.TaskPriority(f.Priority),
		DueDate:     f.DueDate,
		DueTime:     clockTime(f.DueTime),
		Tags:        nonNil(f.Tags),
		Repeat:      db.TaskRepeat(orNone(f.Repeat)),
	}
	insert := func(ctx context.Context, q *db.Queries) error {
		row, err := insertAtTop(ctx, q, &params)
		if err != nil {
			return err
		}
		task = fromRow(row)
		return nil
	}
	if idemKey == "" {
		err = s.run(ctx, userID, autocommit, insert)
	} else {
		replayed, err = s.withIdempotencyKey(ctx, userID, idemCreate, idemKey, requestHash, &task, insert)
	}
	if err != nil {
		return Task{}, false, fmt.Errorf("create task: %w", err)
	}
	return task, replayed, nil
}

// maxInsertAttempts bounds insertAtTop's attempts. Each retry follows another write of the
// user's that changed the top of the manual order; those run one at a time, under the user's
// clock, and at most MaxConnsPerUser at once.
const maxInsertAttempts = 64

// insertAtTop inserts params at the top of its user's manual order: it reads the first
// position (TaskFirstPosition), takes a key before it, and inserts there — in one statement
// that takes the user's clock and then inserts only if that key is still the top. Should
// another create or a move have changed the top in between, it reads again. In a
// transaction that holds the user's clock already (a next occurrence, a keyed create) the
// first attempt succeeds.
func insertAtTop(ctx context.Context, q *db.Queries, params *db.TaskCreateParams) (*db.Task, error) {
	for range maxInsertAttempts {
		first, err := q.TaskFirstPosition(ctx, params.UserID)
		if err != nil && !isNotFound(err) {
			return nil, fmt.Errorf("read first position: %w", err)
		}
		if params.Position, err = fracindex.Between("", first); err != nil {
			return nil, fmt.Errorf("position before %q: %w", first, err)
		}
		row, err := q.TaskCreate(ctx, *params)
		if !isNotFound(err) {
			if err != nil {
				return nil, fmt.Errorf("insert task: %w", err)
			}
			return row, nil
		}
	}
	return nil, fmt.Errorf("insert task: the top of the manual order changed %d times: %w", maxInsertAttempts, ErrUnavailable)
}

// Idempotency key namespaces, one per operation that takes keys: a key sent to two
// operations is two keys.
const (
	idemCreate = "tasks.create"
	idemBulk   = "tasks.bulk"
)

// withIdempotencyKey runs fn in one transaction under userID's idempotency key (namespace,
// key). The first request with the key runs fn, which fills response, and saves response;
// a repeat with the same requestHash within 24 hours decodes the saved response into
// response instead and reports replayed; another hash is ErrIdempotencyMismatch.
// Concurrent requests with one key serialise on the key's row.
func (s *Store) withIdempotencyKey(ctx context.Context, userID, namespace, key string, requestHash []byte, response any,
	fn func(ctx context.Context, q *db.Queries) error) (replayed bool, err error) {
	err = s.run(ctx, userID, transaction, func(ctx context.Context, q *db.Queries) error {
		claim := db.IdempotencyClaimParams{UserID: userID, Namespace: namespace, Key: key, RequestHash: requestHash}
		if _, err := q.IdempotencyClaim(ctx, claim); err != nil {
			if !isNotFound(err) {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
			// Claimed before, within 24 hours: replay or refuse.
			prev, err := q.IdempotencyGet(ctx, db.IdempotencyGetParams{UserID: userID, Namespace: namespace, Key: key})
			if err != nil {
				return fmt.Errorf("read idempotency key: %w", err)
			}
			if string(prev.RequestHash) != string(requestHash) {
				return ErrIdempotencyMismatch
			}
			if err := json.Unmarshal(prev.Response, response); err != nil {
				return fmt.Errorf("decode replayed response: %w", err)
			}
			replayed = true
			return nil
		}
		if err := q.IdempotencyPurgeExpired(ctx, userID); err != nil {
			return fmt.Errorf("purge idempotency keys: %w", err)
		}
		if err := holdsKeyQuota(ctx, q, userID); err != nil {
			return err
		}
		if err := fn(ctx, q); err != nil {
			return err
		}
		body, err := json.Marshal(response)
		if err != nil {
			return fmt.Errorf("encode response: %w", err)
		}
		save := db.IdempotencySaveResponseParams{UserID: userID, Namespace: namespace, Key: key, Response: body}
		if err := q.IdempotencySaveResponse(ctx, save); err != nil {
			return fmt.Errorf("save idempotent response: %w", err)
		}
		return nil
	})
	return replayed, err
}

// holdsKeyQuota checks, once a new key is claimed and the expired ones purged, that userID
// holds no more than MaxIdempotencyKeys: else ErrIdempotencyKeyQuota, and the caller's
// transaction rolls the claim back. It takes the user's clock first — which the write under
// the key takes next anyway — so that concurrent claims of the user count one after another.
func holdsKeyQuota(ctx context.Context, q *db.Queries, userID string) error {
	if _, err := q.UserClockTick(ctx, userID); err != nil {
		return fmt.Errorf("take clock: %w", err)
	}
	held, err := q.IdempotencyCount(ctx, db.IdempotencyCountParams{UserID: userID, RowLimit: MaxIdempotencyKeys + 1})
	if err != nil {
		return fmt.Errorf("count idempotency keys: %w", err)
	}
	if held > MaxIdempotencyKeys {
		return ErrIdempotencyKeyQuota
	}
	return nil
}

func isNotFound(err error) bool {
	return errors.Is(Translate(err), ErrNotFound)
}

// TaskGet returns one of userID's tasks.
func (s *Store) TaskGet(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	var task Task
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		row, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: id})
		if err != nil {
			return err
		}
		task = fromRow(row)
		return nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("get task: %w", err)
	}
	return task, nil
}

// TaskUpdate applies changes to one of userID's tasks if pre holds: ErrNotFound when there
// is no such task, ErrPreconditionFailed when its version is not one pre names. Setting a
// repeating task completed creates its next occurrence (see completing).
func (s *Store) TaskUpdate(ctx context.Context, userID string, id uuid.UUID, c TaskChanges, pre *Precondition) (Task, error) {
	f := c.Fields
	params := db.TaskUpdateParams{
		SetTitle: c.SetTitle, Title: f.Title,
		SetDescription: c.SetDescription, Description: f.Description,
		SetCompleted: c.SetCompleted, Completed: f.Completed,
		SetPriority: c.SetPriority, Priority: db.TaskPriority(orMedium(f.Priority)),
		SetDueDate: c.SetDueDate, DueDate: f.DueDate,
		SetDueTime: c.SetDueTime, DueTime: clockTime(f.DueTime),
		SetTags: c.SetTags, Tags: nonNil(f.Tags),
		SetRepeat: c.SetRepeat, Repeat: db.TaskRepeat(orNone(f.Repeat)),
		UserID: userID, ID: id,
		IfVersions: pre.versions(),
	}
	task, err := s.completing(ctx, userID, func(ctx context.Context, q *db.Queries) (*db.Task, bool, error) {
		row, err := q.TaskUpdate(ctx, params)
		return row, c.SetCompleted && f.Completed, err
	})
	if err != nil && pre != nil && isNotFound(err) {
		// The conditional UPDATE touched no row: missing, or another version.
		err = s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
			return preconditionOrNotFound(ctx, q, userID, id)
		})
	}
	if err != nil {
		return Task{}, fmt.Errorf("update task: %w", err)
	}
	return task, nil
}

// preconditionOrNotFound tells, after a conditional statement touched no row, whether the
// task is missing (ErrNotFound) or only its version differs (ErrPreconditionFailed).
func preconditionOrNotFound(ctx context.Context, q *db.Queries, userID string, id uuid.UUID) error {
	if _, err := q.TaskGet(ctx, db.TaskGetParams{UserID: userID, ID: id}); err != nil {
		return err
	}
	return ErrPreconditionFailed
}

// TaskToggle flips completed on one of userID's tasks; completing a repeating task creates
// its next occurrence (see completing).
func (s *Store) TaskToggle(ctx context.Context, userID string, id uuid.UUID) (Task, error) {
	task, err := s.completing(ctx, userID, func(ctx context.Context, q *db.Queries) (*db.Task, bool, error) {
		row, err := q.TaskToggle(ctx, db.TaskToggleParams{UserID: userID, ID: id})
		return row, true, err // a toggle that uncompleted the task leaves it pending: nothing is due
	})
	if err != nil {
		return Task{}, fmt.Errorf("toggle task: %w", err)
	}
	return task, nil
}

// TaskSetCompleted sets completed on one of userID's tasks; a task that already has the
// value is returned unchanged. Completing a repeating task creates its next occurrence,
// also when it was completed already (see completing).
func (s *Store) TaskSetCompleted(ctx context.Context, userID string, id uuid.UUID, completed bool) (Task, error) {
	task, err := s.completing(ctx, userID, func(ctx context.Context, q *db.Queries) (*db.Task, bool, error) {
		row, err := q.TaskSetCompleted(ctx, db.TaskSetCompletedParams{UserID: userID, ID: id, Completed: completed})
		return row, completed, err
	})
	if err != nil {
		return Task{}, fmt.Errorf("set task completed: %w", err)
	}
	return task, nil
}

// TaskDelete deletes one of userID's tasks if pre holds: the task becomes a tombstone that
// TaskChanges reports and TaskRestore can bring back within the retention (see GoneError). It also
// purges userID's tombstones older than that.
func (s *Store) TaskDelete(ctx context.Context, userID string, id uuid.UUID, pre *Precondition) error {
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		n, err := q.TaskDelete(ctx, db.TaskDeleteParams{UserID: userID, ID: id, IfVersions: pre.versions()})
		if err != nil {
			return err
		}
		if n == 0 {
			if pre != nil {
				return preconditionOrNotFound(ctx, q, userID, id)
			}
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete task: %w", err)
	}
	return nil
}

// TaskStats counts userID's tasks. Overdue ones are not completed and due before now on
// the caller's wall clock: now is the current time in the caller's time zone (its Location);
// a task with a due time is overdue once that time has passed, one without once its date has.
func (s *Store) TaskStats(ctx context.Context, userID string, now time.Time) (Stats, error) {
	today, wall := wallClock(now)
	var st Stats
	err := s.run(ctx, userID, autocommit, func(ctx context.Context, q *db.Queries) error {
		row, err := q.TaskStats(ctx, db.TaskStatsParams{UserID: userID, Today: today, NowLocal: wall})
		st = Stats{Total: row.Total, Completed: row.Completed, Pending: row.Total - row.Completed, Overdue: row.Overdue}
		return err
	})
	if err != nil {
		return Stats{}, fmt.Errorf("task stats: %w", err)
	}
	return st, nil
}

// wallClock is now's date and wall-clock time in its own location, as the database's date
// and timestamp (without time zone) take them: fields in UTC.
func wallClock(now time.Time) (today, wall time.Time) {
	wall = time.Date(now.Year(), now.Month(), now.Day(), now.Hour(), now.Minute(), now.Second(), now.Nanosecond(), time.UTC)
	return wall.Truncate(24 * time.Hour), wall
}

func orNone(r string) string {
	if r == "" {
		return string(db.TaskRepeatNone)
	}
	return r
}

func orMedium(p string) string {
	if p == "" {
		return "medium"
	}
	return p
}
