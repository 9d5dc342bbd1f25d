package doccheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/todo-api/todo-api/internal/config"
)

// root is the repository's top directory, seen from this package's.
const root = "../.."

// maxReadmeLines keeps the README a map, not the reference (issue 13).
const maxReadmeLines = 250

// page is one Markdown file of the documentation.
type page struct {
	path string // relative to root, slash-separated
	text string
}

// pages reads README.md and docs/*.md.
func pages(t *testing.T) []page {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no docs/*.md")
	}
	var out []page
	for _, p := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, page{filepath.ToSlash(rel), string(b)})
	}
	return out
}

// linkRE finds Markdown links and images, [text](target) and ![alt](target); the target
// ends at white space or the closing parenthesis.
var linkRE = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)

// fenceRE matches fenced code blocks, whose text is not Markdown.
var fenceRE = regexp.MustCompile("(?ms)^```.*?^```")

// link is a relative link: a file (empty for the page itself) and an optional #fragment.
type link struct{ file, fragment string }

// links returns the relative links of text, outside code.
func links(text string) []link {
	var out []link
	for _, m := range linkRE.FindAllStringSubmatch(fenceRE.ReplaceAllString(text, ""), -1) {
		target := m[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		file, fragment, _ := strings.Cut(target, "#")
		out = append(out, link{file, fragment})
	}
	return out
}

// headingRE finds Markdown headings.
var headingRE = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+?)[ \t]*$`)

// anchors returns the fragment ids GitHub gives text's headings: lower case, punctuation
// dropped, spaces as hyphens (a repeated heading gets -1, -2, … appended).
func anchors(text string) map[string]bool {
	ids := map[string]bool{}
	for _, m := range headingRE.FindAllStringSubmatch(fenceRE.ReplaceAllString(text, ""), -1) {
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		id := b.String()
		for n := 1; ids[id]; n++ {
			id = fmt.Sprintf("%s-%d", b.String(), n)
		}
		ids[id] = true
	}
	return ids
}

// TestRelativeLinksPointAtFiles: every relative link of README.md and docs/*.md names a file
// or directory of the tree, and a #fragment into a Markdown file names one of its headings.
func TestRelativeLinksPointAtFiles(t *testing.T) {
	t.Parallel()
	for _, p := range pages(t) {
		for _, l := range links(p.text) {
			path := filepath.Join(root, filepath.FromSlash(p.path))
			if l.file != "" {
				path = filepath.Join(root, filepath.Dir(filepath.FromSlash(p.path)), filepath.FromSlash(l.file))
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", p.path, l.file)
				continue
			}
			if l.fragment == "" || !strings.HasSuffix(path, ".md") {
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !anchors(string(b))[l.fragment] {
				t.Errorf("%s links to %s#%s, which has no such heading", p.path, l.file, l.fragment)
			}
		}
	}
}

// TestEveryDocsPageIsLinkedFromTheReadme: a page no one can find is a page no one reads.
func TestEveryDocsPageIsLinkedFromTheReadme(t *testing.T) {
	t.Parallel()
	all := pages(t)
	linked := map[string]bool{}
	for _, l := range links(all[0].text) {
		linked[filepath.ToSlash(filepath.Clean(l.file))] = true
	}
	for _, p := range all[1:] {
		if !linked[p.path] {
			t.Errorf("README.md does not link to %s", p.path)
		}
	}
}

// TestReadmeIsTheFrontDoor: short, and it shows the two commands (a CI hook looks for them).
func TestReadmeIsTheFrontDoor(t *testing.T) {
	t.Parallel()
	readme := pages(t)[0].text
	if n := strings.Count(readme, "\n"); n > maxReadmeLines {
		t.Errorf("README.md has %d lines, at most %d: move reference into docs/", n, maxReadmeLines)
	}
	for _, cmd := range []string{"make run", "make test"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md does not show %q", cmd)
		}
	}
}

// tableVarRE finds the variables a table row documents: backquoted upper-case names in its
// first cell ("| `GOGC` / `GOMEMLIMIT` | …").
var tableVarRE = regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")

// tableVars returns the variables documented in the first cells of text's table rows under
// the heading that starts with heading ("" = anywhere in text).
func tableVars(text, heading string) []string {
	if heading != "" {
		i := strings.Index(text, "\n"+heading)
		if i < 0 {
			return nil
		}
		text = text[i+1:]
		if j := strings.Index(text[1:], "\n#"); j >= 0 {
			text = text[:j+1]
		}
	}
	var names []string
	for line := range strings.Lines(text) {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "|") || len(cells) < 3 {
			continue
		}
		for _, m := range tableVarRE.FindAllStringSubmatch(cells[1], -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// configHeading is the README section whose table documents internal/config's variables.
const configHeading = "## Configuration"

// TestReadmeConfigurationTableMatchesTheCode: the README's configuration table lists every
// variable internal/config reads, and nothing else.
func TestReadmeConfigurationTableMatchesTheCode(t *testing.T) {
	t.Parallel()
	documented := tableVars(pages(t)[0].text, configHeading)
	read := config.Variables()
	for _, v := range read {
		if !slices.Contains(documented, v) {
			t.Errorf("internal/config reads %s: add it to README.md's configuration table", v)
		}
	}
	for _, v := range documented {
		if !slices.Contains(read, v) {
			t.Errorf("README.md's configuration table lists %s, which internal/config does not read", v)
		}
	}
}

// getenvRE finds environment lookups by a literal name in Go code (os.Getenv, a getenv
// parameter, os.LookupEnv).
var getenvRE = regexp.MustCompile(`(?:[Gg]etenv|LookupEnv)\("([A-Z][A-Z0-9_]*)"\)`)

// system are variables every program passes on, not settings of this project.
var system = []string{"PATH", "HOME"}

// TestEveryVariableTheCodeReadsIsDocumented: a variable read anywhere in the Go code —
// `dev`, the tests, their helpers — is in the first cell of a table row of README.md or a
// docs/ page.
func TestEveryVariableTheCodeReadsIsDocumented(t *testing.T) {
	t.Parallel()
	var documented []string
	for _, p := range pages(t) {
		documented = append(documented, tableVars(p.text, "")...)
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "gen", "node_modules", ".data", ".bin", "web":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range getenvRE.FindAllStringSubmatch(string(b), -1) {
			if v := m[1]; !slices.Contains(system, v) && !slices.Contains(documented, v) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s reads %s, which no table of README.md or docs/*.md documents", rel, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
