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
	ID          uuid.UUID
	Title       string
	Description *string
	Completed   bool
	Priority    Priority
	DueDate     *time.Time // a civil date at 00:00 UTC
	// DueTime is the wall-clock time on DueDate the task is due, "HH:MM"; nil: any time
	// that day.
	DueTime     *string
	Tags        []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt *time.Time
	// Version increases with every change; it is the task's ETag.
	Version int64
	// Position is the task's place in the manual order (sort=position): a fractional-index
	// key (internal/fracindex), unique among the user's tasks.
	Position string
	// DeletedAt is set on a tombstone (a deleted task, kept for the retention, see
	// GoneError); it equals UpdatedAt. Only TaskChanges returns tombstones.
	DeletedAt *time.Time
	// Repeat is how the task repeats: completing it creates its next occurrence, once.
	Repeat Repeat
	// NextID is the task's next occurrence while that is live (not deleted). Only the writes
	// that can complete a task (TaskUpdate, TaskToggle, TaskComplete) fill it in; nil
	// elsewhere.
	NextID *uuid.UUID
	// ListID is the task's list.
	ListID uuid.UUID
	// ParentID is the task's parent, a task of the same list; nil for a top-level task.
	ParentID *uuid.UUID
	// SubtasksTotal and SubtasksCompleted count the task's direct subtasks that are not
	// deleted, and of those the completed ones. The database keeps them
	// (tasks_count_subtasks, 0012_subtasks.sql).
	SubtasksTotal, SubtasksCompleted int
}

// Priority is how urgent a task is. The values are the contract's and the database's
// (task_priority; TestDomainTypesMatchTheDatabase).
type Priority string

// Priorities.
const (
	PriorityLow    Priority = "low"
	PriorityMedium Priority = "medium"
	PriorityHigh   Priority = "high"
)

// Repeat is how a task repeats: a recurrence.Rule, which computes the next due date. The
// values are the contract's and the database's (task_repeat;
// TestDomainTypesMatchTheDatabase).
type Repeat string

// Repeats.
const (
	RepeatNone     Repeat = "none"
	RepeatDaily    Repeat = "daily"
	RepeatWeekdays Repeat = "weekdays"
	RepeatWeekly   Repeat = "weekly"
	RepeatMonthly  Repeat = "monthly"
	RepeatYearly   Repeat = "yearly"
)

// TaskFields are the values a client writes. The caller has validated and normalised them
// (trimmed title, de-duplicated lower-case tags).
type TaskFields struct {
	Title       string
	Description *string
	Completed   bool
	Priority    Priority // "" is PriorityMedium
	DueDate     *time.Time
	DueTime     *string // "HH:MM"; needs DueDate
	Tags        []string
	// ListID is the list to create the task in; nil: the parent's list when ParentID is
	// set, else the user's inbox. ParentID is the parent task; nil: top-level. (Omitted from
	// JSON when nil, for the reason Repeat is.)
	ListID   *uuid.UUID `json:",omitempty"`
	ParentID *uuid.UUID `json:",omitempty"`
	// Repeat is how the task repeats; "" is RepeatNone. Other than none, it needs DueDate.
	// (Omitted from JSON when "": internal/httpapi hashes TaskFields for idempotency keys,
	// and a request without a repeat hashes as it did before tasks could repeat. It goes
	// once the HTTP layer hashes a request struct of its own.)
	Repeat Repeat `json:",omitempty"`
}

// TaskChanges says which fields change, for PUT (all) and PATCH (those present). SetListID
// with Fields.ListID moves the task and its subtree to that list (nil ListID: no change);
// SetParentID with Fields.ParentID moves it under that parent (nil: top-level).
type TaskChanges struct {
	Fields                                                                                          TaskFields
	SetTitle, SetDescription, SetCompleted, SetPriority, SetDueDate, SetDueTime, SetTags, SetRepeat bool
	SetListID, SetParentID                                                                          bool
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
		ID:                r.ID,
		Title:             r.Title,
		Description:       r.Description,
		Completed:         r.Completed,
		Priority:          Priority(r.Priority),
		DueDate:           r.DueDate,
		DueTime:           clockText(r.DueTime),
		Tags:              r.Tags,
		CreatedAt:         r.CreatedAt,
		UpdatedAt:         r.UpdatedAt,
		CompletedAt:       r.CompletedAt,
		Version:           r.Version,
		Position:          r.Position,
		DeletedAt:         r.DeletedAt,
		Repeat:            Repeat(r.Repeat),
		ListID:            r.ListID,
		ParentID:          r.ParentID,
		SubtasksTotal:     int(r.SubtasksTotal),
		SubtasksCompleted: int(r.SubtasksCompleted),
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

// orNone is r, RepeatNone for "".
func orNone(r Repeat) db.TaskRepeat {
	if r == "" {
		return db.TaskRepeat(RepeatNone)
	}
	return db.TaskRepeat(r)
}

// orMedium is p, PriorityMedium for "".
func orMedium(p Priority) db.TaskPriority {
	if p == "" {
		return db.TaskPriority(PriorityMedium)
	}
	return db.TaskPriority(p)
}
