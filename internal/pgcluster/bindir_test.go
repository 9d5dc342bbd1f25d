package pgcluster

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeBinDir makes a directory with executable stand-ins for the server binaries.
func fakeBinDir(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindBinDir(t *testing.T) {
	t.Run("PGBinDirWins", func(t *testing.T) {
		dir := fakeBinDir(t, serverBinaries...)
		t.Setenv("PG_BINDIR", dir)
		if got, err := FindBinDir(); err != nil || got != dir {
			t.Fatalf("FindBinDir() = %q, %v; want %q", got, err, dir)
		}
	})
	t.Run("IncompletePGBinDirIsAnError", func(t *testing.T) {
		t.Setenv("PG_BINDIR", fakeBinDir(t, "initdb", "pg_ctl"))
		_, err := FindBinDir()
		if !errors.Is(err, ErrNoBinaries) || !strings.Contains(err.Error(), "postgres") {
			t.Fatalf("FindBinDir() error = %v, want ErrNoBinaries naming postgres", err)
		}
	})
	t.Run("PathBeforeSystemDirs", func(t *testing.T) {
		dir := fakeBinDir(t, serverBinaries...)
		t.Setenv("PG_BINDIR", "")
		t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		if got, err := FindBinDir(); err != nil || got != dir {
			t.Fatalf("FindBinDir() = %q, %v; want %q", got, err, dir)
		}
	})
	t.Run("FindsThisMachinesPostgreSQL", func(t *testing.T) {
		t.Setenv("PG_BINDIR", "")
		dir, err := FindBinDir()
		if err != nil {
			t.Fatal(err)
		}
		if err := checkBinDir(dir); err != nil {
			t.Fatal(err)
		}
	})
}

func TestErrNoBinariesSaysWhatToInstall(t *testing.T) {
	t.Parallel()
	for _, want := range []string{"apt-get install postgresql", "brew install postgresql@16", "PG_BINDIR"} {
		if !strings.Contains(ErrNoBinaries.Error(), want) {
			t.Errorf("ErrNoBinaries = %q, missing %q", ErrNoBinaries, want)
		}
	}
}

func TestGlobByVersionPrefersHighest(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, d := range []string{"debian/9.6", "debian/15", "debian/16", "brew/postgresql", "brew/postgresql@14", "brew/postgresql@16"} {
		if err := os.MkdirAll(filepath.Join(root, d, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for pattern, want := range map[string][]string{
		"debian/*/bin":         {"debian/16/bin", "debian/15/bin", "debian/9.6/bin"},
		"brew/postgresql*/bin": {"brew/postgresql@16/bin", "brew/postgresql@14/bin", "brew/postgresql/bin"},
	} {
		var got []string
		for _, m := range globByVersion(filepath.Join(root, pattern)) {
			rel, _ := filepath.Rel(root, m)
			got = append(got, rel)
		}
		if !slices.Equal(got, want) {
			t.Errorf("globByVersion(%s) = %v, want %v", pattern, got, want)
		}
	}
}
