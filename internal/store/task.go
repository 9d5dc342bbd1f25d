package store

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/todo-api/todo-api/gen/db"
)

// Position is where a page ends: the last task's sort key (as PostgreSQL prints it) and id.
// The next page starts after it.
type Position struct {
	Key string
	ID  uuid.UUID
}

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
	// DeletedAt is set on a tombstone (a deleted task, kept for the retention, see
	// GoneError); it equals UpdatedAt. Only TaskChanges returns tombstones.
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
