package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
)

// everyRoute is one request to each /api operation, for tests that must hold on all of them.
func everyRoute(id uuid.UUID) []apitest.Req {
	p := taskPath(id)
	return []apitest.Req{
		{Method: http.MethodGet, Path: "/api/tasks"},
		{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "x"}},
		{Method: http.MethodGet, Path: "/api/tasks/stats"},
		{Method: http.MethodGet, Path: "/api/tags"},
		{Method: http.MethodGet, Path: p},
		{Method: http.MethodPut, Path: p, Body: map[string]any{"title": "x"}},
		{Method: http.MethodPatch, Path: p, Body: map[string]any{"title": "x"}, ContentType: "application/merge-patch+json"},
		{Method: http.MethodDelete, Path: p},
		{Method: http.MethodPatch, Path: p + "/complete"},
		{Method: http.MethodPost, Path: p + "/restore"},
		{Method: http.MethodPost, Path: p + "/move", Body: map[string]any{"after_id": nil}},
		{Method: http.MethodPost, Path: "/api/tasks/bulk", Body: map[string]any{"action": "complete", "ids": []string{id.String()}}},
		{Method: http.MethodGet, Path: "/api/tasks/changes"},
		{Method: http.MethodGet, Path: "/api/tasks/changes?updated_after=2026-01-01T00:00:00Z"},
	}
}

// wantUnauthorized checks a 401 problem with exactly the WWW-Authenticate challenge want.
func wantUnauthorized(t *testing.T, r *apitest.Response, challenge string) {
	t.Helper()
	if r.Status == http.StatusForbidden {
		t.Fatalf("403 for an authentication failure, want 401: %s", r.Body)
	}
	wantProblem(t, r, http.StatusUnauthorized)
	if got := r.Header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != challenge {
		t.Errorf("WWW-Authenticate %q, want %q", got, challenge)
	}
}

const (
	challengeMissing = `Bearer`
	challengeInvalid = `Bearer error="invalid_token"`
)

func TestAuthMissingCredentialsAre401WithoutError(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "mine"})
	headers := map[string]map[string]string{
		"NoAuthorizationHeader": nil,
		"EmptyAuthorization":    {"Authorization": ""},
		"BasicScheme":           {"Authorization": "Basic dXNlcjpwYXNz"},
		"BearerWithoutToken":    {"Authorization": "Bearer "},
		"SessionCookieOnly":     {"Cookie": "better-auth.session_token=abc.def"},
		"XUserIDHeaderOnly":     {"X-User-ID": userA},
	}
	for name, h := range headers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, req := range everyRoute(task.Id) {
				req.Header = h
				r := f.Do(t, req)
				wantUnauthorized(t, r, challengeMissing)
			}
		})
	}
	// Nothing above reached the task.
	got, _ := f.get(t, f.tokA, task.Id)
	sameTask(t, got, task)
}

func TestAuthInvalidTokensAre401InvalidToken(t *testing.T) {
	t.Parallel()
	now := time.Now // read as each token is minted: parallel subtests may start minutes later
	cases := map[string]func(t *testing.T, iss *authtest.Issuer) string{
		"Garbage":        func(*testing.T, *authtest.Issuer) string { return "not-a-jwt" },
		"ThreeDotsEmpty": func(*testing.T, *authtest.Issuer) string { return ".." },
		// The contract allows at most 60 s of clock skew.
		"ExpiredBeyondSkew": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithExpiry(now().Add(-90*time.Second)))
		},
		"NotYetValidBeyondSkew": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithNotBefore(now().Add(90*time.Second)))
		},
		"IssuedInTheFutureBeyondSkew": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithClaim("iat", now().Add(90*time.Second).Unix()), authtest.WithExpiry(now().Add(20*time.Minute)))
		},
		"NoExpiry": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithoutClaim("exp"))
		},
		"WrongIssuer": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithIssuer("https://evil.example"))
		},
		"NoIssuer": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithoutClaim("iss"))
		},
		"WrongAudience": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithAudience("https://other.example"))
		},
		"AudienceArrayWithoutUs": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithClaim("aud", []string{"https://other.example"}))
		},
		"NoSubject": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithoutClaim("sub"))
		},
		"EmptySubject": func(t *testing.T, iss *authtest.Issuer) string { return iss.Token(t, "") },
		"SubjectOver255Chars": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, strings.Repeat("u", 256))
		},
		"NumericSubject": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithClaim("sub", 42))
		},
		"AlgNone": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.SignRaw(t, map[string]any{"alg": "none", "kid": authtest.KIDEd25519}, iss.Claims(userA), authtest.NoneSigner())
		},
		"AlgNoneWithoutKID": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.SignRaw(t, map[string]any{"alg": "none"}, iss.Claims(userA), authtest.NoneSigner())
		},
		"HS256WithPublicKeyAsSecret": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.SignRaw(t, map[string]any{"alg": "HS256", "kid": authtest.KIDRSA}, iss.Claims(userA), authtest.HMACSigner(iss.PublicKeyPEM(t, authtest.KIDRSA)))
		},
		"HS256WithoutKID": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.SignRaw(t, map[string]any{"alg": "HS256"}, iss.Claims(userA), authtest.HMACSigner([]byte("secret")))
		},
		"UnknownKID": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA, authtest.WithHeader("kid", "no-such-key"))
		},
		"AlgDoesNotMatchKey": func(t *testing.T, iss *authtest.Issuer) string {
			// Signed by the P-256 key but claiming the Ed25519 key's kid.
			return iss.Token(t, userA, authtest.WithKey(authtest.KIDP256), authtest.WithHeader("kid", authtest.KIDEd25519))
		},
		"PS256SignatureUnderRS256Header": func(t *testing.T, iss *authtest.Issuer) string {
			sig := iss.Signer(t, authtest.KIDRSA, "PS256")
			return iss.SignRaw(t, map[string]any{"alg": "RS256", "kid": authtest.KIDRSA}, iss.Claims(userA), sig)
		},
		"PayloadSwapped": func(t *testing.T, iss *authtest.Issuer) string {
			a := strings.Split(iss.Token(t, userA), ".")
			b := strings.Split(iss.Token(t, userB), ".")
			return a[0] + "." + b[1] + "." + a[2]
		},
		"SignatureStripped": func(t *testing.T, iss *authtest.Issuer) string {
			a := strings.Split(iss.Token(t, userA), ".")
			return a[0] + "." + a[1] + "."
		},
		"TokenWithWhitespace": func(t *testing.T, iss *authtest.Issuer) string {
			return iss.Token(t, userA) + " extra"
		},
	}
	svc := setup(t)
	// Every refused token gets the same answer: it does not say why.
	ref := svc.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: "not-a-jwt"}).Problem(t)
	// Past UnknownKIDRefresh, so that an unknown kid makes the verifier look again.
	time.Sleep(150 * time.Millisecond)
	for name, mint := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := svc.sub(t)
			task := f.createA(t, map[string]any{"title": "mine"})
			tok := mint(t, f.Issuer)
			for _, req := range everyRoute(task.Id) {
				req.Header = map[string]string{"Authorization": "Bearer " + tok}
				r := f.Do(t, req)
				wantUnauthorized(t, r, challengeInvalid)
				if p := r.Problem(t); p.Type != ref.Type || p.Title != ref.Title || *p.Detail != *ref.Detail || p.Errors != nil {
					t.Errorf("401 differs from any other refused token's: %s", r.Body)
				}
			}
			got, _ := f.get(t, f.tokA, task.Id)
			sameTask(t, got, task)
		})
	}
}

// A caller without a valid token learns nothing about the rest of its request.
func TestAuthFailureHidesValidationDetails(t *testing.T) {
	t.Parallel()
	f := setup(t)
	bad := []apitest.Req{
		{Method: http.MethodPost, Path: "/api/tasks", Body: map[string]any{"title": "", "id": "x", "priority": "urgent"}},
		{Method: http.MethodPost, Path: "/api/tasks", Body: `{"title":`},
		{Method: http.MethodPost, Path: "/api/tasks", Body: "hello", ContentType: "text/plain"},
		{Method: http.MethodGet, Path: "/api/tasks?limit=0&sort=nonsense"},
		{Method: http.MethodGet, Path: "/api/tasks/not-a-uuid"},
		{Method: http.MethodPatch, Path: taskPath(uuid.New()) + "/complete", Body: map[string]any{}},
	}
	for _, tok := range map[string]string{"NoToken": "", "ExpiredToken": f.Token(t, userA, authtest.WithExpiry(time.Now().Add(-time.Hour)))} {
		for _, req := range bad {
			req.Token = tok
			r := f.Do(t, req)
			wantStatus(t, r, http.StatusUnauthorized)
			p := r.Problem(t)
			if p.Errors != nil {
				t.Errorf("%s %s: 401 lists field errors: %s", req.Method, req.Path, r.Body)
			}
			if p.Detail != nil {
				for _, leak := range []string{"title", "priority", "limit", "sort", "uuid", "UUID", "JSON", "Content-Type", "body", "parameter"} {
					if strings.Contains(*p.Detail, leak) {
						t.Errorf("%s %s: 401 detail mentions %q: %s", req.Method, req.Path, leak, r.Body)
					}
				}
			}
		}
	}
}

func TestAuthAcceptedTokens(t *testing.T) {
	t.Parallel()
	svc := setup(t)
	// Keys published after start (PS256, a rotation, an entry without alg) are fetched on
	// the first unknown kid, at most once per UnknownKIDRefresh (100 ms in tests).
	ps256 := svc.Issuer.AddKey(t, "ps1", "PS256", true)
	rotated := svc.Issuer.Rotate(t)
	noAlg := svc.Issuer.AddKey(t, "ed-noalg", "EdDSA", false)
	time.Sleep(150 * time.Millisecond)
	cases := map[string][]authtest.TokenOption{
		"EdDSALikeBetterAuth":   nil,
		"ES256":                 {authtest.WithKey(authtest.KIDP256)},
		"RS256":                 {authtest.WithKey(authtest.KIDRSA)},
		"PS256":                 {authtest.WithKey(ps256)},
		"RotatedKeyNew":         {authtest.WithKey(rotated)},
		"RotatedKeyOldStillOK":  {authtest.WithKey(authtest.KIDEd25519)},
		"JWKSEntryWithoutAlg":   {authtest.WithKey(noAlg)},
		"AudienceArrayWithUs":   {authtest.WithClaim("aud", []string{"https://other.example", svc.Issuer.Audience()})},
		"WithTypJWT":            {authtest.WithHeader("typ", "JWT")},
		"LowercaseBearerScheme": nil,
		"Subject255Characters":  {authtest.WithClaim("sub", strings.Repeat("s", 255))},
		"Subject1Character":     {authtest.WithClaim("sub", "s")},
		"SubjectIsAUUID":        {authtest.WithClaim("sub", "0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10")},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok := svc.Token(t, userFor(t, "a"), opts...)
			scheme := "Bearer "
			if name == "LowercaseBearerScheme" {
				scheme = "bearer "
			}
			auth := map[string]string{"Authorization": scheme + tok}
			r := svc.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Header: auth, Body: map[string]any{"title": "mine"}})
			wantStatus(t, r, http.StatusCreated)
			task := r.Task(t)
			r = svc.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Header: auth})
			wantStatus(t, r, http.StatusOK)
			// The same user with the default token sees the task too: identity is sub alone.
			if name != "Subject255Characters" && name != "Subject1Character" && name != "SubjectIsAUUID" {
				f := svc.sub(t)
				if got, _ := f.get(t, f.tokA, task.Id); got.Id != task.Id {
					t.Errorf("got task %s, want %s", got.Id, task.Id)
				}
			}
		})
	}
}

// Identity comes from the token's sub only: an X-User-ID header naming another user is ignored.
func TestAuthXUserIDHeaderIsNotTrusted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	task := f.createA(t, map[string]any{"title": "A's secret"})
	spoof := map[string]string{"X-User-ID": userA, "X-User-Id": userA, "X-Forwarded-User": userA}

	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: taskPath(task.Id), Token: f.tokB, Header: spoof})
	wantProblem(t, r, http.StatusNotFound)

	tasks, _ := f.list(t, f.tokB, "")
	if len(tasks) != 0 {
		t.Errorf("B listing with X-User-ID: A sees %d tasks", len(tasks))
	}
	r = f.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: f.tokB, Header: spoof, Body: map[string]any{"title": "B's"}})
	wantStatus(t, r, http.StatusCreated)
	aTasks, _ := f.list(t, f.tokA, "")
	if len(aTasks) != 1 || aTasks[0].Id != task.Id {
		t.Errorf("A's tasks after B posted with X-User-ID: A: %q", titles(aTasks))
	}
}

// Once keys have loaded, an outage of the issuer's JWKS does not stop known keys from
// working, and a token with an unknown kid is still 401 (not 503, not 500).
func TestAuthJWKSOutageAfterStart(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.Issuer.SetDown(true)
	time.Sleep(150 * time.Millisecond) // past UnknownKIDRefresh: an unknown kid will try a fetch
	r := f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.tokA})
	wantStatus(t, r, http.StatusOK)
	r = f.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: f.Token(t, userA, authtest.WithHeader("kid", "unknown"))})
	wantUnauthorized(t, r, challengeInvalid)
}
