package proctest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTB records how a helper ended a test: Fatalf and Skipf stop the calling goroutine, as
// testing.T's do.
type fakeTB struct {
	testing.TB
	failed, skipped string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls fn with f on a goroutine of its own and reports whether fn returned (rather
// than ending the test).
func (f *fakeTB) run(fn func(testing.TB)) (returned bool) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
		returned = true
	}()
	<-done
	return returned
}

func TestMissingToolFailsInCIAndSkipsElsewhere(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ci       string
		wantFail bool
	}{
		{"", false},
		{"0", false},
		{"false", false},
		{"False", false},
		{"true", true},
		{"1", true}, // Jenkins, Buildkite, Drone and others
		{"yes", true},
		{"TRUE", true},
	} {
		t.Run(fmt.Sprintf("CI=%q", tt.ci), func(t *testing.T) {
			t.Parallel()
			f := &fakeTB{TB: t}
			getenv := func(k string) string {
				if k == "CI" {
					return tt.ci
				}
				return ""
			}
			if f.run(func(tb testing.TB) { missingTool(tb, "frobnicator is not installed", getenv) }) {
				t.Fatal("missingTool returned: the test went on without its tool")
			}
			got, other := f.skipped, f.failed
			if tt.wantFail {
				got, other = f.failed, f.skipped
			}
			if !strings.Contains(got, "frobnicator is not installed") || other != "" {
				t.Fatalf("failed %q, skipped %q; want it to %s", f.failed, f.skipped, map[bool]string{true: "fail", false: "skip"}[tt.wantFail])
			}
		})
	}
}

func TestFindTool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tool := filepath.Join(dir, "proctest-fake-tool")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("InAnExtraDirectory", func(t *testing.T) {
		t.Parallel()
		if got := FindTool(t, "proctest-fake-tool", "never needed", dir); got != tool {
			t.Fatalf("FindTool = %q, want %q", got, tool)
		}
	})
	t.Run("MissingEndsTheTest", func(t *testing.T) {
		t.Parallel()
		f := &fakeTB{TB: t}
		if f.run(func(tb testing.TB) { FindTool(tb, "proctest-no-such-tool", "apt-get install it", dir) }) {
			t.Fatal("FindTool returned for a missing tool")
		}
		msg := f.failed + f.skipped // which one depends on this run's CI
		if !strings.Contains(msg, "proctest-no-such-tool is not installed") || !strings.Contains(msg, "apt-get install it") {
			t.Fatalf("message %q does not say what is missing and how to install it", msg)
		}
	})
}
