package proctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// InCI reports whether the tests run in continuous integration, where every test must run:
// the CI environment variable is set to anything but "0" or "false" (GitHub Actions and
// GitLab set "true", other systems "1"; .ci/run exports CI=true).
func InCI() bool { return inCI(os.Getenv) }

func inCI(getenv func(string) string) bool {
	v := getenv("CI")
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// MissingTool ends a test that cannot run because the machine lacks something it needs — a
// program (pgbouncer, npm) or a capability (user namespaces) — saying why. On a developer's
// machine the test is skipped; in CI (see [InCI]) it fails, since a skip there would let a
// run pass in which the test never ran. Every such skip goes through here.
func MissingTool(t testing.TB, why string) {
	t.Helper()
	missingTool(t, why, os.Getenv)
}

func missingTool(t testing.TB, why string, getenv func(string) string) {
	t.Helper()
	if inCI(getenv) {
		t.Fatalf("%s (CI=%s: in CI a missing tool fails the test)", why, getenv("CI"))
	}
	t.Skipf("%s (skipped here; in CI this fails)", why)
}

// FindTool returns the path of the program name, looked up on $PATH and then in dirs (e.g.
// /usr/sbin, which is not on an ordinary user's PATH); without it the test ends through
// [MissingTool] with what to install.
func FindTool(t testing.TB, name, install string, dirs ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0 {
			return p
		}
	}
	where := strings.Join(append([]string{"$PATH"}, dirs...), ", ")
	MissingTool(t, name+" is not installed (looked in "+where+"): "+install)
	return ""
}
