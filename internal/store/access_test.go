package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestMemberTaskWrites: every store write of an existing task, by each role, with and
// without row-level security. An editor's write succeeds as the owner's: the owner's clock
// moves, the editor's does not; a viewer's is ErrForbidden, a non-member's and a removed
// member's ErrNotFound, and none of the three changes the owner's rows.
func TestMemberTaskWrites(t *testing.T) {
	t.Parallel()
	writes := []struct {
		name  string
		write func(ctx context.Context, s *Store, user string, task, gone uuid.UUID) error
	}{
		{"Update", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			_, err := s.TaskUpdate(ctx, user, task, TaskChanges{SetTitle: true, Fields: TaskFields{Title: "changed"}}, nil)
			return err
		}},
		{"Toggle", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			_, err := s.TaskToggle(ctx, user, task)
			return err
		}},
		{"Complete", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			_, err := s.TaskComplete(ctx, user, task)
			return err
		}},
		{"Delete", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			return s.TaskDelete(ctx, user, task, nil)
		}},
		{"Restore", func(ctx context.Context, s *Store, user string, _, gone uuid.UUID) error {
			_, err := s.TaskRestore(ctx, user, gone)
			return err
		}},
		{"Move", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			_, err := s.TaskMove(ctx, user, task, nil)
			return err
		}},
		{"MoveToOwnList", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			// To a list of another owner: the caller's own.
			own, _, err := s.ListCreate(ctx, user, ListFields{Name: "own"}, "", nil)
			if err != nil {
				return err
			}
			_, err = s.TaskUpdate(ctx, user, task, TaskChanges{SetListID: true, Fields: TaskFields{ListID: &own.ID}}, nil)
			return err
		}},
		{"Bulk", func(ctx context.Context, s *Store, user string, task, _ uuid.UUID) error {
			res, _, err := s.TaskBulk(ctx, user, Bulk{Action: BulkComplete, IDs: []uuid.UUID{task}}, "", nil)
			switch {
			case err != nil:
				return err
			case res[0].Status == BulkForbidden:
				return ErrForbidden
			case res[0].Status == BulkNotFound:
				return ErrNotFound
			}
			return nil
		}},
	}
	want := map[string]error{"editor": nil, "viewer": ErrForbidden, "outsider": ErrNotFound, "removed": ErrNotFound}
	stores := sharingStores(t)
	raw := stores["BypassingRole"].pool // reads every user's rows
	for mode, s := range stores {
		for _, w := range writes {
			for role, wantErr := range want {
				t.Run(mode+"/"+w.name+"/"+role, func(t *testing.T) {
					t.Parallel()
					ctx := t.Context()
					owner, user := "o-"+w.name+role+mode, "u-"+w.name+role+mode
					g := createList(t, s, owner, "Shared")
					task := create(t, s, owner, TaskFields{Title: "task", ListID: &g.ID})
					create(t, s, owner, TaskFields{Title: "subtask", ParentID: &task.ID})
					gone := create(t, s, owner, TaskFields{Title: "gone", ListID: &g.ID})
					if err := s.TaskDelete(ctx, owner, gone.ID, nil); err != nil {
						t.Fatal(err)
					}
					if role != "outsider" {
						joined := map[string]Role{"editor": RoleEditor, "viewer": RoleViewer, "removed": RoleEditor}[role]
						inv, err := s.InviteCreate(ctx, owner, "", g.ID, joined, time.Hour)
						if err != nil {
							t.Fatal(err)
						}
						if _, err := s.InviteAccept(ctx, user, "", inv.Token); err != nil {
							t.Fatal(err)
						}
						if role == "removed" {
							if err := s.MemberRemove(ctx, owner, g.ID, user); err != nil {
								t.Fatal(err)
							}
						}
					}
					clock := func(u string) time.Time {
						t.Helper()
						c, err := s.UserClock(ctx, u)
						if err != nil {
							t.Fatal(err)
						}
						return c.Last
					}
					ownerBefore, userBefore := clock(owner), clock(user)
					rowsBefore := userRows(t, raw, owner)
					err := w.write(ctx, s, user, task.ID, gone.ID)
					if wantErr == nil && err != nil || wantErr != nil && !errors.Is(err, wantErr) {
						t.Fatalf("the %s's %s: %v, want %v", role, w.name, err, wantErr)
					}
					// (A bulk action takes the caller's clock for their own tasks among the ids; a
					// move to the caller's own list makes the task theirs; a list created does.)
					if w.name != "Bulk" && w.name != "MoveToOwnList" && !clock(user).Equal(userBefore) {
						t.Errorf("the %s's %s moved their own clock", role, w.name)
					}
					if wantErr != nil {
						if after := userRows(t, raw, owner); after != rowsBefore {
							t.Errorf("the %s's refused %s changed the owner's rows:\n%s\n%s", role, w.name, rowsBefore, after)
						}
						return
					}
					if !clock(owner).After(ownerBefore) {
						t.Errorf("the editor's %s did not move the owner's clock", w.name)
					}
				})
			}
		}
	}
}

// TestBulkAcrossOwnersTakesClocksInOrder: two users, each an editor of the other's list,
// bulk-complete and uncomplete both lists' tasks at once, again and again. Each bulk action
// holds both owners' clocks; taken in the order of the owners' ids, no two ever wait for each
// other in a cycle (a deadlock would surface as ErrUnavailable).
func TestBulkAcrossOwnersTakesClocksInOrder(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	users := []string{"bulk-order-a", "bulk-order-b"}
	var tasks []uuid.UUID
	for i, u := range users {
		l := createList(t, s, u, "Shared")
		tasks = append(tasks, create(t, s, u, TaskFields{Title: "task", ListID: &l.ID}).ID)
		inv, err := s.InviteCreate(ctx, u, "", l.ID, RoleEditor, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.InviteAccept(ctx, users[1-i], "", inv.Token); err != nil {
			t.Fatal(err)
		}
	}
	const rounds = 20
	errs := make(chan error, 2*rounds)
	for i, u := range users {
		action := []BulkAction{BulkComplete, BulkUncomplete}[i]
		ids := []uuid.UUID{tasks[i], tasks[1-i]} // the caller's own first
		go func() {
			for range rounds {
				res, _, err := s.TaskBulk(ctx, u, Bulk{Action: action, IDs: ids}, "", nil)
				if err == nil && (res[0].Status != BulkOK || res[1].Status != BulkOK) {
					err = errors.New("results " + string(res[0].Status) + ", " + string(res[1].Status))
				}
				errs <- err
			}
		}()
	}
	for range 2 * rounds {
		if err := <-errs; err != nil {
			t.Fatalf("a bulk action across two owners' lists: %v", err)
		}
	}
}

// TestMovesAcrossOwnersTakeClocksInOrder: two users, each an editor of the other's list,
// move tasks to each other's lists at once, again and again: each move holds both owners'
// clocks, taken in the order of the owners' ids, so none waits for another in a cycle (a
// deadlock would surface as ErrUnavailable); every task ends in the list it was last moved to.
func TestMovesAcrossOwnersTakeClocksInOrder(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	users := []string{"move-order-a", "move-order-b"}
	lists := make([]uuid.UUID, 2)
	for i, u := range users {
		lists[i] = createList(t, s, u, "Shared").ID
		inv, err := s.InviteCreate(ctx, u, "", lists[i], RoleEditor, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.InviteAccept(ctx, users[1-i], "", inv.Token); err != nil {
			t.Fatal(err)
		}
	}
	const rounds = 10
	errs := make(chan error, 2*rounds)
	for i, u := range users {
		go func() {
			for range rounds {
				task, _, err := s.TaskCreate(ctx, u, TaskFields{Title: "moving", Priority: "medium", ListID: &lists[i]}, "", nil)
				if err == nil {
					var moved Task
					moved, err = s.TaskUpdate(ctx, u, task.ID, TaskChanges{SetListID: true, Fields: TaskFields{ListID: &lists[1-i]}}, nil)
					if err == nil && moved.ListID != lists[1-i] {
						err = errors.New("moved to the wrong list")
					}
				}
				errs <- err
			}
		}()
	}
	for range 2 * rounds {
		if err := <-errs; err != nil {
			t.Fatalf("a move to the other owner's list: %v", err)
		}
	}
}

// TestMoveAcrossOwnersKeepsTheNewOwnersClockAhead: the rows a move to another owner's list
// stamps with the old owner's clock (when it is ahead of the new owner's) are the new
// owner's rows, so the new owner's clock moves to at least that stamp: the new owner's next
// write is stamped after them, and a client that synced their feed (or the list's) up to
// the moved rows still sees it.
func TestMoveAcrossOwnersKeepsTheNewOwnersClockAhead(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	for mode, s := range map[string]*Store{
		"BoundRole":     New(newPool(t, appRoleURL(t, dbURL), nil), Options{}),
		"BypassingRole": New(admin, Options{}),
	} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			from, to := mode+"-clock-ahead-from", mode+"-clock-ahead-to"
			target := createList(t, s, to, "Target")
			inv, err := s.InviteCreate(ctx, to, "", target.ID, RoleEditor, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.InviteAccept(ctx, from, "", inv.Token); err != nil {
				t.Fatal(err)
			}
			task := create(t, s, from, TaskFields{Title: "moving"})
			// The old owner's clock runs an hour ahead (a burst of writes within one
			// microsecond each moves it past the wall clock; an hour makes the test
			// independent of timing).
			if _, err := admin.Exec(ctx, `UPDATE user_clocks SET last = now() + interval '1 hour' WHERE user_id = $1`, from); err != nil {
				t.Fatal(err)
			}
			moved, err := s.TaskUpdate(ctx, from, task.ID, TaskChanges{SetListID: true, Fields: TaskFields{ListID: &target.ID}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			next := create(t, s, to, TaskFields{Title: "after the move", ListID: &target.ID})
			if !next.UpdatedAt.After(moved.UpdatedAt) {
				t.Fatalf("the new owner's next write is stamped %v, the moved task %v: a feed synced up to the move misses it", next.UpdatedAt, moved.UpdatedAt)
			}
		})
	}
}
