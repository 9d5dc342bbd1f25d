package securitytest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// The roles sweep (issue 16). A's list is shared with an editor and a viewer. Every
// operation of the contract on one list (under /api/lists/{id}), in every request shape the
// sweep builds, is made by each of them: an operation whose contract declares 403 is one only
// the owner may make, and each member gets 403 (urn:todo-api:problem:forbidden) with A's
// list, members and rows unchanged; any other is a member's, and succeeds (or refuses only a
// reference the generated body makes up, as in the foreign sweep's control). (A non-member's
// 404, identical to a missing id's, is TestSweepForeignTaskIsUntouchable; the task
// operations' roles come with the task statements through membership.)

const typeForbidden = "urn:todo-api:problem:forbidden"

func TestSweepRolesOnLists(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	doc := loadContract(t)
	swept := 0
	for _, o := range contractOperations(doc) {
		if !o.takesID() || o.resource() != "lists" {
			continue
		}
		swept++
		t.Run(o.ID, func(t *testing.T) {
			t.Parallel()
			ownerOnly := o.Op.Responses.Value("403") != nil
			a := userID(t, "a")
			tokA := env.Token(t, a)
			list, fill := sharedList(t, env, tokA, listVictimBody("roles-"+o.ID), nil)
			members := map[string]string{}
			for _, role := range []string{"editor", "viewer"} {
				user := userID(t, role)
				members[role] = env.Token(t, user)
				joinAs(t, env, tokA, members[role], list, role)
			}
			for role, tok := range members {
				for _, at := range attempts(t, doc, o) {
					at.fill = fill
					before := snapshot(t, env, "lists", a, tokA, list)
					beforeMembers := membersOf(t, env, tokA, list)
					r := env.Do(t, at.req(o, list.String(), tok, before.etag, "roles-"+role))
					switch {
					case ownerOnly:
						if r.Status != http.StatusForbidden {
							t.Fatalf("the %s's %s (%s): %d, want 403; body %s", role, o, at.name, r.Status, r.Body)
						}
						if p := r.Problem(t); p.Type != typeForbidden {
							t.Errorf("the %s's %s: problem type %s", role, o, p.Type)
						}
						sameState(t, role+" "+o.String(), before, snapshot(t, env, "lists", a, tokA, list))
						if after := membersOf(t, env, tokA, list); after != beforeMembers {
							t.Errorf("the %s's refused %s changed the members:\n%s\n%s", role, o, beforeMembers, after)
						}
					case (r.Status < 200 || r.Status > 299) && r.Status != http.StatusNotModified && !refusesOnlyReferences(t, r):
						t.Errorf("the %s's %s (%s), a member's operation: %d %s", role, o, at.name, r.Status, r.Body)
					}
				}
			}
		})
	}
	if swept < 8 {
		t.Fatalf("swept %d list operations; the walk of the contract misses some", swept)
	}
}

// joinAs makes tok a member of A's list with role, through an invite A makes.
func joinAs(t *testing.T, env *apitest.Env, tokA, tok string, list uuid.UUID, role string) {
	t.Helper()
	r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists/" + list.String() + "/invites", Token: tokA, Body: map[string]any{"role": role}})
	if r.Status != http.StatusCreated {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	var inv api.Invite
	r.JSON(t, &inv)
	if r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/invites/" + inv.Token + "/accept", Token: tok}); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
}

// membersOf is the owner's view of the list's members and pending invites.
func membersOf(t *testing.T, env *apitest.Env, tokA string, list uuid.UUID) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"/members", "/invites"} {
		r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/lists/" + list.String() + p, Token: tokA})
		if r.Status != http.StatusOK {
			t.Fatalf("owner's GET %s: %d %s", p, r.Status, r.Body)
		}
		b.Write(r.Body)
	}
	return b.String()
}
