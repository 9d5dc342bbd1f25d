package securitytest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/todo-api/todo-api/internal/apitest"
	"github.com/todo-api/todo-api/internal/authtest"
)

// The JWT attack matrix (issue 6, item 2; RFC 8725). Every hostile token claims to be A,
// the owner of a task, and is sent to every operation of the contract with an otherwise
// valid request: each must get 401 problem+json with the right WWW-Authenticate challenge
// (never 403, never 5xx), A's task must not change, and the attacker's key server, named
// in jku/x5u headers, must never be contacted.

const (
	challengeMissing = `Bearer`
	challengeInvalid = `Bearer error="invalid_token"`
)

// attacker is a key server an attacker controls: its own Ed25519 key, published as a JWKS
// (under its own kid and under the victim issuer's kid) and as an X.509 certificate.
type attacker struct {
	srv     *httptest.Server
	hits    atomic.Int64
	priv    ed25519.PrivateKey
	certDER []byte
}

func newAttacker(t *testing.T) *attacker {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "attacker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	a := &attacker{priv: priv, certDER: der}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.hits.Add(1)
		switch r.URL.Path {
		case "/jwks.json":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{a.jwk("attacker-1"), a.jwk(authtest.KIDEd25519)}})
		case "/cert.pem":
			_ = pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: der})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// jwk is the attacker's public key as a JWK under kid.
func (a *attacker) jwk(kid string) map[string]any {
	return map[string]any{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": kid,
		"x": base64.RawURLEncoding.EncodeToString(a.priv.Public().(ed25519.PublicKey))}
}

func (a *attacker) sign(in []byte) ([]byte, error) { return ed25519.Sign(a.priv, in), nil }

// jwtAttack is one way to present credentials.
type jwtAttack struct {
	name string
	// authz returns the Authorization header values to send (none, one or several) and,
	// optionally, a query string to add.
	authz     func(t *testing.T) (values []string, query string)
	challenge string
}

// bearer wraps a token in the one Authorization value most attacks send.
func bearer(tok string) func(*testing.T) ([]string, string) {
	return func(*testing.T) ([]string, string) { return []string{"Bearer " + tok}, "" }
}

// jwtAttacks builds the matrix against iss for a token claiming victim; valid is a token
// of the victim's that the server has already accepted (and so has cached).
func jwtAttacks(t *testing.T, iss *authtest.Issuer, atk *attacker, victim, valid string) []jwtAttack {
	now := time.Now()
	claims := func(edit func(map[string]any)) map[string]any {
		c := iss.Claims(victim)
		if edit != nil {
			edit(c)
		}
		return c
	}
	ed1 := iss.Signer(t, authtest.KIDEd25519, "")
	rsaPEM := iss.PublicKeyPEM(t, authtest.KIDRSA)
	rsaDER, _ := pem.Decode(rsaPEM)
	rsaJWK := mustJSON(t, iss.PublicJWK(t, authtest.KIDRSA))
	edRaw, _ := base64.RawURLEncoding.DecodeString(iss.PublicJWK(t, authtest.KIDEd25519)["x"].(string))
	other := authtest.NewIssuer(t) // same kids, other keys
	hostile := func(header map[string]any, c map[string]any, sign authtest.SignFunc) string {
		return iss.SignRaw(t, header, c, sign)
	}
	tok := func(opts ...authtest.TokenOption) string { return iss.Token(t, victim, opts...) }

	type row = jwtAttack
	rows := []row{
		// alg none, in every spelling.
		{name: "AlgNone", authz: bearer(hostile(map[string]any{"alg": "none", "kid": authtest.KIDEd25519}, claims(nil), authtest.NoneSigner()))},
		{name: "AlgNoneWithoutKid", authz: bearer(hostile(map[string]any{"alg": "none"}, claims(nil), authtest.NoneSigner()))},
		{name: "AlgNONE", authz: bearer(hostile(map[string]any{"alg": "NONE", "kid": authtest.KIDEd25519}, claims(nil), authtest.NoneSigner()))},
		{name: "AlgNoneWithValidSignatureKept", authz: bearer(func() string {
			parts := strings.Split(valid, ".")
			none := hostile(map[string]any{"alg": "none", "kid": authtest.KIDEd25519}, claims(nil), authtest.NoneSigner())
			return strings.TrimSuffix(none, ".") + "." + parts[2]
		}())},
		// Algorithm confusion: HMAC keyed with the public key, in the forms a library might
		// hand to HMAC.
		{name: "HS256WithRSAPublicKeyPEM", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": authtest.KIDRSA}, claims(nil), authtest.HMACSigner(rsaPEM)))},
		{name: "HS256WithRSAPublicKeyDER", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": authtest.KIDRSA}, claims(nil), authtest.HMACSigner(rsaDER.Bytes)))},
		{name: "HS256WithRSAPublicKeyJWK", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": authtest.KIDRSA}, claims(nil), authtest.HMACSigner(rsaJWK)))},
		{name: "HS512WithRSAPublicKeyPEM", authz: bearer(hostile(map[string]any{"alg": "HS512", "kid": authtest.KIDRSA}, claims(nil), authtest.HMACSigner(rsaPEM)))},
		{name: "HS256WithECPublicKeyPEM", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": authtest.KIDP256}, claims(nil), authtest.HMACSigner(iss.PublicKeyPEM(t, authtest.KIDP256))))},
		{name: "HS256WithEd25519PublicKeyRaw", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": authtest.KIDEd25519}, claims(nil), authtest.HMACSigner(edRaw)))},
		{name: "HS256KidPathTraversalEmptyKey", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": "../../../../../../dev/null"}, claims(nil), authtest.HMACSigner(nil)))},
		{name: "HS256KidSQLInjection", authz: bearer(hostile(map[string]any{"alg": "HS256", "kid": "x' UNION SELECT 'k' --"}, claims(nil), authtest.HMACSigner([]byte("k"))))},
		// Keys the verifier does not have, or must not take from the token.
		{name: "UnknownKid", authz: bearer(tok(authtest.WithHeader("kid", "no-such-kid")))},
		{name: "RS256HeaderOnEd25519Kid", authz: bearer(hostile(map[string]any{"alg": "RS256", "kid": authtest.KIDEd25519}, claims(nil), iss.Signer(t, authtest.KIDRSA, "RS256")))},
		{name: "SameKidOtherIssuersKey", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519}, claims(nil), other.Signer(t, authtest.KIDEd25519, "")))},
		{name: "JKUToAttackerJWKS", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": "attacker-1", "jku": atk.srv.URL + "/jwks.json"}, claims(nil), atk.sign))},
		{name: "JKUToAttackerJWKSWithKnownKid", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519, "jku": atk.srv.URL + "/jwks.json"}, claims(nil), atk.sign))},
		{name: "X5UToAttackerCert", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": "attacker-1", "x5u": atk.srv.URL + "/cert.pem"}, claims(nil), atk.sign))},
		{name: "X5UToAttackerCertWithKnownKid", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519, "x5u": atk.srv.URL + "/cert.pem"}, claims(nil), atk.sign))},
		{name: "X5CAttackerCert", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519, "x5c": []string{base64.StdEncoding.EncodeToString(atk.certDER)}}, claims(nil), atk.sign))},
		{name: "EmbeddedJWK", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": "attacker-1", "jwk": atk.jwk("attacker-1")}, claims(nil), atk.sign))},
		{name: "EmbeddedJWKWithKnownKid", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519, "jwk": atk.jwk(authtest.KIDEd25519)}, claims(nil), atk.sign))},
		{name: "EmbeddedJWKWithoutKid", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "jwk": atk.jwk("attacker-1")}, claims(nil), atk.sign))},
		{name: "UnknownCriticalHeader", authz: bearer(hostile(map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519, "crit": []string{"x-must-understand"}, "x-must-understand": true}, claims(nil), ed1))},
		// Claims.
		{name: "Expired", authz: bearer(tok(authtest.WithExpiry(now.Add(-2 * time.Minute))))},
		{name: "NotBeforeInTheFuture", authz: bearer(tok(authtest.WithNotBefore(now.Add(time.Hour)), authtest.WithExpiry(now.Add(2*time.Hour))))},
		{name: "IssuedInTheFuture", authz: bearer(tok(authtest.WithClaim("iat", now.Add(time.Hour).Unix()), authtest.WithExpiry(now.Add(2*time.Hour))))},
		{name: "WrongIssuer", authz: bearer(tok(authtest.WithIssuer("https://evil.example")))},
		{name: "IssuerWithTrailingSlash", authz: bearer(tok(authtest.WithIssuer(iss.IssuerName() + "/")))},
		{name: "MissingIssuer", authz: bearer(tok(authtest.WithoutClaim("iss")))},
		{name: "WrongAudience", authz: bearer(tok(authtest.WithAudience("https://evil.example")))},
		{name: "AudienceArrayWithoutUs", authz: bearer(tok(authtest.WithClaim("aud", []string{"https://evil.example"})))},
		{name: "MissingAudience", authz: bearer(tok(authtest.WithoutClaim("aud")))},
		{name: "MissingExp", authz: bearer(tok(authtest.WithoutClaim("exp")))},
		{name: "ExpAsString", authz: bearer(tok(authtest.WithClaim("exp", "99999999999")))},
		{name: "MissingSub", authz: bearer(tok(authtest.WithoutClaim("sub")))},
		{name: "EmptySub", authz: bearer(iss.Token(t, ""))},
		{name: "NumericSub", authz: bearer(tok(authtest.WithClaim("sub", 42)))},
		{name: "SubOver255Chars", authz: bearer(iss.Token(t, strings.Repeat("a", 256)))},
		{name: "ClaimsNotAnObject", authz: bearer(iss.SignRaw(t, map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519}, nil, ed1))},
		// NumericDates that are not JSON numbers of seconds since 1970 (issue 12, item 6):
		// signed by the trusted issuer, still refused. NaN compares false with everything,
		// so an exp of NaN would never expire.
		{name: "ExpNaN", authz: bearer(tok(authtest.WithRawClaim("exp", "NaN")))},
		{name: "ExpNaNLowerCase", authz: bearer(tok(authtest.WithRawClaim("exp", "nan")))},
		{name: "ExpInf", authz: bearer(tok(authtest.WithRawClaim("exp", "inf")))},
		{name: "ExpInfinity", authz: bearer(tok(authtest.WithRawClaim("exp", "Infinity")))},
		{name: "ExpLeadingZero", authz: bearer(tok(authtest.WithRawClaim("exp", "0"+strconv.FormatInt(now.Add(time.Hour).Unix(), 10))))},
		{name: "Exp1e400", authz: bearer(tok(authtest.WithRawClaim("exp", "1e400")))},
		{name: "ExpHexadecimal", authz: bearer(tok(authtest.WithRawClaim("exp", "0x7fffffff")))},
		{name: "ExpRFC3339String", authz: bearer(tok(authtest.WithClaim("exp", now.Add(time.Hour).UTC().Format(time.RFC3339))))},
		{name: "ExpNumericStringInTheFuture", authz: bearer(tok(authtest.WithClaim("exp", strconv.FormatInt(now.Add(time.Hour).Unix(), 10))))},
		{name: "ExpNull", authz: bearer(tok(authtest.WithRawClaim("exp", "null")))},
		{name: "ExpBoolean", authz: bearer(tok(authtest.WithRawClaim("exp", "true")))},
		{name: "ExpNegative", authz: bearer(tok(authtest.WithRawClaim("exp", "-1")))},
		{name: "NbfNaN", authz: bearer(tok(authtest.WithRawClaim("nbf", "NaN")))},
		{name: "NbfInf", authz: bearer(tok(authtest.WithRawClaim("nbf", "-inf")))},
		{name: "NbfLeadingZero", authz: bearer(tok(authtest.WithRawClaim("nbf", "0"+strconv.FormatInt(now.Add(-time.Hour).Unix(), 10))))},
		{name: "Nbf1e400", authz: bearer(tok(authtest.WithRawClaim("nbf", "-1e400")))},
		{name: "NbfNumericString", authz: bearer(tok(authtest.WithClaim("nbf", strconv.FormatInt(now.Add(-time.Hour).Unix(), 10))))},
		{name: "NbfNegative", authz: bearer(tok(authtest.WithRawClaim("nbf", "-1")))},
		{name: "IatNaN", authz: bearer(tok(authtest.WithRawClaim("iat", "NaN")))},
		{name: "IatInf", authz: bearer(tok(authtest.WithRawClaim("iat", "-inf")))},
		{name: "IatLeadingZero", authz: bearer(tok(authtest.WithRawClaim("iat", "0"+strconv.FormatInt(now.Unix(), 10))))},
		{name: "Iat1e400", authz: bearer(tok(authtest.WithRawClaim("iat", "-1e400")))},
		{name: "IatNumericString", authz: bearer(tok(authtest.WithClaim("iat", strconv.FormatInt(now.Unix(), 10))))},
		{name: "IatNegative", authz: bearer(tok(authtest.WithRawClaim("iat", "-1")))},
		// sub: 1..255 characters of valid UTF-8, no control characters, a JSON string.
		{name: "SubWithNUL", authz: bearer(iss.Token(t, victim+"\x00"))},
		{name: "SubNULOnly", authz: bearer(iss.Token(t, "\x00"))},
		{name: "SubWithControlCharacter", authz: bearer(iss.Token(t, victim+"\x1f"))},
		{name: "SubWithDEL", authz: bearer(iss.Token(t, victim+"\x7f"))},
		{name: "SubWithC1Control", authz: bearer(iss.Token(t, victim+"\u0085"))},
		{name: "SubWithNewline", authz: bearer(iss.Token(t, victim+"\n"))},
		{name: "SubInvalidUTF8", authz: bearer(tok(authtest.WithRawClaim("sub", `"`+victim+"\xff\xfe"+`"`)))},
		{name: "SubNull", authz: bearer(tok(authtest.WithRawClaim("sub", "null")))},
		{name: "SubArray", authz: bearer(tok(authtest.WithClaim("sub", []string{victim})))},
		{name: "SubObject", authz: bearer(tok(authtest.WithClaim("sub", map[string]string{"id": victim})))},
		{name: "SubBoolean", authz: bearer(tok(authtest.WithClaim("sub", true)))},
		// Size and shape.
		{name: "Token100KBValidlySigned", authz: bearer(tok(authtest.WithClaim("pad", strings.Repeat("x", 100<<10))))},
		{name: "Garbage100KB", authz: bearer(strings.Repeat("a", 100<<10))},
		{name: "SignatureSpliced", authz: bearer(func() string {
			a, b := strings.Split(valid, "."), strings.Split(iss.Token(t, "someone-else"), ".")
			return a[0] + "." + a[1] + "." + b[2]
		}())},
		{name: "SignatureStripped", authz: bearer(strings.Join(strings.Split(valid, ".")[:2], ".") + ".")},
		{name: "TrailingDot", authz: bearer(valid + ".")},
		{name: "JWEShapedFiveParts", authz: bearer(valid + ".AAAA.BBBB")},
		// The Authorization header itself.
		{name: "LowerCaseBearerWithHostileToken", authz: func(t *testing.T) ([]string, string) {
			return []string{"bearer " + hostile(map[string]any{"alg": "none", "kid": authtest.KIDEd25519}, claims(nil), authtest.NoneSigner())}, ""
		}},
		{name: "TwoAuthorizationHeaders", authz: func(t *testing.T) ([]string, string) {
			return []string{"Bearer " + valid, "Bearer " + valid}, ""
		}},
		{name: "TwoAuthorizationHeadersValidAndForged", authz: func(t *testing.T) ([]string, string) {
			return []string{"Bearer " + valid, "Bearer " + tok(authtest.WithHeader("kid", "no-such-kid"))}, ""
		}},
		{name: "TwoTokensInOneHeader", authz: func(t *testing.T) ([]string, string) {
			return []string{"Bearer " + valid + ", Bearer " + valid}, ""
		}},
		{name: "MissingBearerPrefix", challenge: challengeMissing, authz: func(t *testing.T) ([]string, string) {
			return []string{valid}, ""
		}},
		{name: "OtherScheme", challenge: challengeMissing, authz: func(t *testing.T) ([]string, string) {
			return []string{"Token " + valid}, ""
		}},
		{name: "BearerWithoutToken", challenge: challengeMissing, authz: func(t *testing.T) ([]string, string) {
			return []string{"Bearer "}, ""
		}},
		{name: "NoAuthorization", challenge: challengeMissing, authz: func(t *testing.T) ([]string, string) { return nil, "" }},
		// RFC 6750 §2.3 allows a token in the query; this service takes headers only.
		{name: "AccessTokenInQuery", challenge: challengeMissing, authz: func(t *testing.T) ([]string, string) {
			return nil, "access_token=" + valid
		}},
	}
	// Non-canonical base64url (RFC 7515 §2: unpadded, unused bits zero). The victim's own,
	// already accepted token with its signature spelled another way (32 spellings of an
	// Ed25519 signature decode alike: 16 last characters, with and without `==`), and the
	// issuer's signature over a header or payload it encoded another way.
	parts := strings.Split(valid, ".")
	for _, r := range authtest.Respellings(parts[2]) {
		rows = append(rows, row{name: "Signature" + r.Name, authz: bearer(parts[0] + "." + parts[1] + "." + r.Segment)})
	}
	hdr := authtest.SegmentWithSpareBits(t, map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519})
	payload := authtest.SegmentWithSpareBits(t, claims(nil))
	for _, r := range authtest.Respellings(hdr) {
		rows = append(rows, row{name: "Header" + r.Name, authz: bearer(iss.SignEncoded(t, r.Segment, payload, ed1))})
	}
	for _, r := range authtest.Respellings(payload) {
		rows = append(rows, row{name: "Payload" + r.Name, authz: bearer(iss.SignEncoded(t, hdr, r.Segment, ed1))})
	}
	for i := range rows {
		if rows[i].challenge == "" {
			rows[i].challenge = challengeInvalid
		}
	}
	return rows
}

// sendAuthz sends o for task id with the Authorization values authz (and extra query), as
// apitest.Do would (contract-validated) when there is at most one value, else by hand.
func sendAuthz(t *testing.T, env *apitest.Env, o operation, at attempt, id string, authz []string, query string) *apitest.Response {
	t.Helper()
	req := at.req(o, id, "", "", "")
	if query != "" {
		sep := "?"
		if strings.Contains(req.Path, "?") {
			sep = "&"
		}
		req.Path += sep + query
	}
	if len(authz) <= 1 {
		if len(authz) == 1 {
			req.Header = map[string]string{"Authorization": authz[0]}
		}
		return env.Do(t, req)
	}
	var rd io.Reader
	if req.Body != nil {
		rd = bytes.NewReader(req.Body.([]byte))
	}
	hr, err := http.NewRequest(req.Method, env.URL+req.Path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if req.ContentType != "" {
		hr.Header.Set("Content-Type", req.ContentType)
	}
	for _, v := range authz {
		hr.Header.Add("Authorization", v)
	}
	res, err := env.Client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return &apitest.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// wantRefused checks a refused authentication: 401 problem+json with exactly challenge.
func wantRefused(t *testing.T, what string, r *apitest.Response, challenge string) {
	t.Helper()
	switch {
	case r.Status == http.StatusForbidden:
		t.Errorf("%s: 403 for an authentication failure, want 401: %s", what, r.Body)
		return
	case r.Status >= 500:
		t.Errorf("%s: %d, want 401: %s", what, r.Status, r.Body)
		return
	case r.Status != http.StatusUnauthorized:
		t.Errorf("%s: %d, want 401: %s", what, r.Status, r.Body)
		return
	}
	p := r.Problem(t)
	if p.Errors != nil {
		t.Errorf("%s: a 401 that lists field errors tells an unauthenticated caller about its request: %s", what, r.Body)
	}
	if got := r.Header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != challenge {
		t.Errorf("%s: WWW-Authenticate %q, want %q", what, got, challenge)
	}
}

func TestJWTAttacksAreRefusedOverHTTP(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	atk := newAttacker(t)
	doc := loadContract(t)
	victim := userID(t, "victim")
	tokA := env.Token(t, victim)
	task := create(t, env, tokA, victimBody("jwt"), nil)
	before := snapshot(t, env, "tasks", victim, tokA, task.Id)
	// Past UnknownKIDRefresh, so the unknown kids below do make the verifier look again.
	time.Sleep(150 * time.Millisecond)

	ops := contractOperations(doc)
	t.Run("Matrix", func(t *testing.T) {
		for _, a := range jwtAttacks(t, env.Issuer, atk, victim, tokA) {
			t.Run(a.name, func(t *testing.T) {
				t.Parallel()
				values, query := a.authz(t)
				for _, o := range ops {
					at := attempts(t, doc, o)[0]
					id := task.Id.String()
					r := sendAuthz(t, env, o, at, id, values, query)
					wantRefused(t, o.String(), r, a.challenge)
				}
			})
		}
	})
	if n := atk.hits.Load(); n != 0 {
		t.Errorf("the attacker's key server was contacted %d times", n)
	}
	sameState(t, "JWT attacks", before, snapshot(t, env, "tasks", victim, tokA, task.Id))
}

// The contract and RFC 9110 §11.1 make the auth scheme case-insensitive: a valid token
// under "bearer" is accepted. (Only hostile tokens are refused whatever the spelling; see
// LowerCaseBearerWithHostileToken above.)
func TestJWTSchemeIsCaseInsensitive(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	tok := env.Token(t, userID(t, "a"))
	for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
		r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Header: map[string]string{"Authorization": scheme + " " + tok}})
		if r.Status != http.StatusOK {
			t.Errorf("%q scheme with a valid token: %d %s", scheme, r.Status, r.Body)
		}
	}
}

func TestJWTRemovedKeyIsRefusedAfterRotation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	victim := userID(t, "victim")
	old := env.Token(t, victim) // signed by ed1
	if r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: old}); r.Status != http.StatusOK {
		t.Fatalf("the token of the current key: %d %s", r.Status, r.Body)
	}

	// The issuer rotates: a new key is published and ed1 withdrawn.
	newKID := env.Issuer.Rotate(t)
	env.Issuer.RemoveKey(authtest.KIDEd25519)
	fetches := env.Issuer.Fetches()
	time.Sleep(150 * time.Millisecond) // past UnknownKIDRefresh
	// The first token with the new kid makes the verifier refresh its key set.
	fresh := env.Token(t, victim, authtest.WithKey(newKID))
	if r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks", Token: fresh}); r.Status != http.StatusOK {
		t.Fatalf("a token of the rotated-in key: %d %s", r.Status, r.Body)
	}
	if env.Issuer.Fetches() == fetches {
		t.Fatal("the verifier did not refetch the JWKS for the new kid")
	}
	id := uuid.NewString()
	for name, tok := range map[string]string{
		"TokenIssuedBeforeRemoval": old,
		"TokenIssuedAfterRemoval":  env.Token(t, victim), // still signed by ed1, which the issuer no longer publishes
	} {
		t.Run(name, func(t *testing.T) {
			for _, req := range []apitest.Req{
				{Method: http.MethodGet, Path: "/api/tasks", Token: tok},
				{Method: http.MethodDelete, Path: "/api/tasks/" + id, Token: tok},
				{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: map[string]any{"title": "x"}},
			} {
				wantRefused(t, req.Method+" "+req.Path, env.Do(t, req), challengeInvalid)
			}
		})
	}
}
