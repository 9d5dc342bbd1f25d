package securitytest

import (
	"fmt"
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
// 404, identical to a missing id's, is TestSweepForeignTaskIsUntouchable; the operations on
// one of the list's tasks are TestSweepRolesOnTasks.)

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

// TestSweepRolesOnTasks: A's task in a list A shares. Every operation of the contract on one
// task (/api/tasks/{id}…), in every request shape the sweep builds, is made by a viewer, a
// non-member and a member A removed, then by an editor: an operation whose contract declares
// 403 is a write, and the viewer gets 403 (urn:todo-api:problem:forbidden) with A's task and
// rows unchanged; the non-member and the removed member get exactly what a missing id gets
// (404, the same problem apart from instance), with nothing changed; the editor's request
// succeeds (or refuses only a reference the generated body makes up), on a task of its own
// for each shape.
func TestSweepRolesOnTasks(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	doc := loadContract(t)
	swept := 0
	for _, o := range contractOperations(doc) {
		if !o.takesID() || o.resource() != "tasks" {
			continue
		}
		swept++
		t.Run(o.ID, func(t *testing.T) {
			t.Parallel()
			write := o.Op.Responses.Value("403") != nil
			a := userID(t, "a")
			tokA := env.Token(t, a)
			list := createList(t, env, tokA, listVictimBody("task-roles-"+o.ID), nil)
			victimIn := func(marker string) uuid.UUID {
				b := victimBody(marker)
				b["list_id"] = list
				return create(t, env, tokA, b, nil).Id
			}
			victim := victimIn("task-roles-" + o.ID)
			toks := map[string]string{"non-member": env.Token(t, userID(t, "outsider"))}
			// The removed member was an editor.
			for role, joined := range map[string]string{"editor": "editor", "viewer": "viewer", "removed": "editor"} {
				user := userID(t, role)
				toks[role] = env.Token(t, user)
				joinAs(t, env, tokA, toks[role], list, joined)
				if role == "removed" {
					r := env.Do(t, apitest.Req{Method: http.MethodDelete, Path: "/api/lists/" + list.String() + "/members/" + user, Token: tokA})
					if r.Status != http.StatusNoContent {
						t.Fatalf("remove member: %d %s", r.Status, r.Body)
					}
				}
			}
			for _, role := range []string{"viewer", "non-member", "removed"} {
				tok := toks[role]
				for _, at := range attempts(t, doc, o) {
					before := snapshot(t, env, "tasks", a, tokA, victim)
					r := env.Do(t, at.req(o, victim.String(), tok, before.etag, "roles-"+role))
					switch {
					case role != "viewer":
						if r.Status != http.StatusNotFound {
							t.Fatalf("the %s's %s (%s): %d, want 404 as for a missing id; body %s", role, o, at.name, r.Status, r.Body)
						}
						missing := env.Do(t, at.req(o, uuid.NewString(), tok, before.etag, "roles-"+role))
						if missing.Status != r.Status || problemShape(t, missing) != problemShape(t, r) {
							t.Errorf("the %s's %s: A's task and no task answer differently:\nA's:  %d %s\nnone: %d %s", role, o, r.Status, r.Body, missing.Status, missing.Body)
						}
					case write:
						if r.Status != http.StatusForbidden {
							t.Fatalf("the viewer's %s (%s): %d, want 403; body %s", o, at.name, r.Status, r.Body)
						}
						if p := r.Problem(t); p.Type != typeForbidden {
							t.Errorf("the viewer's %s: problem type %s", o, p.Type)
						}
					case (r.Status < 200 || r.Status > 299) && r.Status != http.StatusNotModified:
						t.Errorf("the viewer's %s (%s), a read: %d %s", o, at.name, r.Status, r.Body)
					}
					sameState(t, role+" "+o.String()+" "+at.name, before, snapshot(t, env, "tasks", a, tokA, victim))
				}
			}
			for i, at := range attempts(t, doc, o) {
				own := victimIn(fmt.Sprintf("editor-%d", i))
				tag := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks/" + own.String(), Token: toks["editor"]}).Header.Get("ETag")
				r := env.Do(t, at.req(o, own.String(), toks["editor"], tag, "roles-editor"))
				if (r.Status < 200 || r.Status > 299) && r.Status != http.StatusNotModified && !refusesOnlyReferences(t, r) {
					t.Errorf("the editor's %s (%s): %d %s", o, at.name, r.Status, r.Body)
				}
			}
		})
	}
	if swept < 7 {
		t.Fatalf("swept %d task operations; the walk of the contract misses some", swept)
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
