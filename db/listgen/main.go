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
// Each row also carries the caller's write clock, read by the same statement, so a page and
// the clock its ETag hashes come from one snapshot in one round trip. It is read through
// user_clock_last (db/migrations/0013_user_clock_last.sql), whose plan is cached where a
// subquery of the table here would be planned again with every page; called in FROM, so that
// sqlc types its result nullable (a user who never wrote has none).
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

const queryTemplate = `{{range .}}
-- name: TaskList{{.Name}} :many
-- Lists the caller's live (not deleted) tasks ordered by {{.Expr}} {{.Dir}}, id {{.Dir}} — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), ({{.Expr}})::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR ({{.Expr}}, id) {{.Cmp}} (sqlc.narg('after_key')::text::{{.Cast}}, sqlc.narg('after_id')::uuid))
ORDER BY {{.Expr}} {{.Dir}}, id {{.Dir}}
LIMIT @row_limit;

-- name: TaskListKey{{.Name}} :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskList{{.Name}} prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT ({{.Expr}})::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;
{{end}}`

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
	t := template.Must(template.New("list").Parse(queryTemplate))
	if err := t.Execute(&b, orders); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	// The marker goes last: sqlc would take a leading comment as the first query's doc.
	text := strings.TrimLeft(b.String(), "\n") + "\n-- Code generated by db/listgen; DO NOT EDIT.\n"
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
