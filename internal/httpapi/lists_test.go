package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/store"
)

const typeInbox = "urn:todo-api:problem:inbox"

func listPath(id uuid.UUID) string { return "/api/lists/" + id.String() }

// lists gets tok's user's lists, failing unless 200.
func (f *fixture) lists(t *testing.T, tok string) ([]api.List, *apitest.Response) {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/lists", Token: tok})
	wantStatus(t, r, http.StatusOK)
	var lists []api.List
	r.JSON(t, &lists)
	return lists, r
}

// createList posts body to /api/lists as tok's user, failing unless 201.
func (f *fixture) createList(t *testing.T, tok string, body any) api.List {
	t.Helper()
	r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists", Token: tok, Body: body})
	wantStatus(t, r, http.StatusCreated)
	var l api.List
	r.JSON(t, &l)
	if loc := r.Header.Get("Location"); loc != listPath(l.Id) {
		t.Fatalf("Location %q, want %q", loc, listPath(l.Id))
	}
	return l
}

func listNames(lists []api.List) []string {
	out := make([]string, len(lists))
	for i, l := range lists {
		out[i] = l.Name
	}
	return out
}

func TestLists(t *testing.T) {
	t.Parallel()
	f := setup(t)

	t.Run("TheInboxComesFirstAndTheETagFollowsTheAnswer", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		lists, r := f.lists(t, f.tokA)
		if len(lists) != 1 || !lists[0].Inbox || lists[0].Name != store.InboxName || lists[0].Role != api.ListRoleOwner || lists[0].MemberCount != 1 {
			t.Fatalf("a new user's lists: %+v, want the inbox alone", lists)
		}
		tag := r.Header.Get("ETag")
		if !strings.HasPrefix(tag, `W/"`) {
			t.Fatalf("ETag %q, want a weak one", tag)
		}
		again := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/lists", Token: f.tokA, Header: map[string]string{"If-None-Match": tag}})
		wantStatus(t, again, http.StatusNotModified)

		g := f.createList(t, f.tokA, map[string]any{"name": "  Groceries ", "color": "#2E7D32"})
		if g.Name != "Groceries" || g.Color.MustGet() != "#2e7d32" || g.Inbox || g.Role != api.ListRoleOwner || g.MemberCount != 1 {
			t.Fatalf("created %+v, want the name trimmed and the colour lower-case", g)
		}
		lists, r = f.lists(t, f.tokA)
		if got := listNames(lists); !slices.Equal(got, []string{store.InboxName, "Groceries"}) {
			t.Fatalf("lists %q", got)
		}
		if r.Header.Get("ETag") == tag {
			t.Fatal("the collection ETag did not change with a new list")
		}
		stale := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/lists", Token: f.tokA, Header: map[string]string{"If-None-Match": tag}})
		wantStatus(t, stale, http.StatusOK)
	})

	t.Run("GetPatchAndConditions", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		l := f.createList(t, f.tokA, map[string]any{"name": "Work", "color": "#112233"})
		r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: listPath(l.Id), Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		tag := r.Header.Get("ETag")
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: listPath(l.Id), Token: f.tokA, Header: map[string]string{"If-None-Match": tag}}), http.StatusNotModified)

		r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: listPath(l.Id), Token: f.tokA, ContentType: "application/merge-patch+json",
			Body: map[string]any{"name": "Office", "color": nil}, Header: map[string]string{"If-Match": tag}})
		wantStatus(t, r, http.StatusOK)
		var patched api.List
		r.JSON(t, &patched)
		if patched.Name != "Office" || !patched.Color.IsNull() || r.Header.Get("ETag") == tag || !patched.UpdatedAt.After(l.UpdatedAt) {
			t.Fatalf("patched %+v, ETag %q (was %q)", patched, r.Header.Get("ETag"), tag)
		}
		r = f.Do(t, apitest.Req{Method: http.MethodPatch, Path: listPath(l.Id), Token: f.tokA, Body: map[string]any{"name": "Late"}, Header: map[string]string{"If-Match": tag}})
		wantProblem(t, r, http.StatusPreconditionFailed)
		r = f.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(l.Id), Token: f.tokA, Header: map[string]string{"If-Match": tag}})
		wantProblem(t, r, http.StatusPreconditionFailed)
	})

	t.Run("BadInputNamesTheField", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		l := f.createList(t, f.tokA, map[string]any{"name": "Target"})
		for _, tc := range []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"EmptyName", http.MethodPost, "/api/lists", map[string]any{"name": ""}, 422, "/name"},
			{"BlankName", http.MethodPost, "/api/lists", map[string]any{"name": "   "}, 422, "/name"},
			{"InvisibleName", http.MethodPost, "/api/lists", map[string]any{"name": "\u200b\u200d"}, 422, "/name"},
			{"LongName", http.MethodPost, "/api/lists", map[string]any{"name": strings.Repeat("é", 101)}, 422, "/name"},
			{"NulInName", http.MethodPost, "/api/lists", map[string]any{"name": "a\u0000b"}, 422, "/name"},
			{"NoName", http.MethodPost, "/api/lists", map[string]any{"color": "#000000"}, 422, "/name"},
			{"NameNotAString", http.MethodPost, "/api/lists", map[string]any{"name": 7}, 422, "/name"},
			{"ColorNotHex", http.MethodPost, "/api/lists", map[string]any{"name": "x", "color": "red"}, 422, "/color"},
			{"ColorShort", http.MethodPost, "/api/lists", map[string]any{"name": "x", "color": "#fff"}, 422, "/color"},
			{"UnknownProperty", http.MethodPost, "/api/lists", map[string]any{"name": "x", "inbox": true}, 422, "/inbox"},
			{"PatchBlankName", http.MethodPatch, listPath(l.Id), map[string]any{"name": " \t"}, 422, "/name"},
			{"PatchNullName", http.MethodPatch, listPath(l.Id), map[string]any{"name": nil}, 422, "/name"},
			{"PatchColor", http.MethodPatch, listPath(l.Id), map[string]any{"color": "#GGGGGG"}, 422, "/color"},
			{"PatchUnknown", http.MethodPatch, listPath(l.Id), map[string]any{"position": "a0"}, 422, "/position"},
			{"MoveNoAfterID", http.MethodPost, listPath(l.Id) + "/move", map[string]any{}, 422, "/after_id"},
			{"MoveAfterNotUUID", http.MethodPost, listPath(l.Id) + "/move", map[string]any{"after_id": "nope"}, 422, "/after_id"},
			{"MoveAfterItself", http.MethodPost, listPath(l.Id) + "/move", map[string]any{"after_id": l.Id}, 422, "/after_id"},
			{"MoveAfterMissing", http.MethodPost, listPath(l.Id) + "/move", map[string]any{"after_id": uuid.New()}, 422, "/after_id"},
			{"MalformedID", http.MethodGet, "/api/lists/not-a-uuid", nil, 400, "path.id"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.Do(t, apitest.Req{Method: tc.method, Path: tc.path, Token: f.tokA, Body: tc.body})
				p := wantProblem(t, r, tc.status)
				wantField(t, p, tc.field)
			})
		}
		if got := listNames(must(f.lists(t, f.tokA))); !slices.Equal(got, []string{store.InboxName, "Target"}) {
			t.Fatalf("lists after the bad requests %q", got)
		}
	})

	t.Run("TheInboxCannotBeRenamedDeletedOrMoved", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		lists, _ := f.lists(t, f.tokA)
		inbox := lists[0]
		other := f.createList(t, f.tokA, map[string]any{"name": "Other"})
		for _, req := range []apitest.Req{
			{Method: http.MethodPatch, Path: listPath(inbox.Id), Body: map[string]any{"name": "Mine"}},
			{Method: http.MethodDelete, Path: listPath(inbox.Id)},
			{Method: http.MethodPost, Path: listPath(inbox.Id) + "/move", Body: map[string]any{"after_id": other.Id}},
		} {
			req.Token = f.tokA
			p := wantProblem(t, f.Do(t, req), http.StatusConflict)
			if p.Type != typeInbox {
				t.Errorf("%s %s: type %q, want %q", req.Method, req.Path, p.Type, typeInbox)
			}
		}
		r := f.Do(t, apitest.Req{Method: http.MethodPatch, Path: listPath(inbox.Id), Token: f.tokA, Body: map[string]any{"color": "#ABCDEF"}})
		wantStatus(t, r, http.StatusOK)
		if got := listNames(must(f.lists(t, f.tokA))); !slices.Equal(got, []string{store.InboxName, "Other"}) {
			t.Fatalf("lists %q", got)
		}
	})

	t.Run("The201stListIsAConflict", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		user := userFor(t, "a")
		f.lists(t, f.tokA) // the inbox
		if _, err := f.Pool.Exec(t.Context(), `
			WITH l AS (
				INSERT INTO lists (owner_id, id, name) SELECT $1, gen_random_uuid(), 'seeded ' || g FROM generate_series(1, $2::int) g
				RETURNING owner_id, id, name)
			INSERT INTO list_members (owner_id, list_id, user_id, role, position)
			SELECT owner_id, id, owner_id, 'owner', 'b' || lpad(substr(name, 8), 3, '0') FROM l`, user, store.MaxLists-2); err != nil {
			t.Fatal(err)
		}
		last := f.createList(t, f.tokA, map[string]any{"name": "the 200th"})
		p := wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists", Token: f.tokA, Body: map[string]any{"name": "the 201st"}}), http.StatusConflict)
		if p.Type != typeQuotaExceeded || !strings.Contains(*p.Detail, "200") {
			t.Fatalf("problem %+v, want quota-exceeded naming 200", p)
		}
		// Deleting one makes room; restoring it when the room is taken again is refused.
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(last.Id), Token: f.tokA}), http.StatusNoContent)
		f.createList(t, f.tokA, map[string]any{"name": "in its place"})
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(last.Id) + "/restore", Token: f.tokA}), http.StatusConflict)
	})

	t.Run("DeleteAndRestoreTakeTheListsTasks", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		user := userFor(t, "a")
		l := f.createList(t, f.tokA, map[string]any{"name": "Trip"})
		before := f.createA(t, map[string]any{"title": "deleted before"})
		with := f.createA(t, map[string]any{"title": "deleted with the list"})
		kept := f.createA(t, map[string]any{"title": "in the inbox"})
		for _, task := range []api.Task{before, with} {
			if _, err := f.Pool.Exec(t.Context(), "UPDATE tasks SET list_id = $3 WHERE user_id = $1 AND id = $2", user, task.Id, l.Id); err != nil {
				t.Fatal(err)
			}
		}
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: taskPath(before.Id), Token: f.tokA}), http.StatusNoContent)
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodDelete, Path: listPath(l.Id), Token: f.tokA}), http.StatusNoContent)

		p := wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: listPath(l.Id), Token: f.tokA}), http.StatusNotFound)
		if *p.Detail != "No such list." {
			t.Errorf("detail %q", *p.Detail)
		}
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(with.Id), Token: f.tokA}), http.StatusNotFound)
		f.get(t, f.tokA, kept.Id)

		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(l.Id) + "/restore", Token: f.tokA})
		wantStatus(t, r, http.StatusOK)
		var restored api.List
		r.JSON(t, &restored)
		if restored.Id != l.Id || restored.Name != "Trip" || r.Header.Get("ETag") == "" {
			t.Fatalf("restored %+v", restored)
		}
		back, _ := f.get(t, f.tokA, with.Id)
		if back.ListId != l.Id {
			t.Fatalf("the restored task is in %v, want %v", back.ListId, l.Id)
		}
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(before.Id), Token: f.tokA}), http.StatusNotFound)
		// A live list: 200 unchanged; a list that never was: 404.
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(l.Id) + "/restore", Token: f.tokA}), http.StatusOK)
		wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(uuid.New()) + "/restore", Token: f.tokA}), http.StatusNotFound)
	})

	t.Run("MoveOrdersTheCallersLists", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		a := f.createList(t, f.tokA, map[string]any{"name": "A"})
		b := f.createList(t, f.tokA, map[string]any{"name": "B"})
		r := f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(b.Id) + "/move", Token: f.tokA, Body: map[string]any{"after_id": nil}})
		wantStatus(t, r, http.StatusOK)
		if got := listNames(must(f.lists(t, f.tokA))); !slices.Equal(got, []string{store.InboxName, "B", "A"}) {
			t.Fatalf("after moving B first: %q", got)
		}
		wantStatus(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(b.Id) + "/move", Token: f.tokA, Body: map[string]any{"after_id": a.Id}}), http.StatusOK)
		if got := listNames(must(f.lists(t, f.tokA))); !slices.Equal(got, []string{store.InboxName, "A", "B"}) {
			t.Fatalf("after moving B after A: %q", got)
		}
	})

	t.Run("IdempotencyKeyReplaysTheCreate", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		key := map[string]string{"Idempotency-Key": "list-key-1"}
		r1 := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists", Token: f.tokA, Body: map[string]any{"name": "Once"}, Header: key})
		r2 := f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists", Token: f.tokA, Body: map[string]any{"name": " Once "}, Header: key})
		wantStatus(t, r1, http.StatusCreated)
		wantStatus(t, r2, http.StatusCreated)
		if string(r1.Body) != string(r2.Body) {
			t.Fatalf("replay %s, first %s", r2.Body, r1.Body)
		}
		p := wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists", Token: f.tokA, Body: map[string]any{"name": "Other"}, Header: key}), http.StatusUnprocessableEntity)
		wantField(t, p, "header.Idempotency-Key")
		if got := listNames(must(f.lists(t, f.tokA))); !slices.Equal(got, []string{store.InboxName, "Once"}) {
			t.Fatalf("lists %q", got)
		}
	})

	t.Run("TwentyConcurrentFirstRequestsMakeOneInbox", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		const n = 20
		inboxes := make([]uuid.UUID, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if i%2 == 1 {
					// A create also needs the inbox (first in the order, counted by the quota).
					f.createList(t, f.tokA, map[string]any{"name": "concurrent"})
				}
				lists, _ := f.lists(t, f.tokA)
				inboxes[i] = lists[0].Id
			})
		}
		wg.Wait()
		for i := range n {
			if inboxes[i] != inboxes[0] {
				t.Fatalf("request %d saw inbox %v, request 0 %v", i, inboxes[i], inboxes[0])
			}
		}
		var count int
		if err := f.Pool.QueryRow(t.Context(), "SELECT count(*) FROM lists WHERE owner_id = $1 AND inbox", userFor(t, "a")).Scan(&count); err != nil || count != 1 {
			t.Fatalf("%d inboxes (%v), want 1", count, err)
		}
	})

	t.Run("AnotherUsersListIsNotFound", func(t *testing.T) {
		t.Parallel()
		f := f.sub(t)
		mine := f.createList(t, f.tokA, map[string]any{"name": "Secret"})
		theirs := f.createList(t, f.tokB, map[string]any{"name": "Theirs"})
		for _, req := range []apitest.Req{
			{Method: http.MethodGet, Path: listPath(mine.Id)},
			{Method: http.MethodPatch, Path: listPath(mine.Id), Body: map[string]any{"name": "pwned"}},
			{Method: http.MethodDelete, Path: listPath(mine.Id)},
			{Method: http.MethodPost, Path: listPath(mine.Id) + "/restore"},
			{Method: http.MethodPost, Path: listPath(mine.Id) + "/move", Body: map[string]any{"after_id": nil}},
		} {
			req.Token = f.tokB
			wantProblem(t, f.Do(t, req), http.StatusNotFound)
		}
		// After another user's list: the same 422 as after no list.
		p := wantProblem(t, f.Do(t, apitest.Req{Method: http.MethodPost, Path: listPath(theirs.Id) + "/move", Token: f.tokB,
			Body: map[string]any{"after_id": mine.Id}}), http.StatusUnprocessableEntity)
		wantField(t, p, "/after_id")
		if got := listNames(must(f.lists(t, f.tokA))); !slices.Equal(got, []string{store.InboxName, "Secret"}) {
			t.Fatalf("the owner's lists %q", got)
		}
		if got := listNames(must(f.lists(t, f.tokB))); !slices.Equal(got, []string{store.InboxName, "Theirs"}) {
			t.Fatalf("the other user's lists %q", got)
		}
	})
}

// must returns v, for helpers that return a second value a caller does not need.
func must[T, U any](v T, _ U) T { return v }
