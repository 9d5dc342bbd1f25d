package store

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// planReads reports whether the plan has a scan of relation that may run (see has).
func (n planNode) planReads(relation string) bool {
	if n.NodeType == "Result" && n.OneTimeFilter == "false" {
		return false
	}
	return n.RelationName == relation || slices.ContainsFunc(n.Plans, func(c planNode) bool { return c.planReads(relation) })
}

// TestOwnListingIsOneBranch: issue 14's rule after issue 16 — a caller who is a member of no
// other owner's list (here one who owns a list shared with someone else) lists with the
// statement of before sharing: for every order, all tasks and one own list, the store runs
// one statement, TaskList<order>, whose plan reads tasks in one branch (no Append, nothing of
// list_members: the multi-branch form was planned per request at several times the cost), and
// the page's clock is the caller's own (Clock.Last, no View), as MemberClock says too. A first
// page (task_list_first.go) runs TaskFirstPage<order> or TaskFirstPageInList<order> instead,
// one branch too, which reads list_members only in InitPlans: the shared probe, the list's
// membership check.
func TestOwnListingIsOneBranch(t *testing.T) {
	t.Parallel()
	log := &queryLog{}
	pool := newPool(t, dbtest.NewURL(t), func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	s := New(pool, Options{})
	ctx := t.Context()
	const user, friend = "one-branch", "one-branch-friend"
	list := newList(t, pool, user)
	create(t, s, user, TaskFields{Title: "in the inbox"})
	last := create(t, s, user, TaskFields{Title: "in the shared list", ListID: &list})
	if _, err := pool.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'editor', 'b1')`, user, list, friend); err != nil {
		t.Fatal(err)
	}
	medium := Priority("medium") // every task's: a filter that only the general statements take
	for _, k := range orders() {
		for _, scope := range []struct {
			name     string
			list     *uuid.UUID
			priority *Priority
			want     string
			ran      int
		}{
			{"AllTasks", nil, &medium, "TaskList", 1},
			{"OwnList", &list, &medium, "TaskList", 2}, // after the list's check
			{"AllTasksFirstPage", nil, nil, "TaskFirstPage", 1},
			{"OwnListFirstPage", &list, nil, "TaskFirstPageInList", 1},
		} {
			name := orderName(k) + "/" + scope.name
			log.take()
			clock, tasks, _, err := s.TaskListWithClock(ctx, user, ListParams{Sort: k.sort, Desc: k.desc, Limit: 10, ListID: scope.list, Priority: scope.priority})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ran := log.take()
			if len(ran) != scope.ran {
				t.Fatalf("%s: the store ran %d statements, want %d", name, len(ran), scope.ran)
			}
			listing := ran[len(ran)-1]
			if m := queryName.FindStringSubmatch(listing.sql); m == nil || m[1] != scope.want+orderName(k) {
				t.Errorf("%s: the store ran %.40q, want %s%s", name, listing.sql, scope.want, orderName(k))
			}
			if wantTasks := map[bool]int{true: 2, false: 1}[scope.list == nil]; len(tasks) != wantTasks {
				t.Errorf("%s: %d tasks, want %d", name, len(tasks), wantTasks)
			}
			plan := explain(t, pool, listing.sql, listing.args...)
			if plan.has("Append") || plan.has("Merge Append") || scope.want == "TaskList" && plan.planReads("list_members") {
				t.Errorf("%s: %s is not one branch over the caller's tasks:\n%s", name, queryName.FindStringSubmatch(listing.sql)[1], plan)
			}
			if clock.View != "" || clock.Last.Before(last.UpdatedAt) {
				t.Errorf("%s: clock %+v, want the caller's own (Last at or after %v, no View)", name, clock, last.UpdatedAt)
			}
			member, err := s.MemberClock(ctx, user, scope.list)
			if err != nil {
				t.Fatal(err)
			}
			if member.View != clock.View || !member.Last.Equal(clock.Last) {
				t.Errorf("%s: MemberClock %+v, the listing's clock %+v: their ETags differ", name, member, clock)
			}
		}
	}
}

// TestListingFollowsMembership: whatever statement a caller starts with, a page is the whole
// answer with its clock. A caller who joins another owner's list is listed with it at once
// (the own statement's shared_clock_view sends the request on), also one without a task of
// their own (the clock decides), and after leaving with their own tasks again; the page's
// clock is MemberClock's, and a change of membership changes it.
func TestListingFollowsMembership(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const owner = "follow-owner"
	shared := newList(t, pool, owner)
	theirs := create(t, s, owner, TaskFields{Title: "owner's", ListID: &shared})
	tests := []struct {
		name    string
		ownTask bool
	}{
		{"WithOwnTasks", true},
		{"WithoutOwnTasks", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			user := "follow-" + tt.name
			var want []uuid.UUID
			if tt.ownTask {
				want = append(want, create(t, s, user, TaskFields{Title: "mine"}).ID)
			}
			page := func(stage string, want []uuid.UUID) Clock {
				t.Helper()
				for _, k := range orders() {
					clock, tasks, _, err := s.TaskListWithClock(ctx, user, ListParams{Sort: k.sort, Desc: k.desc, Limit: 10})
					if err != nil {
						t.Fatalf("%s %s: %v", stage, orderName(k), err)
					}
					plain, _, err := s.TaskList(ctx, user, ListParams{Sort: k.sort, Desc: k.desc, Limit: 10})
					if err != nil {
						t.Fatalf("%s %s: %v", stage, orderName(k), err)
					}
					for _, got := range [][]Task{tasks, plain} {
						ids := make([]uuid.UUID, len(got))
						for i, task := range got {
							ids[i] = task.ID
						}
						if !sameIDs(ids, want) {
							t.Errorf("%s %s: tasks %v, want %v", stage, orderName(k), ids, want)
						}
					}
					member, err := s.MemberClock(ctx, user, nil)
					if err != nil {
						t.Fatal(err)
					}
					if member.View != clock.View || !member.Last.Equal(clock.Last) {
						t.Errorf("%s %s: MemberClock %+v, the listing's clock %+v", stage, orderName(k), member, clock)
					}
				}
				clock, err := s.MemberClock(ctx, user, nil)
				if err != nil {
					t.Fatal(err)
				}
				return clock
			}
			before := page("before joining", want)
			if _, err := pool.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position) VALUES ($1, $2, $3, 'viewer', 'c1')`, owner, shared, user); err != nil {
				t.Fatal(err)
			}
			joined := page("a member", append(slices.Clone(want), theirs.ID))
			if joined.View == "" || joined.View == before.View {
				t.Errorf("a member's clock %+v, before joining %+v: want the lists' View, changed", joined, before)
			}
			if _, err := pool.Exec(ctx, `DELETE FROM list_members WHERE owner_id = $1 AND list_id = $2 AND user_id = $3`, owner, shared, user); err != nil {
				t.Fatal(err)
			}
			if left := page("after leaving", want); left.View != "" {
				t.Errorf("after leaving, clock %+v: want the caller's own", left)
			}
		})
	}
}

// sameIDs reports whether a and b hold the same ids, in any order.
func sameIDs(a, b []uuid.UUID) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	cmp := func(p, q uuid.UUID) int { return slices.Compare(p[:], q[:]) }
	slices.SortFunc(x, cmp)
	slices.SortFunc(y, cmp)
	return slices.Equal(x, y)
}
