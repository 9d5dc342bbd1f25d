package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	// A reference to a table that holds user data.
	tableRef = regexp.MustCompile(`(?i)\b(FROM|UPDATE|JOIN|INTO|USING)\s+(tasks|idempotency_keys|user_clocks|user_tags)\b`)
	// A call of a function that works on one user's rows (0009_quotas_search.sql,
	// 0010_rule_functions.sql), and such a call with the user as its first argument, a
	// parameter.
	userFunctionCall   = regexp.MustCompile(`(?i)\b(task_search_ids|user_clock_tick\w*)\s*\(`)
	userFunctionScoped = regexp.MustCompile(`(?i)\b(task_search_ids|user_clock_tick\w*)\s*\(\s*\$\d+`)
	// An ownership predicate: user_id (possibly table-qualified) compared with a parameter.
	userPredicate = regexp.MustCompile(`(?i)(^|[^.\w])(\w+\.)?user_id\s*=\s*\$\d+`)
	// The start of an INSERT, at the top level or in a WITH clause.
	insertStart = regexp.MustCompile(`(?i)\bINSERT\s+INTO\b`)
	// An INSERT (from its start) that writes user_id from a parameter as its first column.
	insertWithUser = regexp.MustCompile(`(?is)^INSERT\s+INTO\s+\w+\s*\(\s*user_id\b[^;]*?\bVALUES\s*\(\s*\$\d+`)
	queryName      = regexp.MustCompile(`-- name: (\w+)`)
)

// generatedQueries returns every SQL statement sqlc generated (what the service runs),
// keyed by query name.
func generatedQueries(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../gen/db/*.sql.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated query files found: %v", err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if m := queryName.FindStringSubmatch(s); m != nil {
				out[m[1]] = s
			}
			return true
		})
	}
	return out
}

// checkUserScoped reports why a statement is not scoped to one user, or "".
func checkUserScoped(sql string) string {
	body := sql
	if i := strings.Index(body, "\n"); i >= 0 && strings.HasPrefix(body, "-- name:") {
		body = body[i+1:]
	}
	// Drop comment lines: a predicate in a comment does not count.
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	body = strings.Join(lines, "\n")
	if calls := len(userFunctionCall.FindAllString(body, -1)); calls > 0 {
		if len(userFunctionScoped.FindAllString(body, -1)) < calls {
			return "calls a user's function without the user as a parameter in first place"
		}
	}
	refs := tableRef.FindAllStringSubmatch(body, -1)
	if len(refs) == 0 {
		if userFunctionCall.MatchString(body) {
			return ""
		}
		return "touches no user table (add it to the check if it should exist)"
	}
	inserts := 0
	for _, r := range refs {
		if strings.EqualFold(r[1], "INTO") {
			inserts++
		}
	}
	for _, at := range insertStart.FindAllStringIndex(body, -1) {
		if !insertWithUser.MatchString(body[at[0]:]) {
			return "an INSERT does not write user_id from a parameter as its first column"
		}
	}
	preds := len(userPredicate.FindAllString(body, -1))
	if need := len(refs) - inserts; preds < need {
		return "reads or changes user rows without a user_id = $N predicate for each table reference (" +
			strconv.Itoa(preds) + " of " + strconv.Itoa(need) + ")"
	}
	return ""
}

func TestEveryQueryIsUserScoped(t *testing.T) {
	t.Parallel()
	queries := generatedQueries(t)
	if len(queries) < 20 {
		t.Fatalf("found only %d queries; the parser is missing some", len(queries))
	}
	for name, sql := range queries {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if why := checkUserScoped(sql); why != "" {
				t.Errorf("query %s is not user-scoped: %s\n%s", name, why, sql)
			}
		})
	}
}

// TestUserScopeCheckCatchesOmissions proves the check above can fail.
func TestUserScopeCheckCatchesOmissions(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"SelectWithoutPredicate":    "-- name: X :one\nSELECT * FROM tasks WHERE id = $1",
		"PredicateOnlyInComment":    "-- name: X :one\n-- user_id = $1\nSELECT * FROM tasks WHERE id = $1",
		"UpdateWithoutPredicate":    "-- name: X :one\nUPDATE tasks SET title = $1 WHERE id = $2",
		"DeleteWithoutPredicate":    "-- name: X :exec\nDELETE FROM idempotency_keys WHERE key = $1",
		"OneOfTwoReferences":        "-- name: X :one\nWITH c AS (UPDATE tasks SET x = 1 WHERE user_id = $1) SELECT * FROM tasks WHERE id = $2",
		"InsertWithoutUser":         "-- name: X :one\nINSERT INTO tasks (id, title) VALUES ($1, $2)",
		"UserIDComparedToColumn":    "-- name: X :one\nSELECT * FROM tasks WHERE user_id = user_id",
		"OtherColumnEndingInID":     "-- name: X :one\nSELECT * FROM tasks WHERE owner_user_id = $1",
		"ClockReadWithoutPredicate": "-- name: X :one\nSELECT last FROM user_clocks",
		"ClockJoinWithoutPredicate": "-- name: X :one\nSELECT now(), c.last FROM (SELECT 1) o LEFT JOIN user_clocks c ON true",
		"InsertInCTEWithoutUser": "-- name: X :one\nWITH c AS (INSERT INTO user_clocks (last) VALUES (now()) RETURNING last)\n" +
			"UPDATE tasks SET updated_at = (SELECT last FROM c) WHERE user_id = $1",
		"SecondInsertWithoutUser": "-- name: X :one\nWITH c AS (INSERT INTO user_clocks (user_id, last) VALUES ($1, now()) RETURNING last)\n" +
			"INSERT INTO tasks (id, title) VALUES ($2, $3)",
		"UserFromConstantInCTE": "-- name: X :one\nWITH c AS (INSERT INTO user_clocks (user_id, last) VALUES ('someone', now()) RETURNING last)\n" +
			"UPDATE tasks SET updated_at = (SELECT last FROM c) WHERE user_id = $1",
		"PurgeWithoutPredicate": "-- name: X :exec\nWITH p AS (DELETE FROM tasks WHERE deleted_at < now())\n" +
			"UPDATE tasks SET deleted_at = now() WHERE user_id = $1 AND id = $2",
		"TagsWithoutPredicate":   "-- name: X :many\nSELECT tag FROM user_tags WHERE tag > $1",
		"SearchForAConstantUser": "-- name: X :one\nSELECT task_search_ids('someone', $1::text, 10)",
		"SearchUserNotFirst":     "-- name: X :one\nSELECT task_search_ids($1::text, $2::text, 10), task_search_ids(current_user, $2, 1)",
	}
	for name, sql := range bad {
		if checkUserScoped(sql) == "" {
			t.Errorf("%s: the check accepted an unscoped statement:\n%s", name, sql)
		}
	}
	good := []string{
		"-- name: X :one\nSELECT * FROM tasks WHERE user_id = $1 AND id = $2",
		"-- name: X :one\nSELECT task_search_ids($1::text, $2::text, $3::integer)::uuid[] AS ids",
		"-- name: X :one\nWITH c AS (INSERT INTO user_clocks (user_id, last) VALUES ($1, now()) ON CONFLICT (user_id) DO UPDATE SET last = now() RETURNING last)\n" +
			"UPDATE tasks SET updated_at = (SELECT last FROM c) WHERE tasks.user_id = $1 AND id = $2",
	}
	for _, sql := range good {
		if why := checkUserScoped(sql); why != "" {
			t.Errorf("the check refused a scoped statement: %s\n%s", why, sql)
		}
	}
}
