package pgcluster

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoBinaries reports that no PostgreSQL server binaries were found, so the caller can tell
// the user what to install instead of failing with an exec error.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: " +
	"install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) " +
	"or set PG_BINDIR to the directory that holds them")

// serverBinaries are the programs a cluster needs; a directory qualifies only with all three.
var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// FindBinDir returns the directory holding initdb, pg_ctl and postgres, so that callers work
// with whatever PostgreSQL the machine has. It looks, in order, at $PG_BINDIR, at $PATH,
// at `pg_config --bindir`, at /usr/lib/postgresql/*/bin (highest version first, Debian),
// at /usr/local/opt/postgresql*/bin and /opt/homebrew/opt/postgresql*/bin (Homebrew) and at
// /usr/local/pgsql/bin (source builds). A $PG_BINDIR that lacks a binary is an error rather
// than a reason to look elsewhere. The error wraps [ErrNoBinaries].
func FindBinDir() (string, error) {
	if dir := os.Getenv("PG_BINDIR"); dir != "" {
		if err := checkBinDir(dir); err != nil {
			return "", fmt.Errorf("PG_BINDIR=%s: %w", dir, err)
		}
		return dir, nil
	}
	for _, dir := range candidateBinDirs() {
		if checkBinDir(dir) == nil {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

// candidateBinDirs lists the places to look after $PG_BINDIR, in order of preference.
func candidateBinDirs() []string {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		// Follow symlinks (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb), so
		// the three binaries are found together even when only some are linked into PATH.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); dir != "" {
			dirs = append(dirs, dir)
		}
	}
	dirs = append(dirs, globByVersion("/usr/lib/postgresql/*/bin")...)
	dirs = append(dirs, globByVersion("/usr/local/opt/postgresql*/bin")...)
	dirs = append(dirs, globByVersion("/opt/homebrew/opt/postgresql*/bin")...)
	dirs = append(dirs, "/usr/local/pgsql/bin")
	return dirs
}

// globByVersion returns the matches of pattern, highest PostgreSQL version first. The version
// is the first run of digits and dots in the path's versioned element ("15", "postgresql@16");
// an unversioned match sorts last.
func globByVersion(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	slices.SortStableFunc(matches, func(a, b string) int {
		return compareVersions(pathVersion(b), pathVersion(a))
	})
	return matches
}

// pathVersion extracts the version numbers from the parent directory name of a bin dir.
func pathVersion(binDir string) []int {
	name := filepath.Base(filepath.Dir(binDir))
	start := strings.IndexFunc(name, isDigit)
	if start < 0 {
		return nil
	}
	end := strings.IndexFunc(name[start:], func(r rune) bool { return !isDigit(r) && r != '.' })
	if end < 0 {
		end = len(name) - start
	}
	var v []int
	for part := range strings.SplitSeq(name[start:start+end], ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			break
		}
		v = append(v, n)
	}
	return v
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// compareVersions orders dotted versions numerically; nil (no version) is the lowest.
func compareVersions(a, b []int) int {
	for i := range max(len(a), len(b)) {
		var x, y int = -1, -1
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// checkBinDir reports whether dir holds executable initdb, pg_ctl and postgres.
func checkBinDir(dir string) error {
	for _, name := range serverBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return fmt.Errorf("no executable %s in %s: %w", name, dir, ErrNoBinaries)
		}
	}
	return nil
}
