package httpapi_test

import (
	"bytes"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
)

const (
	typeForbidden = "urn:todo-api:problem:forbidden"
	typeSharing   = "urn:todo-api:problem:sharing"
)

// instanceField matches a problem's instance member, the one part of two 404s that may differ.
var instanceField = regexp.MustCompile(`"instance":"[^"]*"`)

// sameProblem fails unless a and b are the same problem byte for byte, apart from instance.
func sameProblem(t *testing.T, what string, a, b *apitest.Response) {
	t.Helper()
	if a.Status != b.Status || a.Header.Get("Content-Type") != b.Header.Get("Content-Type") ||
		!bytes.Equal(instanceField.ReplaceAll(a.Body, nil), instanceField.ReplaceAll(b.Body, nil)) {
		t.Errorf("%s: %d %s\nwant what a missing id gets: %d %s", what, a.Status, a.Body, b.Status, b.Body)
	}
}

// sharingFixture is a list of Ana's shared with Ben (editor) and Cleo (viewer); Dan is no
// member.
type sharingFixture struct {
	*fixture
	ana, ben, cleo, dan         string // tokens
	anaID, benID, cleoID, danID string
	list                        api.List
}

func setupSharing(t *testing.T, f *fixture) *sharingFixture {
	t.Helper()
	s := &sharingFixture{fixture: f,
		anaID: userFor(t, "ana"), benID: userFor(t, "ben"), cleoID: userFor(t, "cleo"), danID: userFor(t, "dan")}
	s.ana = f.Token(t, s.anaID, authtest.WithClaim("name", "Ana Lima"))
	s.ben = f.Token(t, s.benID, authtest.WithClaim("name", "Ben"))
	s.cleo = f.Token(t, s.cleoID, authtest.WithoutClaim("name"), authtest.WithClaim("email", "cleo@example.com"))
	s.dan = f.Token(t, s.danID)
	s.list = f.createList(t, s.ana, map[string]any{"name": "Groceries"})
	s.join(t, s.ben, s.invite(t, "editor").Token)
	s.join(t, s.cleo, s.invite(t, "viewer").Token)
	return s
}

// invite makes an invite to the shared list as Ana.
func (s *sharingFixture) invite(t *testing.T, role string) api.Invite {
	t.Helper()
	r := s.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(s.list.Id) + "/invites", Token: s.ana, Body: map[string]any{"role": role}})
	wantStatus(t, r, http.StatusCreated)
	var inv api.Invite
	r.JSON(t, &inv)
	if want := listPath(s.list.Id) + "/invites/" + inv.Id.String(); r.Header.Get("Location") != want {
		t.Fatalf("Location %q, want %q (where DELETE revokes it)", r.Header.Get("Location"), want)
	}
	return inv
}

// join accepts token as tok's user, failing unless 200.
func (s *sharingFixture) join(t *testing.T, tok, token string) api.List {
	t.Helper()
	r := s.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/invites/" + token + "/accept", Token: tok})
	wantStatus(t, r, http.StatusOK)
	var l api.List
	r.JSON(t, &l)
	return l
}

func TestInvitesAndMembers(t *testing.T) {
	t.Parallel()
	f := setup(t)

	t.Run("AnInviteIsShownOnceJoinedOnceAndNamesTheMembers", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		inv := s.invite(t, "editor")
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{22,}$`).MatchString(inv.Token) {
			t.Fatalf("token %q: want at least 128 bits, base64url", inv.Token)
		}
		r := s.Do(t, apitest.Req{Method: http.MethodGet, Path: listPath(s.list.Id) + "/invites", Token: s.ana})
		wantStatus(t, r, http.StatusOK)
		if bytes.Contains(r.Body, []byte(inv.Token)) || !bytes.Contains(r.Body, []byte(inv.Id.String())) {
			t.Fatalf("pending invites %s: want the invite without its token", r.Body)
		}
		r = s.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/invites/" + inv.Token, Token: s.dan})
		wantStatus(t, r, http.StatusOK)
		var offer api.InviteOffer
		r.JSON(t, &offer)
		if offer.ListName != "Groceries" || offer.Role != "editor" || offer.InvitedBy.UserId != s.anaID || offer.InvitedBy.Name.MustGet() != "Ana Lima" {
			t.Fatalf("offer %s", r.Body)
		}
		joined := s.join(t, s.dan, inv.Token)
		if joined.Id != s.list.Id || joined.Role != api.ListRoleEditor || joined.MemberCount != 4 || joined.Inbox {
			t.Fatalf("joined %+v", joined)
		}
		if again := s.join(t, s.dan, inv.Token); again.Role != api.ListRoleEditor || again.MemberCount != 4 {
			t.Fatalf("accepting again: %+v, want no change", again)
		}
		if owner := s.join(t, s.ana, s.invite(t, "viewer").Token); owner.Role != api.ListRoleOwner {
			t.Fatalf("the owner accepting her own invite: %+v", owner)
		}
		stranger := f.Token(t, userFor(t, "stranger"))
		for _, req := range []apitest.Req{
			{Method: http.MethodGet, Path: "/api/invites/" + inv.Token, Token: stranger},
			{Method: http.MethodPost, Path: "/api/invites/" + inv.Token + "/accept", Token: stranger},
		} {
			wantProblem(t, s.Do(t, req), http.StatusNotFound)
		}

		r = s.Do(t, apitest.Req{Method: http.MethodGet, Path: listPath(s.list.Id) + "/members", Token: s.cleo})
		wantStatus(t, r, http.StatusOK)
		var members []api.Member
		r.JSON(t, &members)
		var got []string
		for _, m := range members {
			name := "null"
			if !m.Name.IsNull() {
				name = m.Name.MustGet()
			}
			got = append(got, string(m.Role)+":"+name)
		}
		if want := "owner:Ana Lima editor:Ben viewer:cleo@example.com editor:Test User"; strings.Join(got, " ") != want {
			t.Fatalf("members %q, want %q", strings.Join(got, " "), want)
		}
	})

	t.Run("RolesAndTheOwnersRules", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		members := listPath(s.list.Id) + "/members/"
		r := s.Do(t, apitest.Req{Method: http.MethodPatch, Path: members + s.benID, Token: s.ana, Body: map[string]any{"role": "viewer"}})
		wantStatus(t, r, http.StatusOK)
		var m api.Member
		r.JSON(t, &m)
		if m.UserId != s.benID || m.Role != api.MemberRoleViewer || m.Name.MustGet() != "Ben" {
			t.Fatalf("Ben made a viewer: %s", r.Body)
		}
		inbox := f.lists
		lists, _ := inbox(t, s.ana)
		for _, tc := range []struct {
			name string
			req  apitest.Req
		}{
			{"OwnersRole", apitest.Req{Method: http.MethodPatch, Path: members + s.anaID, Token: s.ana, Body: map[string]any{"role": "editor"}}},
			{"OwnerLeaves", apitest.Req{Method: http.MethodDelete, Path: members + s.anaID, Token: s.ana}},
			{"InboxInvite", apitest.Req{Method: http.MethodPost, Path: listPath(lists[0].Id) + "/invites", Token: s.ana, Body: map[string]any{"role": "viewer"}}},
		} {
			if p := wantProblem(t, s.Do(t, tc.req), http.StatusConflict); p.Type != typeSharing {
				t.Errorf("%s: type %s", tc.name, p.Type)
			}
		}
		for _, body := range []map[string]any{{"role": "owner"}, {"role": "editor", "extra": 1}, {}} {
			wantProblem(t, s.Do(t, apitest.Req{Method: http.MethodPatch, Path: members + s.benID, Token: s.ana, Body: body}), http.StatusUnprocessableEntity)
		}
		for _, body := range []map[string]any{{"role": "owner"}, {"role": "editor", "expires_in_hours": 0}, {"role": "editor", "expires_in_hours": 721}} {
			wantProblem(t, s.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(s.list.Id) + "/invites", Token: s.ana, Body: body}), http.StatusUnprocessableEntity)
		}
		wantProblem(t, s.Do(t, apitest.Req{Method: http.MethodPatch, Path: members + s.danID, Token: s.ana, Body: map[string]any{"role": "editor"}}), http.StatusNotFound)

		inv := s.invite(t, "editor")
		wantStatus(t, s.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id) + "/invites/" + inv.Id.String(), Token: s.ana}), http.StatusNoContent)
		wantProblem(t, s.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/invites/" + inv.Token + "/accept", Token: s.dan}), http.StatusNotFound)
		wantProblem(t, s.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id) + "/invites/" + uuid.NewString(), Token: s.ana}), http.StatusNotFound)
	})

	t.Run("AMemberWithoutTheRoleGets403AndNothingChanges", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		pending := s.invite(t, "viewer")
		snapshot := func() string {
			var b strings.Builder
			for _, p := range []string{"", "/members", "/invites"} {
				r := s.Do(t, apitest.Req{Method: http.MethodGet, Path: listPath(s.list.Id) + p, Token: s.ana})
				wantStatus(t, r, http.StatusOK)
				b.Write(r.Body)
			}
			return b.String()
		}
		before := snapshot()
		for _, tok := range []string{s.ben, s.cleo} {
			for name, req := range ownerOnlyRequests(s, pending.Id) {
				req.Token = tok
				if p := wantProblem(t, s.Do(t, req), http.StatusForbidden); p.Type != typeForbidden {
					t.Errorf("%s: type %s", name, p.Type)
				}
			}
		}
		if after := snapshot(); after != before {
			t.Errorf("refused requests changed the list:\n%s\n%s", before, after)
		}
		// Any member may order their own lists.
		r := s.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(s.list.Id) + "/move", Token: s.cleo, Body: map[string]any{"after_id": nil}})
		wantStatus(t, r, http.StatusOK)
	})

	t.Run("ANonMemberGetsWhatAMissingIDGets", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		pending := s.invite(t, "viewer")
		missing := &sharingFixture{fixture: s.fixture, list: api.List{Id: uuid.New()}, anaID: s.anaID}
		requests := ownerOnlyRequests(s, pending.Id)
		missingRequests := ownerOnlyRequests(missing, uuid.New())
		for name, req := range memberRequests(s) {
			requests[name] = req
		}
		for name, req := range memberRequests(missing) {
			missingRequests[name] = req
		}
		for name, req := range requests {
			req.Token = s.dan
			want := missingRequests[name]
			want.Token = s.dan
			sameProblem(t, name, s.Do(t, req), s.Do(t, want))
		}
	})

	t.Run("LeavingRemovalAndDeletionAre404AtOnce", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		_, before := f.lists(t, s.ben)
		wantStatus(t, s.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id) + "/members/" + s.benID, Token: s.ben}), http.StatusNoContent)
		wantStatus(t, s.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id) + "/members/" + s.cleoID, Token: s.ana}), http.StatusNoContent)
		for _, tok := range []string{s.ben, s.cleo} {
			lists, r := f.lists(t, tok)
			if len(lists) != 1 || !lists[0].Inbox {
				t.Errorf("lists after leaving or removal: %+v", lists)
			}
			if tok == s.ben && r.Header.Get("ETag") == before.Header.Get("ETag") {
				t.Error("Ben's lists kept their ETag after he left")
			}
			for name, req := range memberRequests(s) {
				req.Token = tok
				wantProblem(t, s.Do(t, req), http.StatusNotFound)
				_ = name
			}
		}
		// Every member of a deleted list loses it at once.
		dan := s.join(t, s.dan, s.invite(t, "editor").Token)
		wantStatus(t, s.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(dan.Id), Token: s.ana}), http.StatusNoContent)
		for name, req := range memberRequests(s) {
			req.Token = s.dan
			if r := s.Do(t, req); r.Status != http.StatusNotFound {
				t.Errorf("%s after the list's deletion: %d", name, r.Status)
			}
		}
	})

	t.Run("WrongTokensAreAll404", func(t *testing.T) {
		t.Parallel()
		s := setupSharing(t, f)
		used := s.invite(t, "viewer")
		s.join(t, s.dan, used.Token)
		revoked := s.invite(t, "viewer")
		wantStatus(t, s.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(s.list.Id) + "/invites/" + revoked.Id.String(), Token: s.ana}), http.StatusNoContent)
		stranger := f.Token(t, userFor(t, "stranger"))
		unknown := s.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/invites/AAAAAAAAAAAAAAAAAAAAAA", Token: stranger})
		wantProblem(t, unknown, http.StatusNotFound)
		for _, token := range []string{used.Token, revoked.Token, "x", strings.Repeat("A", 256), "%2e%2e", "a.b~c", used.Id.String()} {
			sameProblem(t, "lookup "+token, s.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/invites/" + token, Token: stranger}), unknown)
		}
	})
}

// ownerOnlyRequests are the requests on s.list only its owner may make (no token set).
func ownerOnlyRequests(s *sharingFixture, inviteID uuid.UUID) map[string]apitest.Req {
	p := listPath(s.list.Id)
	return map[string]apitest.Req{
		"UpdateList":   {Method: http.MethodPatch, Path: p, Body: map[string]any{"name": "Taken"}},
		"DeleteList":   {Method: http.MethodDelete, Path: p},
		"RestoreList":  {Method: http.MethodPost, Path: p + "/restore"},
		"CreateInvite": {Method: http.MethodPost, Path: p + "/invites", Body: map[string]any{"role": "editor"}},
		"ListInvites":  {Method: http.MethodGet, Path: p + "/invites"},
		"RevokeInvite": {Method: http.MethodDelete, Path: p + "/invites/" + inviteID.String()},
		"UpdateMember": {Method: http.MethodPatch, Path: p + "/members/" + s.anaID, Body: map[string]any{"role": "viewer"}},
		"RemoveOther":  {Method: http.MethodDelete, Path: p + "/members/" + s.anaID},
	}
}

// memberRequests are the requests on s.list any member may make (no token set); the
// leave names the caller's own id only through the token, so it is left out.
func memberRequests(s *sharingFixture) map[string]apitest.Req {
	p := listPath(s.list.Id)
	return map[string]apitest.Req{
		"GetList":     {Method: http.MethodGet, Path: p},
		"ListMembers": {Method: http.MethodGet, Path: p + "/members"},
		"MoveList":    {Method: http.MethodPost, Path: p + "/move", Body: map[string]any{"after_id": nil}},
	}
}

// TestWrongInviteTokensAreRateLimited: guessing tokens spends the guesser's own rate limit
// like any request — every guess is 404 until the limit, then 429 — and another user's
// lookups are unaffected.
func TestWrongInviteTokensAreRateLimited(t *testing.T) {
	t.Parallel()
	// One request per second, bursts of 2, on a clock that stands still.
	f := setup(t, apitest.Options{RateLimitPerUser: 1, Now: stoppedClock()})
	guesser := f.Token(t, userFor(t, "guesser"))
	var got []int
	for _, token := range []string{"AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAAAC", "AAAAAAAAAAAAAAAAAAAAAD"} {
		got = append(got, f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/invites/" + token + "/accept", Token: guesser}).Status)
	}
	if want := []int{http.StatusNotFound, http.StatusNotFound, http.StatusTooManyRequests, http.StatusTooManyRequests}; !slices.Equal(got, want) {
		t.Fatalf("a burst of guesses: %v, want %v", got, want)
	}
	other := f.Token(t, userFor(t, "other"))
	wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/invites/AAAAAAAAAAAAAAAAAAAAAA", Token: other}), http.StatusNotFound)
}
