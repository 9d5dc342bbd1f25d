package migrate_test

import (
	"path"
	"strings"
	"testing"
)

// keptExtensions are the extensions migrations create and their Downs deliberately keep.
var keptExtensions = []string{"pg_trgm", "btree_gin"}

// TestEachDownRestoresThePreviousSchema applies the embedded migrations one at a time and,
// for each, compares the schema before it (pg_dump --schema-only) with the schema after its
// Up and then its Down: a Down that forgets an index, a constraint, a type, a policy or a
// grant, or restores one differently, fails here. New migrations are covered as they are
// added (the provider lists the embedded files).
func TestEachDownRestoresThePreviousSchema(t *testing.T) {
	t.Parallel()
	pgDump := pgDumpPath(t)
	dsn, pool := emptyDatabase(t)
	p := gooseProvider(t, dsn)
	ctx := t.Context()
	// Extensions belong to the database, not to one migration: a Down leaves the extensions
	// its Up created IF NOT EXISTS, since an administrator may have created them first and other
	// objects may use them (0009). So the database starts with them, as such a database would.
	for _, ext := range keptExtensions {
		if _, err := pool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext); err != nil {
			t.Fatal(err)
		}
	}
	// goose creates its version table on first use: create it before the first dump, so that
	// "before 0001" has it too.
	if _, err := p.GetDBVersion(ctx); err != nil {
		t.Fatal(err)
	}
	sources := p.ListSources()
	if len(sources) == 0 {
		t.Fatal("no embedded migrations")
	}
	for _, src := range sources {
		name := path.Base(src.Path)
		before := schemaDump(t, pgDump, dsn)
		if _, err := p.UpByOne(ctx); err != nil {
			t.Fatalf("%s up: %v", name, err)
		}
		if _, err := p.Down(ctx); err != nil {
			t.Fatalf("%s down: %v", name, err)
		}
		if after := schemaDump(t, pgDump, dsn); after != before {
			t.Errorf("%s: its Down does not restore the schema its Up started from (- before Up, + after Up and Down):\n%s",
				name, lineDiff(before, after))
		}
		if _, err := p.UpByOne(ctx); err != nil { // on to the next migration
			t.Fatalf("%s up again: %v", name, err)
		}
	}
	// The dumps see the database the migrations ran on (an empty dump would compare equal).
	if final := schemaDump(t, pgDump, dsn); !strings.Contains(final, "CREATE TABLE public.tasks (") {
		t.Fatalf("the dump after every migration has no tasks table:\n%s", final)
	}
}
