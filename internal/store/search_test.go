package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"
)

// TestTaskListSearchMatchesSubstringSemantics: whichever way a q is served — the trigram
// index (three letters or digits in a row, up to maxSearchIDs matches), or filtering while
// walking the order (shorter, or more matches) — the pages hold exactly the live tasks whose
// lower-cased title or description contains the lower-cased q, in order, as the plain
// substring filter finds them; %, _ and \ are literal.
func TestTaskListSearchMatchesSubstringSemantics(t *testing.T) {
	t.Parallel()
	s, admin := newStore(t)
	const user = "finder"
	ctx := t.Context()
	// maxSearchIDs+100 tasks share a word; a few carry rarer text in title or description.
	if _, err := admin.Exec(ctx, `
		INSERT INTO tasks (user_id, id, title, description, position, created_at, updated_at)
		SELECT $1, gen_random_uuid(), 'Common chore ' || g, CASE WHEN g % 3 = 0 THEN 'with notes ' || g END,
		       'a0' || lpad(g::text, 8, '0'), now() - g * interval '1 minute', now() - g * interval '1 minute'
		FROM generate_series(1, $2) g`, user, maxSearchIDs+100); err != nil {
		t.Fatal(err)
	}
	deleted := create(t, s, user, TaskFields{Title: "Rare bird, deleted"})
	if err := s.TaskDelete(ctx, user, deleted.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []TaskFields{
		{Title: "Rare bird"},
		{Title: "Pay 100% of rent", Description: ptr("a_b and x\\y")},
		{Title: "École", Description: ptr("ÉCOLE DES BEAUX-ARTS")},
		{Title: "plain", Description: ptr("a rare BIRD in the notes")},
		{Title: "decoy", Description: ptr("aXb and xy, 1000 of rent")}, // what _, \ and % as wildcards would match
	} {
		create(t, s, user, f)
	}
	create(t, s, "someone-else", TaskFields{Title: "Rare bird of someone else"})

	for _, q := range []string{"common", "COMMON CHORE 1", "notes 9", "rare bird", "nomatch", "Ab", "a", "100%", "a_b", "a_b and", "and x\\y", "100% of", "0%", "x\\y", "école", "beaux-arts", "é"} {
		t.Run(q, func(t *testing.T) {
			rows, err := admin.Query(ctx, `SELECT id FROM tasks WHERE user_id = $1 AND deleted_at IS NULL
				AND (strpos(lower(title), lower($2)) > 0 OR strpos(lower(description), lower($2)) > 0)
				ORDER BY created_at DESC, id DESC`, user, q)
			if err != nil {
				t.Fatal(err)
			}
			var want []uuid.UUID
			for rows.Next() {
				var id uuid.UUID
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				want = append(want, id)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			var got []uuid.UUID
			p := ListParams{Sort: SortCreated, Desc: true, Limit: 200, Q: ptr(q)}
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatal("the pages do not end")
				}
				page, next, err := s.TaskList(ctx, user, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, task := range page {
					got = append(got, task.ID)
				}
				if next == nil {
					break
				}
				p.After = next
			}
			if !slices.Equal(got, want) {
				t.Errorf("q=%q: %d tasks %s, the substring filter finds %d %s", q, len(got), head(got), len(want), head(want))
			}
			t.Logf("q=%-16q %4d tasks (searchable %v)", q, len(got), searchable(q))
		})
	}
}

func head(ids []uuid.UUID) string {
	if len(ids) > 3 {
		return fmt.Sprint(ids[:3], "…")
	}
	return fmt.Sprint(ids)
}
