package store

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// initPlanReturns matches an InitPlan's name as EXPLAIN prints it: "InitPlan 2 (returns $1)".
var initPlanReturns = regexp.MustCompile(`^InitPlan \d+ \(returns (\$\d+(?:,\$\d+)*)\)$`)

// TestWritesTakeTheClockFirst checks the lock order of db/queries/tasks.sql in the plans
// PostgreSQL makes: in every statement that takes the user's clock (user_clock_tick…), each
// scan of a user's table runs below a one-time filter on the clock, which is evaluated, and
// the clock taken, before the scan reads (and the statement locks) its first row. A statement
// that read a task row first could deadlock with one that holds the clock and waits for that
// row (TestTaskSetCompletedConcurrentCallsAgree races them).
func TestWritesTakeTheClockFirst(t *testing.T) {
	t.Parallel()
	c := newScopeCheck(t)
	checked := 0
	for name, q := range generatedQueries(t) {
		if !strings.Contains(q.sql, "user_clock_tick") {
			continue
		}
		checked++
		p, err := explainAs(t, c.conn, q.sql, q.userParam())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The parameters that InitPlans reading the clock CTE return.
		var clockParams []string
		p.walk(func(n *plan) {
			m := initPlanReturns.FindStringSubmatch(n.SubplanName)
			if m == nil {
				return
			}
			readsClock := false
			n.walk(func(c *plan) { readsClock = readsClock || c.NodeType == "CTE Scan" && c.CTEName == "clock" })
			if readsClock {
				clockParams = append(clockParams, strings.Split(m[1], ",")...)
			}
		})
		// Every scan of a user's table must have, above it, a one-time filter on one of them.
		var walk func(n *plan, gated bool)
		walk = func(n *plan, gated bool) {
			if n.OneTimeFilter != "" && slices.ContainsFunc(clockParams, func(p string) bool {
				return regexp.MustCompile(regexp.QuoteMeta(p) + `\b`).MatchString(n.OneTimeFilter)
			}) {
				gated = true
			}
			if _, user := c.userTables[n.Relation]; user && n.NodeType != "ModifyTable" && !gated {
				t.Errorf("%s: %s on %s may read rows before the clock is taken:\n%s", name, n.NodeType, n.Relation, p)
			}
			for i := range n.Plans {
				walk(&n.Plans[i], gated)
			}
		}
		walk(p, false)
	}
	// The subtree statements (db/queries/tasks_tree.sql: delete, restore, complete, move)
	// take no clock of their own: their transaction takes it first (UserClockTick,
	// UserClockTickPurging), and they are planned after it.
	if checked < 9 {
		t.Fatalf("checked %d statements that take the clock; want the 9 or so writes", checked)
	}
}
