package store

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestMembershipRowLevelSecurity proves the member branches of the policies of
// 0015_sharing.sql alone: statements without any predicate, run as a role the policies bind
// with the caller in app.user_id. Ana owns a shared list (and an inbox she shares with
// nobody); Ben is its editor, Cleo its viewer, Dan no member, Eve a member who was removed.
func TestMembershipRowLevelSecurity(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	app := newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.MaxConns = 1 })
	s := New(app, Options{})
	ctx := t.Context()
	const ana, ben, cleo, dan, eve = "rls-ana", "rls-ben", "rls-cleo", "rls-dan", "rls-eve"

	shared, _, err := s.ListCreate(ctx, ana, ListFields{Name: "Groceries"}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		create(t, s, ana, TaskFields{Title: "shared", Priority: "low", Tags: []string{"food"}, ListID: &shared.ID})
	}
	create(t, s, ana, TaskFields{Title: "private", Priority: "low"}) // in Ana's inbox
	inbox, err := s.EnsureInbox(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{ben, cleo, dan, eve} {
		create(t, s, u, TaskFields{Title: "own of " + u, Priority: "low"})
	}
	// Members written as the tests' role (bypassing the policies): the join through an
	// invite has a test of its own.
	for _, m := range []struct{ user, role string }{{ben, "editor"}, {cleo, "viewer"}, {eve, "editor"}} {
		if _, err := admin.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, $4, 'b0')`,
			ana, shared.ID, m.user, m.role); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := admin.Exec(ctx, `DELETE FROM list_members WHERE list_id = $1 AND user_id = $2`, shared.ID, eve); err != nil {
		t.Fatal(err)
	}

	as := func(t *testing.T, user string, fn func(q *statements)) {
		t.Helper()
		conn, err := app.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		fn(withUserSetting(conn, user))
	}
	count := func(t *testing.T, q *statements, sql string, args ...any) int {
		t.Helper()
		var n int
		if err := q.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	refused := func(t *testing.T, q *statements, sql string, args ...any) {
		t.Helper()
		_, err := q.Exec(t.Context(), sql, args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: %v, want insufficient_privilege (42501, row-level security)", sql, err)
		}
	}

	t.Run("UnscopedReadsSeeExactlyTheMembersLists", func(t *testing.T) {
		for _, tc := range []struct {
			user                                      string
			anasTasks, anasLists, members, anasClocks int
		}{
			{ana, 4, 2, 4, 1},  // her inbox and the shared list; members: her 2 owner rows, Ben, Cleo
			{ben, 3, 1, 3, 1},  // the shared list only: not Ana's inbox
			{cleo, 3, 1, 3, 1}, // a viewer reads as much
			{dan, 0, 0, 0, 0},  // no member
			{eve, 0, 0, 0, 0},  // removed
		} {
			as(t, tc.user, func(q *statements) {
				got := []int{
					count(t, q, "SELECT count(*) FROM tasks WHERE user_id = $1", ana),
					count(t, q, "SELECT count(*) FROM lists WHERE owner_id = $1", ana),
					count(t, q, "SELECT count(*) FROM list_members WHERE owner_id = $1", ana),
					count(t, q, "SELECT count(*) FROM user_clocks WHERE user_id = $1", ana),
				}
				want := []int{tc.anasTasks, tc.anasLists, tc.members, tc.anasClocks}
				for i, what := range []string{"tasks", "lists", "list_members", "user_clocks"} {
					if got[i] != want[i] {
						t.Errorf("%s sees %d of Ana's %s, want %d", tc.user, got[i], what, want[i])
					}
				}
				if n := count(t, q, "SELECT count(*) FROM user_tags WHERE user_id = $1", ana); (n > 0) != (tc.user == ana || tc.user == ben) {
					t.Errorf("%s sees %d of Ana's tags; only Ana and her editor may", tc.user, n)
				}
			})
		}
	})

	t.Run("EditorWritesTheListsTasksOnly", func(t *testing.T) {
		as(t, ben, func(q *statements) {
			if n := execRows(t, q, "UPDATE tasks SET title = title || '!' WHERE user_id = $1", ana); n != 3 {
				t.Errorf("Ben's unscoped UPDATE changed %d of Ana's tasks, want the shared list's 3", n)
			}
			// A new task in the shared list, as the editor: the usage and search triggers
			// write Ana's clock, tags and search rows as Ben.
			if n := execRows(t, q, `INSERT INTO tasks (user_id, id, title, list_id, position, tags) VALUES ($1, gen_random_uuid(), 'by ben', $2, 'Zzben1', '{ben-tag}')`, ana, shared.ID); n != 1 {
				t.Errorf("Ben's insert into the shared list: %d rows", n)
			}
			refused(t, q, `INSERT INTO tasks (user_id, id, title, list_id, position) VALUES ($1, gen_random_uuid(), 'planted', $2, 'Zz')`, ana, inbox)
			refused(t, q, `UPDATE tasks SET list_id = $2 WHERE user_id = $1`, ana, inbox)
			if n := execRows(t, q, "UPDATE lists SET name = 'renamed' WHERE owner_id = $1", ana); n != 0 {
				t.Errorf("Ben renamed %d of Ana's lists; only the owner may", n)
			}
			if n := execRows(t, q, "DELETE FROM list_members WHERE user_id <> $1", ben); n != 0 {
				t.Errorf("Ben removed %d other members; only the owner may", n)
			}
			refused(t, q, "UPDATE list_members SET role = 'viewer' WHERE user_id = $1 AND owner_id = $2", ben, ana)
		})
		var tags int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM user_tags WHERE user_id = $1 AND tag = 'ben-tag'", ana).Scan(&tags); err != nil || tags != 1 {
			t.Errorf("Ana's tag from Ben's task: %d rows, %v", tags, err)
		}
	})

	t.Run("ViewerAndStrangersWriteNothing", func(t *testing.T) {
		before := userRows(t, admin, ana)
		for _, u := range []string{cleo, dan, eve} {
			as(t, u, func(q *statements) {
				if n := execRows(t, q, "UPDATE tasks SET title = 'defaced' WHERE user_id = $1", ana); n != 0 {
					t.Errorf("%s changed %d of Ana's tasks", u, n)
				}
				if n := execRows(t, q, "DELETE FROM tasks WHERE user_id = $1", ana); n != 0 {
					t.Errorf("%s deleted %d of Ana's tasks", u, n)
				}
				refused(t, q, `INSERT INTO tasks (user_id, id, title, list_id, position) VALUES ($1, gen_random_uuid(), 'planted', $2, 'Zz')`, ana, shared.ID)
				refused(t, q, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'editor', 'c0')`, ana, shared.ID, u)
				if n := execRows(t, q, "UPDATE user_clocks SET last = last WHERE user_id = $1", ana); n != 0 {
					t.Errorf("%s took Ana's clock", u)
				}
			})
		}
		as(t, cleo, func(q *statements) {
			refused(t, q, "UPDATE list_members SET role = 'editor' WHERE user_id = $1 AND owner_id = $2", cleo, ana)
		})
		if after := userRows(t, admin, ana); after != before {
			t.Fatalf("Ana's rows changed:\n%s\n---\n%s", before, after)
		}
		as(t, cleo, func(q *statements) {
			if n := execRows(t, q, "UPDATE list_members SET position = 'c1' WHERE user_id = $1 AND owner_id = $2", cleo, ana); n != 1 {
				t.Errorf("Cleo reordering her own sidebar: %d rows, want 1", n)
			}
		})
	})

	t.Run("LeavingAndDeletionEndAccessAtOnce", func(t *testing.T) {
		as(t, cleo, func(q *statements) {
			if n := execRows(t, q, "DELETE FROM list_members WHERE owner_id = $1", ana); n != 1 {
				t.Errorf("Cleo leaving removed %d rows, want her own", n)
			}
			if n := count(t, q, "SELECT count(*) FROM tasks WHERE user_id = $1", ana); n != 0 {
				t.Errorf("Cleo still sees %d of Ana's tasks after leaving", n)
			}
		})
		if err := s.ListDelete(ctx, ana, shared.ID, nil); err != nil {
			t.Fatal(err)
		}
		as(t, ben, func(q *statements) {
			if n := count(t, q, "SELECT count(*) FROM tasks WHERE user_id = $1", ana) + count(t, q, "SELECT count(*) FROM lists WHERE owner_id = $1", ana); n != 0 {
				t.Errorf("Ben sees %d of Ana's rows after she deleted the list", n)
			}
			if n := execRows(t, q, "UPDATE tasks SET title = 'late' WHERE user_id = $1", ana); n != 0 {
				t.Errorf("Ben changed %d tasks of the deleted list", n)
			}
		})
		if _, err := s.ListRestore(ctx, ana, shared.ID); err != nil {
			t.Fatal(err)
		}
		as(t, ben, func(q *statements) {
			if n := count(t, q, "SELECT count(*) FROM tasks WHERE user_id = $1 AND list_id = $2", ana, shared.ID); n != 4 {
				t.Errorf("Ben sees %d tasks of the restored list, want 4 (his role kept)", n)
			}
		})
	})
}

// execRows runs sql and returns the number of rows it changed.
func execRows(t *testing.T, q *statements, sql string, args ...any) int64 {
	t.Helper()
	tag, err := q.Exec(t.Context(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return tag.RowsAffected()
}
