package store

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// The scope check reads each statement the way PostgreSQL does: it plans it (EXPLAIN
// VERBOSE, as the tests' role, which row-level security does not bind, so that only the
// statement's own conditions show) with the user's parameter set to theUser, and requires of
// the plan that
//   - every scan of a table with a user column — owner_id (lists and what belongs to a list,
//     keyed by the list's owner), else user_id — keeps only rows whose user column equals the
//     user's parameter: "<table>.user_id = 'the-user'::text" is one of the conditions ANDed
//     together in its index condition, recheck or filter (so "user_id = $1 OR true", which
//     the planner folds to true, or a comparison with another parameter, fails);
//   - every INSERT into such a table writes the user's parameter as user_id;
//   - every call of a user's function passes the user's parameter first (userFunctions);
// and of the generated method that it passes the user's id as that parameter (arg.UserID or
// userID).
//
// Membership (issue 16): a scan may instead reach the rows of another owner through the
// user's own rows of list_members. A scan of list_members keeping only rows whose user_id
// equals the user's parameter (the user's memberships) is scoped; a scan of tasks (lists)
// is scoped when its (user_id, list_id) ((owner_id, id)) equal the (owner_id, list_id) of
// such a scan of list_members — equal by the conditions that hold on the rows the plan
// returns (scans' conditions, inner and semi joins' conditions, an InitPlan's output), so
// a join on the owner alone (every list of that owner) or an outer join is refused. It cannot see inside the functions: TestOtherUsersRowsAreUnreachable runs every
// store method on a role that bypasses row-level security, where their own predicates are
// all that keep users apart.

// userFunctions work on the rows of the user they take as their first argument
// (0009_quotas_search.sql, 0010_rule_functions.sql, 0011_lists.sql, 0013_user_clock_last.sql,
// 0015_sharing.sql: invite_lookup and invite_accept act for the caller they take first,
// 0016_task_membership.sql, 0022_live_owners.sql: user_clock_wait).
var userFunctions = []string{"invite_accept", "invite_lookup", "member_clock_view", "shared_clock_view", "task_position_is_top", "task_search_ids", "user_clock_last", "user_clock_tick", "user_clock_tick_purging", "user_clock_wait", "user_inbox"}

// otherFunctions take no user: constants, the triggers that act on the rows a statement
// changed (whose statements the check covers; task_departure_record: 0017_task_departures.sql), and the membership helpers of
// 0015_sharing.sql that the row-level security policies and the functions above call (no
// query calls them; they read the caller from app.user_id, as the policies do), and the
// leases of live owners (0022_live_owners.sql: user_clock_tick calls live_owner_notify; the
// event hub's service statements, keyed by the hub, call live_owners_*).
var otherFunctions = []string{"idempotency_key_lifetime", "tombstone_retention", "user_quota", "tasks_count_usage", "tasks_copy_search", "tasks_default_list", "tasks_count_subtasks", "tasks_count_subtask_insert",
	"max_list_members", "list_access_sync", "list_access_live", "app_list_role", "app_reads_owner", "app_writes_owner", "app_invite_admits", "app_caller_is", "app_list_name", "app_member_lists", "app_editor_lists",
	"task_departure_record", "list_members_notify", "lists_notify",
	"live_owner_notify", "live_owners_hold", "live_owners_renew", "live_owners_release"}

// scopeCheck checks statements against one database's schema.
type scopeCheck struct {
	conn       *pgx.Conn
	userTables map[string]userColumn // table with a user column → that column
}

// userColumn is a table's user column: its name and position (1-based).
type userColumn struct {
	name   string
	attnum int
}

func newScopeCheck(t *testing.T) *scopeCheck {
	t.Helper()
	url := dbtest.NewURL(t)
	c := &scopeCheck{conn: explainConn(t, url), userTables: map[string]userColumn{}}
	// The made-up parameter values may contradict each other (parent_id = x AND parent_id IS
	// NULL); the planner would then drop every branch of a UNION ALL as refuted by its own
	// conditions (constraint_exclusion's check of append members) and leave nothing to check.
	if _, err := c.conn.Exec(t.Context(), "SET constraint_exclusion = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := c.conn.Query(t.Context(), `
		SELECT DISTINCT ON (c.relname) c.relname, a.attname, a.attnum FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname IN ('owner_id', 'user_id') AND NOT a.attisdropped
		ORDER BY c.relname, a.attname = 'owner_id' DESC`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table string
		var col userColumn
		if err := rows.Scan(&table, &col.name, &col.attnum); err != nil {
			t.Fatal(err)
		}
		c.userTables[table] = col
	}
	if err := rows.Err(); err != nil || c.userTables["tasks"].attnum == 0 || c.userTables["user_clocks"].attnum == 0 ||
		c.userTables["lists"].name != "owner_id" || c.userTables["list_members"].name != "owner_id" {
		t.Fatalf("user tables %v, %v", c.userTables, err)
	}
	return c
}

// check reports why sql, whose parameter userParam (1-based; 0: none) is the user, is not
// scoped to that user, or "".
func (c *scopeCheck) check(t *testing.T, sql string, userParam int, nulls ...int) string {
	t.Helper()
	if userParam == 0 {
		return "the generated method passes no user id"
	}
	p, err := explainAs(t, c.conn, sql, userParam, nulls...)
	if err != nil {
		return err.Error()
	}
	var why []string
	tables := 0
	member := membershipOf(p)
	p.walk(func(n *plan) {
		col, ok := c.userTables[n.Relation]
		if !ok {
			return
		}
		tables++
		if n.NodeType == "ModifyTable" {
			if n.Operation == "Insert" && !insertsUser(n, col.attnum) {
				why = append(why, fmt.Sprintf("the INSERT into %s does not write the user's parameter as %s", n.Relation, col.name))
			}
			return // the rows an UPDATE or DELETE changes come from the scans below it
		}
		if !scopedScan(n, col.name) && !member.reaches(n) {
			why = append(why, fmt.Sprintf("%s on %s (%s) reads rows without %s = the user's parameter among its conditions, nor through the user's rows of list_members", n.NodeType, n.Relation, n.Alias, col.name))
		}
	})
	calls := 0
	p.walk(func(n *plan) {
		for _, text := range n.texts() {
			for _, f := range userFunctions {
				all := regexp.MustCompile(`\b`+f+`\(`).FindAllStringIndex(text, -1)
				scoped := regexp.MustCompile(`\b`+f+`\('`+theUser+`'::text[,)]`).FindAllStringIndex(text, -1)
				calls += len(all)
				if len(scoped) < len(all) {
					why = append(why, fmt.Sprintf("%s is called without the user's parameter first: %s", f, text))
				}
			}
		}
	})
	if tables == 0 && calls == 0 && len(nulls) == 0 { // (a NULL where the statement needs a value reads nothing)
		why = append(why, "it reads no user's table and calls no user's function (add it to the check if it should exist)")
	}
	if len(why) > 0 {
		return strings.Join(why, "; ") + "\n" + p.String()
	}
	return ""
}

// scopedScan reports whether a scan keeps only the user's rows: one of the conditions ANDed
// in its index condition, recheck or filter is "<alias>.user_id = 'the-user'::text".
func scopedScan(n *plan, column string) bool {
	want := []string{n.Alias + "." + column + " = '" + theUser + "'::text", "'" + theUser + "'::text = " + n.Alias + "." + column}
	for _, cond := range []string{n.IndexCond, n.RecheckCond, n.Filter} {
		for _, term := range conjuncts(cond) {
			if slices.Contains(want, term) {
				return true
			}
		}
	}
	// A bitmap heap scan shows its index's condition on the bitmap index scan below it.
	for i := range n.Plans {
		if c := &n.Plans[i]; strings.HasPrefix(c.NodeType, "Bitmap Index Scan") {
			for _, term := range conjuncts(c.IndexCond) {
				if slices.Contains(want, term) {
					return true
				}
			}
		}
	}
	return false
}

// planMembership is what a plan's conditions make equal: the classes of the terms that every row
// it returns has equal (a union-find over the terms' text), and the aliases of its scans of
// list_members that keep only the user's rows.
type planMembership struct {
	parent  map[string]string
	members []string // aliases of list_members scans with user_id = the user's parameter
}

// membershipOf collects the equalities of p that hold on the rows it returns: every
// condition of a scan, of an inner or semi join, and an InitPlan's value ($n) with its output.
func membershipOf(p *plan) *planMembership {
	m := &planMembership{parent: map[string]string{}}
	p.walk(func(n *plan) {
		conds := []string{n.IndexCond, n.RecheckCond, n.Filter}
		if n.JoinType == "" || n.JoinType == "Inner" || n.JoinType == "Semi" {
			conds = append(conds, n.HashCond, n.MergeCond, n.JoinFilter)
		}
		for _, cond := range conds {
			for _, term := range conjuncts(cond) {
				if l, r, ok := strings.Cut(term, " = "); ok && !strings.ContainsAny(l, "()") && !strings.Contains(r, " ") {
					m.union(strings.TrimSpace(l), strings.TrimSpace(r))
				}
			}
		}
		if v := initPlanValue.FindStringSubmatch(n.SubplanName); v != nil && len(n.Output) == 1 {
			m.union(v[1], n.Output[0])
		}
	})
	p.walk(func(n *plan) {
		if n.Relation == "list_members" && n.NodeType != "ModifyTable" && m.same(n.Alias+".user_id", "'"+theUser+"'::text") {
			m.members = append(m.members, n.Alias)
		}
	})
	return m
}

// initPlanValue finds the parameter an InitPlan returns in its name ("InitPlan 1 (returns $0)").
var initPlanValue = regexp.MustCompile(`^InitPlan \d+ \(returns (\$\d+)\)$`)

func (m *planMembership) find(x string) string {
	for {
		p, ok := m.parent[x]
		if !ok || p == x {
			return x
		}
		x = p
	}
}

func (m *planMembership) union(a, b string) { m.parent[m.find(a)] = m.find(b) }

func (m *planMembership) same(a, b string) bool { return m.find(a) == m.find(b) }

// listColumns are the owner and list columns of the tables whose rows belong to one list.
var listColumns = map[string][2]string{
	"tasks":           {"user_id", "list_id"},
	"lists":           {"owner_id", "id"},
	"list_members":    {"owner_id", "list_id"},
	"invites":         {"owner_id", "list_id"},
	"task_departures": {"owner_id", "list_id"},
}

// reaches reports whether the scan n keeps to rows of the lists the user is a member of: it
// is one of the user's scans of list_members, or its owner and list columns (listColumns)
// equal those of one.
func (m *planMembership) reaches(n *plan) bool {
	if n.Relation == "list_members" && slices.Contains(m.members, n.Alias) {
		return true
	}
	cols, ok := listColumns[n.Relation]
	if !ok {
		return false
	}
	for _, a := range m.members {
		if m.same(n.Alias+"."+cols[0], a+".owner_id") && m.same(n.Alias+"."+cols[1], a+".list_id") {
			return true
		}
	}
	return false
}

// insertsUser reports whether the INSERT n writes the user's parameter into the column at
// attnum: its input's output, in the table's column order.
func insertsUser(n *plan, attnum int) bool {
	for _, in := range n.Plans {
		if in.Parent == "Outer" {
			return len(in.Output) >= attnum && in.Output[attnum-1] == "'"+theUser+"'::text"
		}
	}
	return false
}

func TestEveryQueryIsUserScoped(t *testing.T) {
	t.Parallel()
	queries := generatedQueries(t)
	if len(queries) < 20 {
		t.Fatalf("found only %d queries; the parser is missing some", len(queries))
	}
	c := newScopeCheck(t)
	names := make([]string, 0, len(queries))
	for name := range queries {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names { // one connection: in turn
		q := queries[name]
		t.Run(name, func(t *testing.T) {
			if why := c.check(t, q.sql, q.userParam()); why != "" {
				t.Errorf("query %s (arguments %v) is not user-scoped: %s\n%s", name, q.args, why, q.sql)
			}
			// A statement with an optional list id has branches for its absence (every list
			// of the user's, shared ones included), which a value plans away.
			if list := q.listParam(); list > 0 {
				if why := c.check(t, q.sql, q.userParam(), list); why != "" {
					t.Errorf("query %s (arguments %v) without a list id is not user-scoped: %s\n%s", name, q.args, why, q.sql)
				}
			}
		})
	}
}

// TestUserScopeCheckCatchesOmissions proves that the check above can fail: each statement
// here leaves some rows of other users reachable (its user is $1), and each is refused.
func TestUserScopeCheckCatchesOmissions(t *testing.T) {
	t.Parallel()
	c := newScopeCheck(t)
	bad := map[string]string{
		"UserPredicateOrTrue":        "SELECT request_hash, response FROM idempotency_keys WHERE (user_id = $1 OR true) AND namespace = $2 AND key = $3",
		"ListWithoutOwner":           "SELECT * FROM lists WHERE id = $2 AND name = $1",
		"ListMembersOfAnotherMember": "SELECT * FROM list_members WHERE user_id = $2 AND role = $1",
		"MemberJoinOnTheOwnerAlone":  "SELECT t.* FROM list_members m JOIN tasks t ON t.user_id = m.owner_id WHERE m.user_id = $1",
		"MemberJoinOnTheListAlone":   "SELECT t.* FROM list_members m JOIN tasks t ON t.list_id = m.list_id WHERE m.user_id = $1",
		"MemberJoinOfAnotherUser":    "SELECT t.* FROM list_members m JOIN tasks t ON t.user_id = m.owner_id AND t.list_id = m.list_id WHERE m.user_id = $2 AND t.title = $1",
		"MemberJoinOuter":            "SELECT t.* FROM tasks t LEFT JOIN list_members m ON t.user_id = m.owner_id AND t.list_id = m.list_id AND m.user_id = $1",
		"MemberJoinOrAnyTask":        "SELECT t.* FROM tasks t WHERE t.id = $2 AND (EXISTS (SELECT 1 FROM list_members m WHERE m.owner_id = t.user_id AND m.list_id = t.list_id AND m.user_id = $1) OR t.title = 'x')",
		"OwnerOfAListByMemberOnly":   "SELECT t.* FROM tasks t WHERE t.user_id = (SELECT m.owner_id FROM list_members m WHERE m.user_id = $1 LIMIT 1)",
		"MemberJoinListsOnOwner":     "SELECT l.* FROM list_members m JOIN lists l ON l.owner_id = m.owner_id WHERE m.user_id = $1",
		"MembersTiedByListOnly":      "SELECT o.* FROM list_members m JOIN list_members o ON o.list_id = m.list_id WHERE m.user_id = $1",
		"AnotherUsersMembership":     "SELECT l.* FROM list_members m JOIN lists l ON l.owner_id = m.owner_id WHERE m.user_id = $2 AND l.name = $1",
		"MembershipOfAnotherParam":   "SELECT * FROM tasks WHERE user_id = (SELECT m.owner_id FROM list_members m WHERE m.list_id = $2 AND m.user_id = $3) AND title = $1",
		"ListInsertForAnotherOwner":  "INSERT INTO lists (owner_id, id, name) VALUES ($2, gen_random_uuid(), $1)",
		"UserPredicateOrAnother":     "SELECT * FROM tasks WHERE user_id = $1 OR id = $2",
		"SelectWithoutPredicate":     "SELECT * FROM tasks WHERE id = $2 AND title <> $1",
		"PredicateOnAnotherParam":    "SELECT * FROM tasks WHERE user_id = $2 AND title = $1",
		"UserIDComparedToItself":     "SELECT * FROM tasks WHERE user_id = user_id AND title = $1",
		"PredicateOnAnotherColumn":   "SELECT * FROM tasks WHERE title = $1",
		"UpdateWithoutPredicate":     "UPDATE tasks SET title = $1 WHERE id = $2",
		"DeleteWithoutPredicate":     "DELETE FROM idempotency_keys WHERE key = $1",
		"OneOfTwoReferences":         "WITH c AS (UPDATE tasks SET version = version WHERE user_id = $1 RETURNING id) SELECT * FROM tasks WHERE id IN (SELECT id FROM c)",
		"SubqueryWithoutPredicate":   "SELECT * FROM tasks WHERE user_id = $1 AND id IN (SELECT t.id FROM tasks t WHERE t.title = 'x')",
		"InsertForAnotherUser":       "INSERT INTO tasks (user_id, id, title, position) VALUES ($2, gen_random_uuid(), $1, 'a0')",
		"InsertFromAConstant":        "INSERT INTO user_clocks (user_id, last) VALUES ('someone', now()) RETURNING $1::text",
		"ClockJoinWithoutPredicate":  "SELECT now(), c.last FROM (SELECT $1::text AS u) o LEFT JOIN user_clocks c ON true",
		"PurgeWithoutPredicate":      "WITH p AS (DELETE FROM tasks WHERE deleted_at < now()) UPDATE tasks SET version = version WHERE user_id = $1",
		"TagsWithoutPredicate":       "SELECT tag FROM user_tags WHERE tag > $1",
		"ClockOfAConstantUser":       "SELECT user_clock_tick('someone') WHERE $1::text IS NOT NULL",
		"ClockOfAnotherParam":        "SELECT user_clock_tick($2::text) WHERE $1::text IS NOT NULL",
		"SearchForAnotherUser":       "SELECT task_search_ids($2::text, $1::text, 10)",
		"SecondCallForAnotherUser":   "SELECT user_clock_tick($1::text), user_clock_tick_purging('someone')",
		"ClockLastOfAnotherParam":    "SELECT user_clock_last($2::text) WHERE $1::text IS NOT NULL",
		"ReadsNoUserTable":           "SELECT $1::text",
		"UnscopedOwnerOfTheOtherRow": "SELECT t.title FROM tasks t JOIN tasks o ON o.id = t.next_id WHERE t.user_id = $1",
	}
	for name, sql := range bad {
		why := c.check(t, sql, 1)
		t.Logf("%s: %s", name, strings.SplitN(why, "\n", 2)[0])
		if why == "" {
			t.Errorf("%s: the check accepted a statement that reaches other users' rows:\n%s", name, sql)
		}
	}
	if why := c.check(t, "SELECT * FROM tasks WHERE user_id = $2 AND id = $1", 0); why == "" {
		t.Error("the check accepted a statement whose method passes no user id")
	}
	good := map[string]string{
		"Get":                "SELECT * FROM tasks WHERE user_id = $1 AND id = $2",
		"QualifiedReversed":  "SELECT * FROM tasks t WHERE $1 = t.user_id AND t.id = $2",
		"JoinOnTheUser":      "SELECT t.title, g.tasks FROM tasks t JOIN user_tags g ON g.user_id = t.user_id AND g.tag = ANY (t.tags) WHERE t.user_id = $1",
		"Insert":             "INSERT INTO user_clocks (user_id, last) VALUES ($1, now()) ON CONFLICT (user_id) DO UPDATE SET last = now() RETURNING last",
		"ClockThenUpdate":    "WITH clock AS (SELECT user_clock_tick($1) AS last) UPDATE tasks SET updated_at = (SELECT last FROM clock) WHERE user_id = $1 AND id = $2",
		"SearchForTheUser":   "SELECT task_search_ids($1::text, $2::text, 10)",
		"UserOnTheSecondArg": "SELECT * FROM tasks WHERE id = $1 AND user_id = $2",
		// Membership (issue 16): the user's own rows of list_members, and the lists and
		// tasks they open.
		"TheUsersMemberships": "SELECT * FROM list_members WHERE user_id = $1",
		"MemberJoin":          "SELECT t.* FROM list_members m JOIN tasks t ON t.user_id = m.owner_id AND t.list_id = m.list_id WHERE m.user_id = $1",
		"MemberJoinOneTask":   "SELECT t.* FROM tasks t JOIN list_members m ON m.owner_id = t.user_id AND m.list_id = t.list_id WHERE m.user_id = $1 AND t.id = $2",
		"MemberExists":        "SELECT t.* FROM tasks t WHERE t.id = $2 AND EXISTS (SELECT 1 FROM list_members m WHERE m.owner_id = t.user_id AND m.list_id = t.list_id AND m.user_id = $1)",
		"OwnerOfOneList":      "SELECT t.* FROM tasks t WHERE t.user_id = (SELECT m.owner_id FROM list_members m WHERE m.list_id = $2 AND m.user_id = $1) AND t.list_id = $2",
		"MemberJoinLists":     "SELECT l.* FROM list_members m JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id WHERE m.user_id = $1",
		"MembersLists":        "SELECT l.name FROM list_members m JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id WHERE m.user_id = $1",
		"MembersListTasks":    "SELECT * FROM tasks WHERE user_id = (SELECT m.owner_id FROM list_members m WHERE m.list_id = $2 AND m.user_id = $1) AND list_id = $2",
	}
	for name, sql := range good {
		user := 1
		if name == "UserOnTheSecondArg" {
			user = 2
		}
		if why := c.check(t, sql, user); why != "" {
			t.Errorf("%s: the check refused a scoped statement: %s\n%s", name, why, sql)
		}
	}
}

// TestEveryFunctionIsClassified: a new function in the schema is either a user's function,
// whose calls the scope check follows, or one that takes no user — the check knows which.
func TestEveryFunctionIsClassified(t *testing.T) {
	t.Parallel()
	c := newScopeCheck(t)
	rows, err := c.conn.Query(t.Context(), `
		SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = 'public'
		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	known := slices.Concat(userFunctions, otherFunctions)
	for _, name := range names {
		if !slices.Contains(known, name) {
			t.Errorf("function %s is in neither userFunctions nor otherFunctions: say whether it takes the user", name)
		}
	}
	for _, name := range known {
		if !slices.Contains(names, name) {
			t.Errorf("function %s is listed but not in the schema", name)
		}
	}
}
