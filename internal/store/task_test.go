package store

import (
	"slices"
	"testing"

	"github.com/todo-api/todo-api/gen/db"
)

// TestDomainTypesMatchTheDatabase: Priority and Repeat have a constant for each value of the
// database's enum (task_priority, task_repeat), and no other.
func TestDomainTypesMatchTheDatabase(t *testing.T) {
	t.Parallel()
	priorities := []Priority{PriorityLow, PriorityMedium, PriorityHigh}
	var dbPriorities []Priority
	for _, p := range db.AllTaskPriorityValues() {
		dbPriorities = append(dbPriorities, Priority(p))
	}
	if !slices.Equal(priorities, dbPriorities) {
		t.Errorf("priorities %v, the database's %v", priorities, dbPriorities)
	}
	repeats := []Repeat{RepeatNone, RepeatDaily, RepeatWeekdays, RepeatWeekly, RepeatMonthly, RepeatYearly}
	var dbRepeats []Repeat
	for _, r := range db.AllTaskRepeatValues() {
		dbRepeats = append(dbRepeats, Repeat(r))
	}
	if !slices.Equal(repeats, dbRepeats) {
		t.Errorf("repeats %v, the database's %v", repeats, dbRepeats)
	}
}
