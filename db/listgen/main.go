// Command listgen writes db/queries/tasks_list.sql: one listing query per sort key and
// direction, and beside it the query that reads one task's key in that order. SQL cannot take an ORDER BY column or direction as a parameter, and a keyset
// predicate must match its ORDER BY exactly for an index to serve it, so each order gets its
// own statement over the same filter block. Run it through `make generate`.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"text/template"
)

// order is one listing order: the column it sorts by (an index on (user_id, column, id)
// serves it), the type the cursor's text key is cast back to, and a direction.
//
// q is filtered here (strpos, a scan of the user's rows) only when the store could not have
// the trigram index find the tasks first (a q of fewer than three letters or digits in a
// row, or one matching very many tasks); otherwise the store passes their ids, a set the
// planner sees whole (custom plans) and seeks through the primary key or checks by hash.
//
// Each row also carries the clock its ETag hashes, read by the same statement, so a page and
// its clock come from one snapshot in one round trip: through PL/pgSQL functions
// (user_clock_last, 0013; member_clock_view, 0016; shared_clock_view, 0020), whose plans are
// cached where a subquery here would be planned again with every page; called in FROM, so
// that sqlc types their results nullable (a user who never wrote has no clock).
//
// Every sort column's comparison is leakproof (text, timestamptz, timestamp, smallint; uuid
// for the id): under row-level security PostgreSQL turns the keyset comparison into an index
// condition only then, and otherwise filters every row of the user before the position. So
// derived keys (lower(title), the due moment, the priority's rank) are stored generated
// columns (db/migrations/0008_sort_keys.sql), never expressions here.
type order struct {
	Name string // Go-friendly suffix, e.g. CreatedDesc
	Expr string
	Cast string
	Desc bool
}

func (o order) Dir() string {
	if o.Desc {
		return "DESC"
	}
	return "ASC"
}

func (o order) Cmp() string {
	if o.Desc {
		return "<"
	}
	return ">"
}

var orders = []order{
	{"CreatedAsc", "created_at", "timestamptz", false},
	{"CreatedDesc", "created_at", "timestamptz", true},
	{"UpdatedAsc", "updated_at", "timestamptz", false},
	{"UpdatedDesc", "updated_at", "timestamptz", true},
	// lower(title).
	{"TitleAsc", "title_key", "text", false},
	{"TitleDesc", "title_key", "text", true},
	// The due moment: date, then time (a task without a time at the end of its day); tasks
	// without a due date sort last in both directions (infinity, -infinity).
	{"DueDateAsc", "due_key_asc", "timestamp", false},
	{"DueDateDesc", "due_key_desc", "timestamp", true},
	// The enum's rank: 0 low, 1 medium, 2 high.
	{"PriorityAsc", "priority_rank", "smallint", false},
	{"PriorityDesc", "priority_rank", "smallint", true},
	// Manual order: fractional-index keys, compared byte by byte (the column is COLLATE "C").
	{"PositionAsc", "position", "text", false},
	{"PositionDesc", "position", "text", true},
}

// filterTemplate is the listing's filter and keyset position over one branch's rows (named
// by T; the ids of a search filter only the caller's own tasks, Own), and page its order
// and limit.
const filterTemplate = `{{define "filter"}}{{$t := .T}}
      AND {{$t}}.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR {{$t}}.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR {{$t}}.priority = sqlc.narg('priority')::task_priority)
{{- if .Own}}
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower({{$t}}.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower({{$t}}.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR {{$t}}.id = ANY (sqlc.narg('ids')::uuid[]))
{{- else}}
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower({{$t}}.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower({{$t}}.description), lower(sqlc.narg('shared_q')::text)) > 0)
{{- end}}
      AND (sqlc.narg('tags')::text[] IS NULL OR {{$t}}.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR {{$t}}.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR {{$t}}.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT {{$t}}.completed AND coalesce({{$t}}.due_time IS NULL AND {{$t}}.due_date < sqlc.narg('today')::date
                                                 OR {{$t}}.due_time IS NOT NULL AND {{$t}}.due_date + {{$t}}.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
{{- if .ListFilter}}
      AND (sqlc.narg('list_id')::uuid IS NULL OR {{$t}}.list_id = sqlc.narg('list_id')::uuid)
{{- end}}
      AND (sqlc.narg('parent_id')::uuid IS NULL OR {{$t}}.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR ({{$t}}.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR ({{$t}}.{{.O.Expr}}, {{$t}}.id) {{.O.Cmp}} (sqlc.narg('after_key')::text::{{.O.Cast}}, sqlc.narg('after_id')::uuid)){{end}}
{{- define "unindexed"}}
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool){{end}}
{{- define "page"}}
    ORDER BY {{.T}}.{{.O.Expr}} {{.O.Dir}}, {{.T}}.id {{.O.Dir}}
    LIMIT @row_limit{{end}}`

// The statements of one order, in three families: the store runs the first whose rows are
// the whole answer for the caller (internal/store/task_list.go, pageRequest.choose).
//
// TaskList…: the caller's own tasks, all of them or one own list's (list_id) — the statement
// of before sharing, one branch read in order through the owner's index, and the caller's own
// clock (user_clock_last). Nearly every caller is a member of no other owner's list, and this
// is all they ever run: a multi-branch statement is planned per request (custom plans) at
// several times the cost (docs/performance.md). shared_clock_view, read with the page's
// snapshot, is null exactly when the page is the whole answer; otherwise (the caller is a
// member of another owner's list, perhaps since a moment ago) the store reads TaskListMember….
//
// TaskListShared…: one list another owner shares with the caller (list_id of list_owner's, as
// the caller's membership named it a statement before), if the caller is still a member of it
// (a one-time check): planned with the owner's id, so the owner's index serves the order as
// for an own list.
//
// TaskListMember…: every list of a member of other owners' lists: the caller's own tasks and,
// through the caller's memberships of other owners' lists, theirs (sorted: only the shared
// rows), each branch its first row_limit rows, merged (a Merge Append of two pages).
//
// The shared families' clock is member_clock_view, which changes with every write to those
// lists and with every join and leave. The trigram search's ids (ids) are the caller's own
// tasks: the shared branches filter by shared_q instead.
const queryTemplate = `{{range .}}
-- name: TaskList{{.Name}} :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by {{.Expr}} {{.Dir}}, id {{.Dir}} — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.{{.Expr}})::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id{{template "filter" (branch "own" true true .)}}) AS tasks
ORDER BY tasks.{{.Expr}} {{.Dir}}, tasks.id {{.Dir}}
LIMIT @row_limit;

-- name: TaskListShared{{.Name}} :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by {{.Expr}} {{.Dir}}, id {{.Dir}} (after_key/after_id as
-- TaskList{{.Name}}). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.{{.Expr}})::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id){{template "filter" (branch "one" false false .)}}) AS tasks
ORDER BY tasks.{{.Expr}} {{.Dir}}, tasks.id {{.Dir}}
LIMIT @row_limit;

-- name: TaskListMember{{.Name}} :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- {{.Expr}} {{.Dir}}, id {{.Dir}} (after_key/after_id as TaskList{{.Name}}): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.{{.Expr}})::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id{{template "filter" (branch "own" true false .)}}{{template "page" (branch "own" true false .)}})
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id{{template "filter" (branch "every" false false .)}}{{template "page" (branch "every" false false .)}})
) AS tasks
ORDER BY tasks.{{.Expr}} {{.Dir}}, tasks.id {{.Dir}}
LIMIT @row_limit;

-- name: TaskFirstPage{{.Name}} :many
-- The first page of the caller's own live tasks as TaskList{{.Name}} lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.{{.Expr}})::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL{{template "unindexed" .}}
ORDER BY tasks.{{.Expr}} {{.Dir}}, tasks.id {{.Dir}}
LIMIT @row_limit;

-- name: TaskFirstPageInList{{.Name}} :many
-- TaskFirstPage{{.Name}} of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListShared{{.Name}}). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.{{.Expr}})::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL{{template "unindexed" .}}
ORDER BY tasks.{{.Expr}} {{.Dir}}, tasks.id {{.Dir}}
LIMIT @row_limit;

-- name: TaskListKey{{.Name}} :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskList{{.Name}} prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.{{.Expr}})::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;
{{end}}`

// branchArgs is what the filter template needs of one branch.
type branchArgs struct {
	T          string
	Own        bool // the caller's own tasks: the search's ids apply
	ListFilter bool // list_id, when set, selects one list
	O          order
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "listgen:", err)
		os.Exit(1)
	}
}

func run() error {
	out := "db/queries/tasks_list.sql"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	var b bytes.Buffer
	funcs := template.FuncMap{"branch": func(t string, own, listFilter bool, o order) branchArgs { return branchArgs{t, own, listFilter, o} }}
	t := template.Must(template.Must(template.New("list").Funcs(funcs).Parse(filterTemplate)).Parse(queryTemplate))
	if err := t.Execute(&b, orders); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// The marker goes last: sqlc would take a leading comment as the first query's doc.
	text := strings.TrimLeft(b.String(), "\n") + "\n-- Code generated by db/listgen. DO NOT EDIT.\n"
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
