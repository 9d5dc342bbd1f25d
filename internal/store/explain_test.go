package store

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// generatedQuery is one statement sqlc generated (what the service runs): its SQL and the Go
// expressions its method passes as the parameters, in order ($1 is args[0]).
type generatedQuery struct {
	sql  string
	args []string
}

// listParam is the 1-based number of the parameter the generated method fills with an
// optional list id (arg.ListID), or 0.
func (q generatedQuery) listParam() int {
	return slices.Index(q.args, "arg.ListID") + 1
}

// userParam is the 1-based number of the parameter the generated method fills with the
// user's id, or 0 when it passes none.
func (q generatedQuery) userParam() int {
	for i, a := range q.args {
		if a == "arg.UserID" || a == "userID" {
			return i + 1
		}
	}
	return 0
}

var queryName = regexp.MustCompile(`^-- name: (\w+)`)

// generatedQueries reads gen/db: every query constant, keyed by query name, with the arguments
// its method passes to q.db.Query, QueryRow or Exec.
func generatedQueries(t *testing.T) map[string]generatedQuery {
	t.Helper()
	files, err := filepath.Glob("../../gen/db/*.sql.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no generated query files found: %v", err)
	}
	consts := map[string]string{}  // constant name → SQL
	calls := map[string][]string{} // constant name → arguments
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i >= len(n.Values) {
						break
					}
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, err := strconv.Unquote(lit.Value); err == nil && queryName.MatchString(s) {
							consts[name.Name] = s
						}
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || len(n.Args) < 2 || !strings.HasPrefix(types.ExprString(sel.X), "q.db") {
					return true
				}
				if id, ok := n.Args[1].(*ast.Ident); ok {
					for _, a := range n.Args[2:] {
						calls[id.Name] = append(calls[id.Name], types.ExprString(a))
					}
					if len(n.Args) == 2 {
						calls[id.Name] = []string{}
					}
				}
			}
			return true
		})
	}
	out := map[string]generatedQuery{}
	for c, sql := range consts {
		args, ok := calls[c]
		if !ok {
			t.Fatalf("no call of query constant %s found", c)
		}
		out[queryName.FindStringSubmatch(sql)[1]] = generatedQuery{sql: sql, args: args}
	}
	return out
}

// plan is one node of EXPLAIN (VERBOSE, FORMAT JSON): PostgreSQL's own parse of a statement,
// its conditions deparsed in one canonical form.
type plan struct {
	NodeType      string   `json:"Node Type"`
	Parent        string   `json:"Parent Relationship"`
	Operation     string   `json:"Operation"`
	Relation      string   `json:"Relation Name"`
	Alias         string   `json:"Alias"`
	IndexCond     string   `json:"Index Cond"`
	RecheckCond   string   `json:"Recheck Cond"`
	Filter        string   `json:"Filter"`
	JoinType      string   `json:"Join Type"`
	OneTimeFilter string   `json:"One-Time Filter"`
	JoinFilter    string   `json:"Join Filter"`
	HashCond      string   `json:"Hash Cond"`
	MergeCond     string   `json:"Merge Cond"`
	FunctionCall  string   `json:"Function Call"`
	SubplanName   string   `json:"Subplan Name"`
	CTEName       string   `json:"CTE Name"`
	Output        []string `json:"Output"`
	Plans         []plan   `json:"Plans"`
}

// walk calls fn on n and every node below it, parents first.
func (n *plan) walk(fn func(*plan)) {
	fn(n)
	for i := range n.Plans {
		n.Plans[i].walk(fn)
	}
}

// texts returns every expression the node shows.
func (n *plan) texts() []string {
	return append([]string{n.IndexCond, n.RecheckCond, n.Filter, n.OneTimeFilter, n.JoinFilter, n.HashCond, n.MergeCond, n.FunctionCall}, n.Output...)
}

// String prints the plan as an indented tree with each node's conditions.
func (n *plan) String() string {
	var b strings.Builder
	var print func(n *plan, depth int)
	print = func(n *plan, depth int) {
		fmt.Fprintf(&b, "%s%s", strings.Repeat("  ", depth), n.NodeType)
		if n.Operation != "" {
			fmt.Fprintf(&b, " %s", n.Operation)
		}
		if n.Relation != "" {
			fmt.Fprintf(&b, " on %s %s", n.Relation, n.Alias)
		}
		if n.SubplanName != "" {
			fmt.Fprintf(&b, " [%s]", n.SubplanName)
		}
		for _, c := range []struct{ name, v string }{{"index cond", n.IndexCond}, {"recheck", n.RecheckCond}, {"filter", n.Filter}, {"one-time filter", n.OneTimeFilter},
			{"join filter", n.JoinFilter}, {"hash cond", n.HashCond}, {"merge cond", n.MergeCond}, {"function", n.FunctionCall}} {
			if c.v != "" {
				fmt.Fprintf(&b, " %s: %s", c.name, c.v)
			}
		}
		if len(n.Output) > 0 {
			fmt.Fprintf(&b, " output: %s", strings.Join(n.Output, ", "))
		}
		b.WriteByte('\n')
		for i := range n.Plans {
			print(&n.Plans[i], depth+1)
		}
	}
	print(n, 0)
	return b.String()
}

// theUser is the value explainAs passes as the user's parameter: in the plan, a comparison
// with the user's parameter reads "user_id = 'the-user'::text".
const theUser = "the-user"

// typeValues are the values explainAs passes for the other parameters, by type: real values
// (not NULL, which the planner would fold into constant conditions and drop scans for), each
// a literal of its type ($N: the parameter's number, so that text and uuid parameters differ).
var typeValues = map[string]string{
	"text":                        "p$N",
	"uuid":                        "00000000-0000-0000-0000-0000000000$N",
	"boolean":                     "true",
	"smallint":                    "30",
	"integer":                     "7",
	"bigint":                      "7",
	"bigint[]":                    "{1,2}",
	"uuid[]":                      "{00000000-0000-0000-0000-0000000000$N}",
	"text[]":                      "{p$N}",
	"timestamp with time zone":    "2030-01-02T03:04:05Z",
	"timestamp without time zone": "2030-01-02 03:04:05",
	"date":                        "2030-01-02",
	"time without time zone":      "09:30",
	"bytea":                       `\x00`,
	"jsonb":                       "{}",
	"interval":                    "1 day",
	"task_priority":               "low",
	"task_repeat":                 "daily",
	"timestamptz":                 "2030-01-02T03:04:05Z", // the spellings of casts in queries
	"timestamp":                   "2030-01-02 03:04:05",
}

// castFromText finds a text parameter that a statement casts to another type ($12::text::timestamptz,
// a listing's cursor key): it gets a value of that type.
var castFromText = regexp.MustCompile(`\$(\d+)::text::(\w+)`)

// explainAs plans sql as PostgreSQL would run it with real values — the user's parameter
// (userParam, 1-based) theUser and the others typeValues — and returns the plan. It runs on
// conn, which it leaves as it found it.
//
// The parameters among nulls (1-based) are passed as NULL instead: a statement with branches
// for an absent filter (a listing without list_id) is checked with it absent too.
func explainAs(t *testing.T, conn *pgx.Conn, sql string, userParam int, nulls ...int) (*plan, error) {
	t.Helper()
	ctx := t.Context()
	if _, err := conn.Exec(ctx, "PREPARE explain_as AS "+sql); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DEALLOCATE explain_as")
	var paramTypes []string
	if err := conn.QueryRow(ctx, "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'explain_as'").Scan(&paramTypes); err != nil {
		return nil, fmt.Errorf("parameter types: %w", err)
	}
	castTo := map[int]string{}
	for _, m := range castFromText.FindAllStringSubmatch(sql, -1) {
		n, _ := strconv.Atoi(m[1])
		castTo[n] = m[2]
	}
	values := make([]string, len(paramTypes))
	for i, typ := range paramTypes {
		v, ok := typeValues[typ]
		if to, cast := castTo[i+1]; cast && typ == "text" {
			v, ok = typeValues[to]
		}
		if i+1 == userParam {
			v, ok = theUser, typ == "text"
		}
		if !ok {
			return nil, fmt.Errorf("parameter $%d is %s: give typeValues a value of that type (or the user a text parameter)", i+1, typ)
		}
		v = strings.ReplaceAll(v, "$N", fmt.Sprintf("%02d", i+1))
		values[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'::" + typ
		if slices.Contains(nulls, i+1) {
			values[i] = "NULL::" + typ
		}
	}
	var raw []byte
	err := conn.QueryRow(ctx, "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE explain_as("+strings.Join(values, ", ")+")").Scan(&raw)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	var out []struct{ Plan plan }
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
		return nil, fmt.Errorf("decode plan: %v: %s", err, raw)
	}
	return &out[0].Plan, nil
}

// explainConn returns a connection for explainAs on the database at url, set to plan each
// statement with its values, closed at cleanup.
func explainConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(t.Context(), "SET plan_cache_mode = force_custom_plan"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// conjuncts splits a condition as EXPLAIN prints it, "((a = 1) AND (b = 2))", into its
// top-level AND terms without their parentheses ("a = 1", "b = 2"): the conditions that each
// hold on every row the node returns. Quoted literals and identifiers are skipped over.
func conjuncts(cond string) []string {
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return nil
	}
	for enclosed(cond) {
		cond = strings.TrimSpace(cond[1 : len(cond)-1])
	}
	var terms []string
	depth, start := 0, 0
	for i := 0; i < len(cond); i++ {
		switch c := cond[i]; c {
		case '\'', '"':
			for i++; i < len(cond) && cond[i] != c; i++ {
			}
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(cond[i:], " AND ") {
				terms = append(terms, cond[start:i])
				start = i + len(" AND ")
			}
		}
	}
	if len(terms) == 0 {
		return []string{cond}
	}
	terms = append(terms, cond[start:])
	var out []string
	for _, term := range terms {
		out = append(out, conjuncts(term)...)
	}
	return out
}

// enclosed reports whether s is one parenthesised expression: "(…)", the first parenthesis
// closing at the end.
func enclosed(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"':
			for i++; i < len(s) && s[i] != c; i++ {
			}
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return true
}
