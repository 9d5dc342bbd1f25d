package migrate_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/pgcluster"
	"github.com/todo-api/todo-api/internal/proctest"
)

// pgDumpPath returns pg_dump from the PostgreSQL the tests' cluster runs on (pgcluster's
// bin directory, $PG_BINDIR when set), else the one on $PATH.
func pgDumpPath(t *testing.T) string {
	t.Helper()
	var dirs []string
	if dir, err := pgcluster.FindBinDir(); err == nil {
		p := filepath.Join(dir, "pg_dump")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dirs = append(dirs, dir)
	}
	return proctest.FindTool(t, "pg_dump", "PostgreSQL's client programs (apt-get install postgresql-client)", dirs...)
}

// restrictLine matches the \restrict and \unrestrict lines that pg_dump (15.14 and later)
// writes around a dump, each with a random key that differs from one dump to the next.
var restrictLine = regexp.MustCompile(`(?m)^\\(un)?restrict [0-9A-Za-z]+$`)

// schemaDump returns `pg_dump --schema-only` of the database at dsn. The only thing it
// normalises is what differs between two dumps of the same schema: the random keys of the
// \restrict lines. Everything else — the version header, object order, names, privileges —
// is the same for the same schema from the same server and pg_dump.
func schemaDump(t *testing.T, pgDump, dsn string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), pgDump, "--schema-only", "--dbname", dsn)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, stderr.String())
	}
	return restrictLine.ReplaceAllString(stdout.String(), `\${1}restrict KEY`)
}

// lineDiff shows how b differs from a, line by line: lines only in a start with "-", lines
// only in b with "+", and up to two unchanged lines around each change are kept as context.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	// lcs[i][j] is the length of the longest common subsequence of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			lines = append(lines, line{' ', x[i]})
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			lines = append(lines, line{'+', y[j]})
			j++
		default:
			lines = append(lines, line{'-', x[i]})
			i++
		}
	}
	const context = 2
	show := make([]bool, len(lines))
	for k, l := range lines {
		if l.op != ' ' {
			for c := max(k-context, 0); c <= min(k+context, len(lines)-1); c++ {
				show[c] = true
			}
		}
	}
	var out strings.Builder
	for k, l := range lines {
		switch {
		case show[k]:
			fmt.Fprintf(&out, "%c %s\n", l.op, l.text)
		case k > 0 && show[k-1]:
			out.WriteString("…\n")
		}
	}
	return out.String()
}
