package securitytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/apitest"
)

// Cursors are client input that reaches SQL (the position a page continues after). They are
// signed with an HMAC keyed by a random value in the database (internal/httpapi/cursor.go):
// a client who read the source still cannot compute one. These tests forge cursors the way
// such a client would (refused), and — as if the key had leaked — with the real key, to show
// that even then a forged position is only ever a place in the caller's own list.

// forgeCursor builds a cursor for user's listing query (its canonical form) positioned
// after pos and id (the payload cursor.go writes for a key that fits: kind 1, the id's 16
// bytes, the key): with key, signed like the server's (HMAC-SHA-256); without, with the
// unkeyed SHA-256 check the service used before cursors were signed.
func forgeCursor(key []byte, user, query, pos string, id uuid.UUID) string {
	payload := append(append([]byte{1}, id[:]...), pos...)
	var h hash.Hash
	if key != nil {
		h = hmac.New(sha256.New, key)
		h.Write([]byte("todo-api cursor v3\x00"))
	} else {
		h = sha256.New()
		h.Write([]byte("todo-api cursor v1\x00"))
	}
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write([]byte(query))
	h.Write([]byte{0})
	h.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(h.Sum(nil)[:16])
}

// cursorKey reads the key the service signs cursors with from env's database.
func cursorKey(t *testing.T, env *apitest.Env) []byte {
	t.Helper()
	var key []byte
	if err := env.Pool.QueryRow(t.Context(), "SELECT key FROM cursor_keys WHERE id = 1").Scan(&key); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestCursorForgeryIsHarmless sends positions of every kind for every sort, signed with the
// real key (as if it had leaked): the answer is 200 (a position in the caller's own list) or
// 400, never a server error.
func TestCursorForgeryIsHarmless(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	user := userID(t, "a")
	tok := env.Token(t, user)
	for range 3 {
		create(t, env, tok, victimBody("cursor"), nil)
	}
	key := cursorKey(t, env)
	keys := []string{
		"", "garbage", "2026-01-01 00:00:00+00", "2026-13-45", "99999-01-01", "infinity", "-infinity",
		"epoch", "now", "today", "allballs", "NaN", "high", "medium", "low", "urgent", "1e308",
		"' OR 1=1 --", "\x00", "a\x00b", strings.Repeat("k", 10000), "\u202e", "ß", "İ",
	}
	accepted := 0
	for _, sort := range []string{"created", "updated", "title", "due_date", "priority", "position"} {
		for _, order := range []string{"asc", "desc"} {
			canon := url.Values{"sort": {sort}, "order": {order}}
			for _, pos := range keys {
				for _, id := range []uuid.UUID{uuid.New(), uuid.Max} {
					q := url.Values{"sort": {sort}, "order": {order}, "cursor": {forgeCursor(key, user, canon.Encode(), pos, id)}}
					r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?" + q.Encode(), Token: tok})
					switch r.Status {
					case http.StatusOK:
						accepted++
					case http.StatusBadRequest:
					default:
						t.Errorf("sort=%s order=%s position %q: %d %s", sort, order, pos, r.Status, r.Body)
					}
				}
			}
		}
	}
	if accepted == 0 {
		t.Fatal("no cursor signed with the real key was accepted: the forgery no longer matches the server's " +
			"signing, so this test exercises nothing")
	}
}

// TestCursorForgedWithWellFormedKeyIsRefused: the contract says a tampered cursor is 400. A
// well-formed position checked the way an unkeyed scheme would, or signed with any key but
// the database's, is refused; the same position signed with the database's key is accepted
// (so the refusals are for the signature, not the position).
func TestCursorForgedWithWellFormedKeyIsRefused(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	user := userID(t, "a")
	tok := env.Token(t, user)
	create(t, env, tok, victimBody("cursor"), nil)
	const query = "order=desc&sort=created"
	pos, id := "2026-01-01 00:00:00+00", uuid.New()
	real := cursorKey(t, env)
	for _, tc := range []struct {
		name string
		key  []byte
		want int
	}{
		{"unkeyed SHA-256", nil, http.StatusBadRequest},
		{"empty key", []byte{}, http.StatusBadRequest},
		{"all-zero key", make([]byte, 32), http.StatusBadRequest},
		{"the fake store's key", []byte("fake store cursor key, 32 bytes!"), http.StatusBadRequest},
		{"the database's key", real, http.StatusOK},
	} {
		c := forgeCursor(tc.key, user, query, pos, id)
		r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?cursor=" + c, Token: tok})
		if r.Status != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, r.Status, r.Body, tc.want)
		}
	}
}
