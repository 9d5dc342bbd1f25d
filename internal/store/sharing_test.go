package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// sharingStores are the two ways the service runs: as a role row-level security binds (the
// policies and the statements' own predicates both apply) and as the tests' role, which
// bypasses it (the statements' predicates alone keep users apart).
func sharingStores(t *testing.T) map[string]*Store {
	t.Helper()
	dbURL := dbtest.NewURL(t)
	return map[string]*Store{
		"BoundRole":     New(newPool(t, appRoleURL(t, dbURL), nil), Options{}),
		"BypassingRole": New(newPool(t, dbURL, nil), Options{}),
	}
}

// TestSharing walks a shared list through its life: invites, joining, roles, what a member,
// a non-member and the owner may each do, leaving, removal.
func TestSharing(t *testing.T) {
	t.Parallel()
	for mode, s := range sharingStores(t) {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			ana, ben, cleo, dan := mode+"-ana", mode+"-ben", mode+"-cleo", mode+"-dan"
			g := createList(t, s, ana, "Groceries")
			invite := func(role Role, ttl time.Duration) Invite {
				t.Helper()
				inv, err := s.InviteCreate(ctx, ana, "Ana", g.ID, role, ttl)
				if err != nil {
					t.Fatal(err)
				}
				if len(inv.Token) < 22 || inv.Role != role {
					t.Fatalf("invite %+v", inv)
				}
				return inv
			}

			edit := invite(RoleEditor, time.Hour)
			offer, err := s.InviteLookup(ctx, ben, edit.Token)
			if err != nil || offer.ListName != "Groceries" || offer.Role != RoleEditor || offer.InvitedBy != ana || offer.InvitedByName != "Ana" {
				t.Fatalf("lookup: %+v, %v", offer, err)
			}
			joined, err := s.InviteAccept(ctx, ben, "Ben B", edit.Token)
			if err != nil || joined.ID != g.ID || joined.Role != RoleEditor || joined.MemberCount != 2 || joined.Inbox {
				t.Fatalf("accept: %s, %v", listText(joined), err)
			}
			again, err := s.InviteAccept(ctx, ben, "Ben B", edit.Token)
			if err != nil || listText(again) != listText(joined) {
				t.Fatalf("accepting again: %s, %v; want no change: %s", listText(again), err, listText(joined))
			}
			for _, u := range []string{cleo, dan} {
				if _, err := s.InviteAccept(ctx, u, "", edit.Token); !errors.Is(err, ErrInviteNotFound) {
					t.Fatalf("%s accepting a used invite: %v", u, err)
				}
				if _, err := s.InviteLookup(ctx, u, edit.Token); !errors.Is(err, ErrInviteNotFound) {
					t.Fatalf("%s looking up a used invite: %v", u, err)
				}
			}
			if _, err := s.InviteAccept(ctx, ana, "", invite(RoleViewer, time.Hour).Token); err != nil {
				t.Fatalf("the owner accepting her own invite: %v (want the list, no change)", err)
			}
			if got := listNames(t, s, ben); !slices.Equal(got, []string{InboxName, "Groceries"}) {
				t.Fatalf("Ben's lists: %v", got)
			}

			view := invite(RoleViewer, time.Hour)
			if pending, err := s.InviteListPending(ctx, ana, g.ID); err != nil || len(pending) != 2 || pending[1].ID != view.ID || pending[1].Token != "" {
				t.Fatalf("pending: %+v, %v", pending, err)
			}
			if _, err := s.InviteAccept(ctx, cleo, "", view.Token); err != nil {
				t.Fatal(err)
			}
			members, err := s.MemberList(ctx, cleo, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range members {
				got = append(got, fmt.Sprintf("%s:%s:%s", m.UserID, m.Role, m.Name))
			}
			if want := []string{ana + ":owner:Ana", ben + ":editor:Ben B", cleo + ":viewer:"}; !slices.Equal(got, want) {
				t.Fatalf("members: %v, want %v", got, want)
			}

			// What only the owner may do: a member is refused (ErrForbidden), anyone else
			// finds no list.
			name := ListChanges{Fields: ListFields{Name: "Mine now"}, SetName: true}
			ownerOnly := map[string]func(user string) error{
				"Update":      func(u string) error { _, err := s.ListUpdate(ctx, u, g.ID, name, nil); return err },
				"Delete":      func(u string) error { return s.ListDelete(ctx, u, g.ID, nil) },
				"Restore":     func(u string) error { _, err := s.ListRestore(ctx, u, g.ID); return err },
				"Invite":      func(u string) error { _, err := s.InviteCreate(ctx, u, "", g.ID, RoleEditor, time.Hour); return err },
				"Invites":     func(u string) error { _, err := s.InviteListPending(ctx, u, g.ID); return err },
				"Revoke":      func(u string) error { return s.InviteRevoke(ctx, u, g.ID, view.ID) },
				"SetRole":     func(u string) error { _, err := s.MemberSetRole(ctx, u, g.ID, cleo, RoleEditor); return err },
				"RemoveOther": func(u string) error { return s.MemberRemove(ctx, u, g.ID, ana) },
			}
			before := listText(mustGetList(t, s, ana, g.ID))
			for op, f := range ownerOnly {
				for _, u := range []string{ben, cleo} {
					if err := f(u); !errors.Is(err, ErrForbidden) {
						t.Errorf("%s by member %s: %v, want ErrForbidden", op, u, err)
					}
				}
				if err := f(dan); !errors.Is(err, ErrListNotFound) {
					t.Errorf("%s by non-member: %v, want ErrListNotFound", op, err)
				}
			}
			for _, read := range []func() error{
				func() error { _, err := s.ListGet(ctx, dan, g.ID); return err },
				func() error { _, err := s.MemberList(ctx, dan, g.ID); return err },
				func() error { _, err := s.ListMove(ctx, dan, g.ID, nil); return err },
				func() error { return s.MemberRemove(ctx, dan, g.ID, dan) },
			} {
				if err := read(); !errors.Is(err, ErrListNotFound) {
					t.Errorf("a non-member's read or leave: %v, want ErrListNotFound", err)
				}
			}
			if after := listText(mustGetList(t, s, ana, g.ID)); after != before {
				t.Errorf("refused operations changed the list:\n%s\n%s", before, after)
			}
			if moved, err := s.ListMove(ctx, cleo, g.ID, nil); err != nil || moved.Role != RoleViewer {
				t.Errorf("a viewer moving the list in her own order: %s, %v", listText(moved), err)
			}

			// The owner's rules.
			if _, err := s.InviteCreate(ctx, ana, "", mustInbox(t, s, ana), RoleEditor, time.Hour); !errors.Is(err, ErrInboxNotShared) {
				t.Errorf("inviting to the inbox: %v", err)
			}
			if _, err := s.MemberSetRole(ctx, ana, g.ID, ana, RoleViewer); !errors.Is(err, ErrOwnerRole) {
				t.Errorf("changing the owner's role: %v", err)
			}
			if err := s.MemberRemove(ctx, ana, g.ID, ana); !errors.Is(err, ErrOwnerLeaves) {
				t.Errorf("the owner leaving: %v", err)
			}
			if _, err := s.MemberSetRole(ctx, ana, g.ID, dan, RoleViewer); !errors.Is(err, ErrMemberNotFound) {
				t.Errorf("a role for a non-member: %v", err)
			}
			if m, err := s.MemberSetRole(ctx, ana, g.ID, ben, RoleViewer); err != nil || m.Role != RoleViewer {
				t.Fatalf("Ben made a viewer: %+v, %v", m, err)
			}
			if l := mustGetList(t, s, ben, g.ID); l.Role != RoleViewer {
				t.Errorf("Ben's role after the change: %s", l.Role)
			}

			// Revoked and expired invites lead nowhere.
			revoked := invite(RoleEditor, time.Hour)
			if err := s.InviteRevoke(ctx, ana, g.ID, revoked.ID); err != nil {
				t.Fatal(err)
			}
			expired := invite(RoleEditor, 0)
			for what, token := range map[string]string{"revoked": revoked.Token, "expired": expired.Token, "unknown": "not-a-token", "empty": ""} {
				if _, err := s.InviteLookup(ctx, dan, token); !errors.Is(err, ErrInviteNotFound) {
					t.Errorf("looking up a %s invite: %v", what, err)
				}
				if _, err := s.InviteAccept(ctx, dan, "", token); !errors.Is(err, ErrInviteNotFound) {
					t.Errorf("accepting a %s invite: %v", what, err)
				}
			}

			// Leaving and removal end access at once; the used invite does not bring anyone back.
			if err := s.MemberRemove(ctx, cleo, g.ID, cleo); err != nil {
				t.Fatalf("Cleo leaving: %v", err)
			}
			if err := s.MemberRemove(ctx, ana, g.ID, ben); err != nil {
				t.Fatalf("removing Ben: %v", err)
			}
			for _, u := range []string{ben, cleo} {
				if _, err := s.ListGet(ctx, u, g.ID); !errors.Is(err, ErrListNotFound) {
					t.Errorf("%s after leaving or removal: %v", u, err)
				}
				if got := listNames(t, s, u); !slices.Equal(got, []string{InboxName}) {
					t.Errorf("%s's lists after leaving or removal: %v", u, got)
				}
			}
			if _, err := s.InviteAccept(ctx, ben, "", edit.Token); !errors.Is(err, ErrInviteNotFound) {
				t.Errorf("Ben rejoining with his used invite: %v", err)
			}
			if l := mustGetList(t, s, ana, g.ID); l.MemberCount != 1 {
				t.Errorf("member count after everyone left: %d", l.MemberCount)
			}
		})
	}
}

// TestListETagFollowsMembership: every change of the members (a join, a role, a removal) and
// a member's move of the list in their own order changes the list's version — its ETag —
// for every member, so no client keeps a stale copy under an old ETag.
func TestListETagFollowsMembership(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := t.Context()
	const ana, ben = "etag-ana", "etag-ben"
	g := createList(t, s, ana, "Shared")
	inv, err := s.InviteCreate(ctx, ana, "", g.ID, RoleEditor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]string{mustGetList(t, s, ana, g.ID).Version: "created"}
	step := func(what string, f func() error) {
		t.Helper()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		v := mustGetList(t, s, ana, g.ID).Version
		if prev, ok := seen[v]; ok {
			t.Errorf("after %s the list's version is %d, as after %s", what, v, prev)
		}
		seen[v] = what
	}
	step("a join", func() error { _, err := s.InviteAccept(ctx, ben, "", inv.Token); return err })
	step("a role change", func() error { _, err := s.MemberSetRole(ctx, ana, g.ID, ben, RoleViewer); return err })
	step("a member's move", func() error {
		other := createList(t, s, ben, "Ben's own")
		_, err := s.ListMove(ctx, ben, g.ID, &other.ID)
		return err
	})
	step("a removal", func() error { return s.MemberRemove(ctx, ana, g.ID, ben) })
}

// TestInviteAcceptIsSingleUse: 50 users accept one invite at once; exactly one becomes a
// member, the others find no invite.
func TestInviteAcceptIsSingleUse(t *testing.T) {
	t.Parallel()
	dbURL := dbtest.NewURL(t)
	s := New(newPool(t, appRoleURL(t, dbURL), func(c *pgxpool.Config) { c.MaxConns = 20 }), Options{})
	ctx := t.Context()
	const owner, n = "race-owner", 50
	g := createList(t, s, owner, "Contested")
	inv, err := s.InviteCreate(ctx, owner, "", g.ID, RoleEditor, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.InviteAccept(ctx, fmt.Sprintf("racer-%02d", i), "", inv.Token)
		}()
	}
	close(start)
	wg.Wait()
	joined := 0
	for i, err := range errs {
		switch {
		case err == nil:
			joined++
		case !errors.Is(err, ErrInviteNotFound):
			t.Errorf("racer %d: %v", i, err)
		}
	}
	members, err := s.MemberList(ctx, owner, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if joined != 1 || len(members) != 2 {
		t.Fatalf("%d accepts succeeded, the list has %d members; want exactly one new member", joined, len(members))
	}
}

// TestListHoldsAtMostMaxListMembers: a full list refuses new invites and the accepts of
// invites made before it filled.
func TestListHoldsAtMostMaxListMembers(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const owner = "full-owner"
	g := createList(t, s, owner, "Crowded")
	early, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	last, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// The owner and MaxListMembers-2 members, written as the tests' role.
	if _, err := pool.Exec(ctx, `INSERT INTO list_members (owner_id, list_id, user_id, role, position)
		SELECT $1, $2, 'filler-' || i, 'viewer', 'b' || i FROM generate_series(1, $3::int) i`, owner, g.ID, MaxListMembers-2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InviteAccept(ctx, "the-fiftieth", "", last.Token); err != nil {
		t.Fatalf("the 50th member: %v", err)
	}
	if _, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour); !errors.Is(err, ErrListFull) {
		t.Errorf("an invite to a full list: %v", err)
	}
	if _, err := s.InviteAccept(ctx, "the-fifty-first", "", early.Token); !errors.Is(err, ErrListFull) {
		t.Errorf("the 51st member: %v", err)
	}
	if l := mustGetList(t, s, owner, g.ID); l.MemberCount != MaxListMembers {
		t.Errorf("%d members", l.MemberCount)
	}
}

// TestMaxListMembersAgrees: the store's limit is the database's.
func TestMaxListMembersAgrees(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t)
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT max_list_members()").Scan(&n); err != nil || n != MaxListMembers {
		t.Fatalf("max_list_members() = %d, %v; MaxListMembers = %d", n, err, MaxListMembers)
	}
}

func mustGetList(t *testing.T, s *Store, user string, id uuid.UUID) List {
	t.Helper()
	l, err := s.ListGet(t.Context(), user, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func mustInbox(t *testing.T, s *Store, user string) uuid.UUID {
	t.Helper()
	id, err := s.EnsureInbox(t.Context(), user)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestListHoldsAtMostMaxPendingInvites: a list refuses its MaxPendingInvites+1st pending
// invite, takes one again once an invite is revoked, and deletes invites no longer pending
// after InviteRetention.
func TestListHoldsAtMostMaxPendingInvites(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := t.Context()
	const owner = "invite-heavy"
	g := createList(t, s, owner, "Popular")
	first, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// MaxPendingInvites-1 more, written as the tests' role.
	if _, err := pool.Exec(ctx, `INSERT INTO invites (owner_id, list_id, id, token_hash, role, created_by, expires_at)
		SELECT $1, $2, gen_random_uuid(), sha256(('filler-' || i)::bytea), 'viewer', $1, now() + interval '1 hour'
		FROM generate_series(1, $3::int) i`, owner, g.ID, MaxPendingInvites-1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour); !errors.Is(err, ErrTooManyInvites) || !errors.Is(err, ErrSharingConflict) {
		t.Fatalf("invite %d: %v, want ErrTooManyInvites", MaxPendingInvites+1, err)
	}
	if err := s.InviteRevoke(ctx, owner, g.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour); err != nil {
		t.Fatalf("an invite after a revocation: %v", err)
	}
	count := func() (n int) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM invites WHERE owner_id = $1 AND list_id = $2`, owner, g.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Invites no longer pending are kept for InviteRetention, then deleted by the next
	// create; pending invites are never deleted, however old.
	if _, err := pool.Exec(ctx, `UPDATE invites SET created_at = now() - $3::interval - interval '1 day'
		WHERE owner_id = $1 AND list_id = $2`, owner, g.ID, InviteRetention.String()); err != nil {
		t.Fatal(err)
	}
	var second uuid.UUID
	if err := pool.QueryRow(ctx, `SELECT id FROM invites WHERE owner_id = $1 AND list_id = $2 AND revoked_at IS NULL LIMIT 1`, owner, g.ID).Scan(&second); err != nil {
		t.Fatal(err)
	}
	if err := s.InviteRevoke(ctx, owner, g.ID, second); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != MaxPendingInvites+1 {
		t.Fatalf("%d invites, want %d", n, MaxPendingInvites+1)
	}
	if _, err := s.InviteCreate(ctx, owner, "", g.ID, RoleViewer, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != MaxPendingInvites {
		t.Errorf("%d invites after the create, want %d: the two revoked ones deleted, every pending one kept", n, MaxPendingInvites)
	}
}
