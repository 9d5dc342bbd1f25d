package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzIdempotencyKey sends arbitrary Idempotency-Key values with a valid create, each input
// for two users of its own, A and B: the key is refused (400 or 422) or kept as 1..255
// characters of valid UTF-8 without NUL; a repeat with the same key and body returns the
// same task; and B, sending A's key and body, creates and then gets back a task of B's own
// (a key belongs to its user: B never gets A's task).
func FuzzIdempotencyKey(f *testing.F) {
	env := newFuzzEnv(f)
	f.Add("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10")
	f.Fuzz(func(t *testing.T, key string) {
		key, ok := headerValue(key)
		if !ok {
			return
		}
		post := func(token string) *httptest.ResponseRecorder {
			r := fuzzRequest(http.MethodPost, "/api/tasks", "", []byte(`{"title":"idempotent"}`))
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Idempotency-Key", key)
			return env.serve(t, r)
		}
		// created posts twice as token's user and returns the task's URL, or "" when the
		// key is refused.
		created := func(token string) string {
			first := post(token)
			switch first.Code {
			case http.StatusCreated:
			case http.StatusBadRequest, http.StatusUnprocessableEntity:
				return ""
			default:
				t.Fatalf("key %q: %d %s", key, first.Code, first.Body)
			}
			again := post(token)
			if again.Code != http.StatusCreated || again.Header().Get("Location") != first.Header().Get("Location") {
				t.Fatalf("key %q: the repeat got %d %q, the first %q", key, again.Code, again.Header().Get("Location"), first.Header().Get("Location"))
			}
			return first.Header().Get("Location")
		}
		_, tokenA := env.freshUser(t)
		a := created(tokenA)
		if a == "" {
			return
		}
		_, tokenB := env.freshUser(t)
		if b := created(tokenB); b == "" || b == a {
			t.Fatalf("key %q: another user sending the same key and body got %q, the first user %q", key, b, a)
		}
	})
}

// FuzzAuthorization sends arbitrary Authorization headers (one per line of the input; "{A}"
// and "{B}" stand for valid tokens of two users) to GET A's task. Only exactly A's token
// under the Bearer scheme reads it; B's token gets 404; anything else is 401 with the
// challenge RFC 6750 asks for: bare `Bearer` when no bearer token was sent, else
// `Bearer error="invalid_token"`.
func FuzzAuthorization(f *testing.F) {
	env := newFuzzEnv(f)
	tokenA := env.longToken(f, "fuzzUserAIdOf32CharsLikeBetterAu")
	tokenB := env.longToken(f, "fuzzUserBIdOf32CharsLikeBetterAu")
	path := "/api/tasks/" + env.createTask(f, tokenA, fuzzTaskJSON).Id.String()
	tokens := strings.NewReplacer("{A}", tokenA, "{B}", tokenB)
	f.Add("Bearer {A}")
	f.Add("Bearer {B}")
	f.Fuzz(func(t *testing.T, input string) {
		input = tokens.Replace(input)
		var values []string
		if input != "" {
			for _, v := range strings.Split(input, "\n") {
				v, ok := headerValue(v)
				if !ok {
					return
				}
				values = append(values, v)
			}
		}
		r := fuzzRequest(http.MethodGet, path, "", nil)
		for _, v := range values {
			r.Header.Add("Authorization", v)
		}
		w := env.serve(t, r)

		// What the answer must be, from the header alone (RFC 6750 §2.1, RFC 9110 §11.4:
		// credentials = auth-scheme 1*SP token68, the scheme case-insensitive).
		want, challenge := http.StatusUnauthorized, `Bearer error="invalid_token"`
		switch {
		case len(values) == 0:
			challenge = "Bearer"
		case len(values) == 1:
			scheme, token, _ := strings.Cut(values[0], " ")
			token = strings.TrimLeft(token, " ")
			switch {
			case !strings.EqualFold(scheme, "Bearer") || token == "":
				challenge = "Bearer"
			case token == tokenA:
				want = http.StatusOK
			case token == tokenB:
				want = http.StatusNotFound
			}
		}
		if w.Code != want {
			t.Fatalf("Authorization %q: %d, want %d: %s", values, w.Code, want, w.Body)
		}
		if want == http.StatusUnauthorized {
			if got := w.Header().Values("WWW-Authenticate"); len(got) != 1 || got[0] != challenge {
				t.Fatalf("Authorization %q: WWW-Authenticate %q, want %q", values, got, challenge)
			}
		}
	})
}
