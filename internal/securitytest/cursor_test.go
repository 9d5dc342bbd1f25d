package securitytest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/apitest"
)

// Cursors are client input that reaches SQL (the position a page continues after). The
// check that guards them (internal/httpapi/cursor.go) is a plain SHA-256 over public data,
// so any client can compute it: these tests forge cursors the way an attacker who read the
// source would, and send them to the real stack on PostgreSQL.

// forgeCursor builds a cursor for user's listing query (its canonical form) positioned
// after key and id, with a check computed like the server's.
func forgeCursor(user, query, key string, id uuid.UUID) string {
	payload, _ := json.Marshal(map[string]any{"k": key, "i": id})
	h := sha256.New()
	h.Write([]byte("todo-api cursor v1\x00"))
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write([]byte(query))
	h.Write([]byte{0})
	h.Write(payload)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(h.Sum(nil)[:16])
}

// TestCursorForgeryIsHarmless sends forged positions of every kind for every sort: the
// answer is 200 (a position in the caller's own list) or 400, never a server error.
func TestCursorForgeryIsHarmless(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	user := userID(t, "a")
	tok := env.Token(t, user)
	for range 3 {
		create(t, env, tok, victimBody("cursor"), nil)
	}
	keys := []string{
		"", "garbage", "2026-01-01 00:00:00+00", "2026-13-45", "99999-01-01", "infinity", "-infinity",
		"epoch", "now", "today", "allballs", "NaN", "high", "medium", "low", "urgent", "1e308",
		"' OR 1=1 --", "\x00", "a\x00b", strings.Repeat("k", 10000), "\u202e", "ß", "İ",
	}
	accepted := 0
	for _, sort := range []string{"created", "updated", "title", "due_date", "priority"} {
		for _, order := range []string{"asc", "desc"} {
			canon := url.Values{"sort": {sort}, "order": {order}}
			for _, key := range keys {
				for _, id := range []uuid.UUID{uuid.New(), uuid.Max} {
					q := url.Values{"sort": {sort}, "order": {order}, "cursor": {forgeCursor(user, canon.Encode(), key, id)}}
					r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?" + q.Encode(), Token: tok})
					switch r.Status {
					case http.StatusOK:
						accepted++
					case http.StatusBadRequest:
					default:
						t.Errorf("sort=%s order=%s key %q: %d %s", sort, order, key, r.Status, r.Body)
					}
				}
			}
		}
	}
	if accepted == 0 {
		t.Skip("no forged cursor was accepted: the check can no longer be computed by clients (keyed?), so " +
			"forged positions never reach SQL; drop TestCursorForgedWithWellFormedKeyIsRefused's skip")
	}
}

// TestCursorForgedWithWellFormedKeyIsRefused: the contract says a tampered cursor is 400.
func TestCursorForgedWithWellFormedKeyIsRefused(t *testing.T) {
	t.Skip("known bug: the cursor check (internal/httpapi/cursor.go) is an unkeyed SHA-256, so a client " +
		"can forge any position for its own listing and get 200 instead of the contract's 400 for a tampered " +
		"cursor; harmless across users (the query is user-scoped) but it lets client text reach SQL. " +
		"Fix: an HMAC with a server secret shared by the replicas (a new setting), see the issue 6 note")
	t.Parallel()
	env := apitest.New(t)
	user := userID(t, "a")
	tok := env.Token(t, user)
	create(t, env, tok, victimBody("cursor"), nil)
	c := forgeCursor(user, "order=desc&sort=created", "2026-01-01 00:00:00+00", uuid.New())
	r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?cursor=" + c, Token: tok})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("a forged cursor with a well-formed position: %d %s, want 400", r.Status, r.Body)
	}
}
