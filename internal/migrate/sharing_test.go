package migrate_test

import (
	"strings"
	"testing"
)

// sharingVersion is db/migrations/0015_sharing.sql.
const sharingVersion = 15

// TestSharingMigrationMirrorsMembersAndRunsAgain: 0015, run as the database's owner under the
// FORCEd policies (as `todo-api migrate` runs in production), mirrors the members written
// before it into list_access, each with its list's liveness; and, run again on its own result
// (it runs outside a transaction: a run that stopped half-way is finished that way), it
// changes nothing and fails on nothing.
func TestSharingMigrationMirrorsMembersAndRunsAgain(t *testing.T) {
	t.Parallel()
	dsn, pool := ownedDatabase(t)
	p := gooseProvider(t, dsn)
	ctx := t.Context()
	if _, err := p.UpTo(ctx, sharingVersion-1); err != nil {
		t.Fatal(err)
	}
	// Ana's live list shared with Ben, and her deleted one, written as Ana.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"SELECT set_config('app.user_id', 'ana', true)",
		"INSERT INTO lists (owner_id, id, name) VALUES ('ana', '00000000-0000-0000-0000-00000000000a', 'Shared')",
		"INSERT INTO lists (owner_id, id, name, deleted_at, updated_at) VALUES ('ana', '00000000-0000-0000-0000-00000000000b', 'Gone', now(), now())",
		"INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ('ana', '00000000-0000-0000-0000-00000000000a', 'ana', 'owner', 'a1')",
		"INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ('ana', '00000000-0000-0000-0000-00000000000a', 'ben', 'editor', 'b1')",
		"INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ('ana', '00000000-0000-0000-0000-00000000000b', 'ana', 'owner', 'a2')",
	} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	const mirror = `SELECT format('%s %s %s %s %s', owner_id, user_id, right(list_id::text, 1), role, live::text) FROM list_access ORDER BY 1`
	const policies = `SELECT format('%s %s', tablename, policyname) FROM pg_policies WHERE schemaname = 'public' ORDER BY 1`
	want := "ana ana a owner true|ana ana b owner false|ana ben a editor true"
	if _, err := p.UpTo(ctx, sharingVersion); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rowsAsText(t, dsn, mirror), "|"); got != want {
		t.Fatalf("list_access after 0015: %q, want %q", got, want)
	}
	policiesBefore := rowsAsText(t, dsn, policies)

	if _, err := pool.Exec(ctx, "DELETE FROM goose_db_version WHERE version_id = $1", sharingVersion); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, sharingVersion); err != nil {
		t.Fatalf("0015 again: %v", err)
	}
	if got := strings.Join(rowsAsText(t, dsn, mirror), "|"); got != want {
		t.Fatalf("list_access after 0015 ran again: %q, want %q", got, want)
	}
	if got := rowsAsText(t, dsn, policies); strings.Join(got, "|") != strings.Join(policiesBefore, "|") {
		t.Fatalf("policies after 0015 ran again:\n%q\nwant\n%q", got, policiesBefore)
	}
}
