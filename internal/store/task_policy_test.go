package store

import (
	"slices"
	"strings"
	"testing"
)

// TestEditorPolicyStaysOffReads: the tasks policies a read applies — those FOR ALL or FOR
// SELECT, which also check the new row of an INSERT … RETURNING — are the owner's and
// tasks_member_read only; the editor's rule (app_editor_lists) is on INSERT, UPDATE and DELETE,
// each. As one FOR ALL policy it added a SubPlan to every single read and every create,
// evaluated by none of an owner's (docs/performance.md: 10–14% of PostgreSQL's CPU;
// 0023_tasks_editor_policies.sql).
func TestEditorPolicyStaysOffReads(t *testing.T) {
	t.Parallel()
	_, admin := newStore(t)
	rows, err := admin.Query(t.Context(), `
		SELECT policyname, cmd, coalesce(qual, '') || ' ' || coalesce(with_check, '')
		FROM pg_policies WHERE schemaname = 'public' AND tablename = 'tasks' ORDER BY policyname`)
	if err != nil {
		t.Fatal(err)
	}
	var reads []string
	editor := map[string]bool{}
	for rows.Next() {
		var name, cmd, exprs string
		if err := rows.Scan(&name, &cmd, &exprs); err != nil {
			t.Fatal(err)
		}
		if cmd == "ALL" || cmd == "SELECT" {
			reads = append(reads, name)
		}
		if strings.Contains(exprs, "app_editor_lists") {
			editor[cmd] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"tasks_member_read", "tasks_owner"}; !slices.Equal(reads, want) {
		t.Errorf("policies applying to reads of tasks = %v, want %v", reads, want)
	}
	for _, cmd := range []string{"INSERT", "UPDATE", "DELETE"} {
		if !editor[cmd] {
			t.Errorf("no policy FOR %s checks the editor's lists (app_editor_lists): %v", cmd, editor)
		}
	}
}
