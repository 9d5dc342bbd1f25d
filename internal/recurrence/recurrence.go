// Package recurrence computes when a repeating task is due next. It works on civil dates
// (time.Time values at 00:00 UTC, as the store keeps due dates) and knows nothing of time
// zones or the database, so every rule is a pure function with a table of tests.
//
// The rules, which the contract's Repeat schema states for clients:
//   - Daily: the next day.
//   - Weekdays: the next Monday to Friday (Friday, Saturday and Sunday go to Monday).
//   - Weekly: seven days later.
//   - Monthly: the same day of the next month; a day the month lacks becomes its last day.
//   - Yearly: the same day of the next year; Feb 29 becomes Feb 28 in a common year.
//
// A monthly or yearly series keeps its day across short months: the anchor is the day it was
// meant to fall on (Jan 31 → Feb 28 with anchor 31 → Mar 31). Next returns the anchor the
// following occurrence must carry, 0 when it falls on its anchor day anyway.
//
// A series ends at Last, the last date the API can write: a next date after it is ErrEnded.
package recurrence

import (
	"errors"
	"fmt"
	"time"
)

// Last is the last due date an occurrence can have: 9999-12-31, the last date with the
// four-digit year the contract's dates have.
var Last = civil(9999, time.December, 31)

// ErrEnded: the next date would fall after Last, so the series has no next occurrence.
var ErrEnded = errors.New("recurrence: the series ends: its next date would fall after 9999-12-31")

// Rule is how a task repeats; the values are the contract's and the database's.
type Rule string

// The rules.
const (
	None     Rule = "none"
	Daily    Rule = "daily"
	Weekdays Rule = "weekdays"
	Weekly   Rule = "weekly"
	Monthly  Rule = "monthly"
	Yearly   Rule = "yearly"
)

// Next returns the due date after due under rule. anchor is the day of the month the series
// keeps (0: due's own day); next's anchor is what the next occurrence carries (0 when it falls
// on that day). due is a civil date at 00:00 UTC; so is next. Rule None, or one Next does
// not know, is an error: such a task has no next occurrence. A next date after Last is
// ErrEnded.
func Next(rule Rule, due time.Time, anchor int) (next time.Time, nextAnchor int, err error) {
	next, nextAnchor, err = following(rule, due, anchor)
	if err == nil && next.After(Last) {
		return time.Time{}, 0, ErrEnded
	}
	return next, nextAnchor, err
}

// following is Next without the end of the calendar.
func following(rule Rule, due time.Time, anchor int) (next time.Time, nextAnchor int, err error) {
	y, m, d := due.Date()
	switch rule {
	case Daily:
		return civil(y, m, d+1), 0, nil
	case Weekly:
		return civil(y, m, d+7), 0, nil
	case Weekdays:
		step := 1
		switch due.Weekday() {
		case time.Friday:
			step = 3
		case time.Saturday:
			step = 2
		}
		return civil(y, m, d+step), 0, nil
	case Monthly, Yearly:
		if anchor < d {
			// No anchor, or one the due date was moved past: the due date's day is the anchor.
			anchor = d
		}
		if rule == Monthly {
			m++
		} else {
			y++
		}
		// Normalise month overflow (December + 1) before asking for the month's length.
		first := civil(y, m, 1)
		y, m, _ = first.Date()
		day := min(anchor, daysIn(y, m))
		if day == anchor {
			anchor = 0
		}
		return civil(y, m, day), anchor, nil
	}
	return time.Time{}, 0, fmt.Errorf("recurrence: no next date for rule %q", rule)
}

// civil is the date y-m-d at 00:00 UTC; out-of-range days and months roll over (Jan 32 is
// Feb 1), as time.Date does.
func civil(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// daysIn is the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return civil(y, m+1, 0).Day()
}
