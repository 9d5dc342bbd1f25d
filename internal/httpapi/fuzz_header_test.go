package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// httptestServe serves r for a fuzz target's setup, failing f unless 200.
func httptestServe(f *testing.F, env *fuzzEnv, r *http.Request) *httptest.ResponseRecorder {
	f.Helper()
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		f.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body)
	}
	return w
}

// FuzzIdempotencyKey sends arbitrary Idempotency-Key values with a valid create: the key is
// refused (400 or 422) or kept as 1..255 characters of valid UTF-8 without NUL, and a
// repeat with the same key and body returns the same task.
func FuzzIdempotencyKey(f *testing.F) {
	env := newFuzzEnv(f)
	f.Add("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10")
	f.Fuzz(func(t *testing.T, key string) {
		key, ok := headerValue(key)
		if !ok {
			return
		}
		post := func() *httptest.ResponseRecorder {
			r := fuzzRequest(http.MethodPost, "/api/tasks", "", []byte(`{"title":"idempotent"}`))
			r.Header.Set("Authorization", "Bearer "+env.token)
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Idempotency-Key", key)
			return env.serve(t, r)
		}
		first := post()
		switch first.Code {
		case http.StatusCreated:
			again := post()
			if again.Code != http.StatusCreated || again.Header().Get("Location") != first.Header().Get("Location") {
				t.Fatalf("key %q: the repeat got %d %q, the first %q", key, again.Code, again.Header().Get("Location"), first.Header().Get("Location"))
			}
		case http.StatusBadRequest, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("key %q: %d %s", key, first.Code, first.Body)
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
	f.Add("Bearer {A}")
	f.Add("Bearer {B}")
	f.Fuzz(func(t *testing.T, input string) {
		input = strings.NewReplacer("{A}", env.token, "{B}", env.tokenB).Replace(input)
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
		r := fuzzRequest(http.MethodGet, "/api/tasks/"+fuzzTaskID.String(), "", nil)
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
			case token == env.token:
				want = http.StatusOK
			case token == env.tokenB:
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
