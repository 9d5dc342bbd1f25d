package auth_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/authtest"
)

// sub is a Better-Auth-like user id (32 characters, not a UUID).
const sub = "Yq3kVZ0bN8cL2xWm4TfR7pHs9JdA1uEo"

// newVerifier starts a Verifier for cfg and closes it at the end of the test.
func newVerifier(t *testing.T, cfg auth.Config) *auth.Verifier {
	t.Helper()
	v, err := auth.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("auth.New: %v", err)
	}
	t.Cleanup(v.Close)
	return v
}

// eventually retries f until it returns nil or d passes.
func eventually(t *testing.T, d time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %v", d, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settledFetches waits until the issuer's fetch count has been stable for 100 ms
// (New's warm-up and httprc's own first fetch race each other and may land late)
// and returns it.
func settledFetches(t *testing.T, iss *authtest.Issuer) int64 {
	t.Helper()
	n := iss.Fetches()
	for stable := time.Now(); time.Since(stable) < 100*time.Millisecond; {
		time.Sleep(10 * time.Millisecond)
		if m := iss.Fetches(); m != n {
			n, stable = m, time.Now()
		}
	}
	return n
}

// b64 is unpadded base64url.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// withHostileKeys publishes entries the verifier must ignore without losing the
// rest of the set: an oct key, an Ed448 key, a copy of ed1 marked use=enc, an
// RSA-1024 key and a P-384 key. It returns signers for the last two.
func withHostileKeys(t *testing.T, iss *authtest.Issuer) (rsa1024, p384 authtest.SignFunc) {
	t.Helper()
	iss.AddRawJWK(map[string]any{"kty": "oct", "kid": "hs1", "k": b64([]byte("shared-secret-shared-secret-1234"))})
	ed448 := make([]byte, 57)
	_, _ = rand.Read(ed448)
	iss.AddRawJWK(map[string]any{"kty": "OKP", "crv": "Ed448", "kid": "ed448", "x": b64(ed448), "alg": "EdDSA"})
	enc := iss.PublicJWK(t, authtest.KIDEd25519)
	enc["kid"], enc["use"] = "enc1", "enc"
	iss.AddRawJWK(enc)

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	iss.AddRawJWK(map[string]any{"kty": "RSA", "kid": "rsa1024", "n": b64(small.N.Bytes()), "e": "AQAB"})
	rsa1024 = func(in []byte) ([]byte, error) {
		h := sha256.Sum256(in)
		return rsa.SignPKCS1v15(rand.Reader, small, crypto.SHA256, h[:])
	}

	p, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	point, err := p.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	iss.AddRawJWK(map[string]any{"kty": "EC", "crv": "P-384", "kid": "p384", "x": b64(point[1:49]), "y": b64(point[49:])})
	p384 = func(in []byte) ([]byte, error) {
		h := sha256.Sum256(in)
		r, s, err := ecdsa.Sign(rand.Reader, p, h[:])
		if err != nil {
			return nil, err
		}
		sig := make([]byte, 96)
		r.FillBytes(sig[:48])
		s.FillBytes(sig[48:])
		return sig, nil
	}
	return rsa1024, p384
}

func TestVerifyAccepts(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	withHostileKeys(t, iss) // unusable entries must not void the set
	iss.AddKey(t, "ed-noalg", "EdDSA", false)
	iss.AddKey(t, "ps1", "PS256", true)
	iss.AddKey(t, "rsa-noalg", "RS256", false)
	iss.AddKey(t, "ec-noalg", "ES256", false)
	v := newVerifier(t, iss.AuthConfig())
	now := time.Now()

	tests := []struct {
		name string
		sub  string
		opts []authtest.TokenOption
	}{
		{name: "EdDSA"},
		{name: "ES256", opts: []authtest.TokenOption{authtest.WithKey(authtest.KIDP256)}},
		{name: "RS256", opts: []authtest.TokenOption{authtest.WithKey(authtest.KIDRSA)}},
		{name: "PS256", opts: []authtest.TokenOption{authtest.WithKey("ps1")}},
		{name: "BetterAuthKeyWithoutAlg", opts: []authtest.TokenOption{authtest.WithKey("ed-noalg")}},
		{name: "RS256KeyWithoutAlg", opts: []authtest.TokenOption{authtest.WithKey("rsa-noalg")}},
		{name: "PS256KeyWithoutAlg", opts: []authtest.TokenOption{authtest.WithKey("rsa-noalg"), authtest.WithAlg("PS256")}},
		{name: "ES256KeyWithoutAlg", opts: []authtest.TokenOption{authtest.WithKey("ec-noalg")}},
		{name: "TypJWTIsFine", opts: []authtest.TokenOption{authtest.WithHeader("typ", "JWT")}},
		{name: "ExpiredWithinSkew", opts: []authtest.TokenOption{authtest.WithExpiry(now.Add(-30 * time.Second))}},
		{name: "NotBeforeWithinSkew", opts: []authtest.TokenOption{authtest.WithNotBefore(now.Add(30 * time.Second))}},
		{name: "IssuedAtWithinSkew", opts: []authtest.TokenOption{authtest.WithClaim("iat", now.Add(30*time.Second).Unix())}},
		{name: "AudienceArrayContainingOurs", opts: []authtest.TokenOption{authtest.WithClaim("aud", []string{"https://other.example", iss.Audience()})}},
		{name: "NoIat", opts: []authtest.TokenOption{authtest.WithoutClaim("iat")}},
		{name: "Sub255Chars", sub: strings.Repeat("a", 255)},
		{name: "Sub255MultiByteChars", sub: strings.Repeat("é", 255)},
		{name: "SubWithSpacesAndNonASCII", sub: "Zoë 用户 ✓"},
		{name: "ExpFractional", opts: []authtest.TokenOption{authtest.WithRawClaim("exp", strconv.FormatInt(now.Add(time.Hour).Unix(), 10)+".5")}},
		{name: "ExpExponent", opts: []authtest.TokenOption{authtest.WithRawClaim("exp", strconv.FormatFloat(float64(now.Add(time.Hour).Unix()), 'e', -1, 64))}},
		{name: "ExpAfterWhitespace", opts: []authtest.TokenOption{authtest.WithRawClaim("exp", " \n "+strconv.FormatInt(now.Add(time.Hour).Unix(), 10))}},
		{name: "NbfAtTheEpoch", opts: []authtest.TokenOption{authtest.WithClaim("nbf", 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := sub
			if tt.sub != "" {
				want = tt.sub
			}
			got, err := v.Verify(t.Context(), iss.Token(t, want, tt.opts...))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != want {
				t.Fatalf("sub = %q, want %q", got, want)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	rsa1024, p384 := withHostileKeys(t, iss)
	attacker := authtest.NewIssuer(t) // has its own "ed1"
	v := newVerifier(t, iss.AuthConfig())
	now := time.Now()

	hdr := func(alg, kid string, extra ...any) map[string]any {
		h := map[string]any{"alg": alg}
		if kid != "" {
			h["kid"] = kid
		}
		for i := 0; i+1 < len(extra); i += 2 {
			h[extra[i].(string)] = extra[i+1]
		}
		return h
	}
	raw := func(header map[string]any, sign authtest.SignFunc) func(t *testing.T) string {
		return func(t *testing.T) string { return iss.SignRaw(t, header, iss.Claims(sub), sign) }
	}
	tok := func(opts ...authtest.TokenOption) func(t *testing.T) string {
		return func(t *testing.T) string { return iss.Token(t, sub, opts...) }
	}
	valid := iss.Token(t, sub)

	tests := []struct {
		name  string
		token func(t *testing.T) string
	}{
		{"AlgNone", raw(hdr("none", authtest.KIDEd25519), authtest.NoneSigner())},
		{"AlgNoneNoKid", raw(hdr("none", ""), authtest.NoneSigner())},
		{"AlgNoneCapitalised", raw(hdr("None", authtest.KIDEd25519), authtest.NoneSigner())},
		{"HS256WithRSAPublicKeyPEM", func(t *testing.T) string {
			return iss.SignRaw(t, hdr("HS256", authtest.KIDRSA), iss.Claims(sub), authtest.HMACSigner(iss.PublicKeyPEM(t, authtest.KIDRSA)))
		}},
		{"HS256WithRSAPublicJWK", func(t *testing.T) string {
			k, _ := json.Marshal(iss.PublicJWK(t, authtest.KIDRSA))
			return iss.SignRaw(t, hdr("HS256", authtest.KIDRSA), iss.Claims(sub), authtest.HMACSigner(k))
		}},
		{"HS256WithOctKeyFromJWKS", raw(hdr("HS256", "hs1"), authtest.HMACSigner([]byte("shared-secret-shared-secret-1234")))},
		{"EdDSAWithOctKid", raw(hdr("EdDSA", "hs1"), iss.Signer(t, authtest.KIDEd25519, ""))},
		{"UnknownKid", raw(hdr("EdDSA", "nope"), iss.Signer(t, authtest.KIDEd25519, ""))},
		{"MissingKid", tok(authtest.WithoutHeader("kid"))},
		{"EmptyKid", tok(authtest.WithHeader("kid", ""))},
		{"MissingAlg", tok(authtest.WithoutHeader("alg"))},
		{"JKUToAttackerJWKS", func(t *testing.T) string {
			return attacker.SignRaw(t, hdr("EdDSA", authtest.KIDEd25519, "jku", attacker.JWKSURL()), iss.Claims(sub), attacker.Signer(t, authtest.KIDEd25519, ""))
		}},
		{"JKUToAttackerJWKSUnknownKid", func(t *testing.T) string {
			kid := attacker.AddKey(t, "attacker-only", "EdDSA", true)
			return attacker.SignRaw(t, hdr("EdDSA", kid, "jku", attacker.JWKSURL()), iss.Claims(sub), attacker.Signer(t, kid, ""))
		}},
		{"X5UToAttacker", func(t *testing.T) string {
			return attacker.SignRaw(t, hdr("EdDSA", authtest.KIDEd25519, "x5u", attacker.JWKSURL()), iss.Claims(sub), attacker.Signer(t, authtest.KIDEd25519, ""))
		}},
		{"EmbeddedJWKOfAttacker", func(t *testing.T) string {
			return attacker.SignRaw(t, hdr("EdDSA", authtest.KIDEd25519, "jwk", attacker.PublicJWK(t, authtest.KIDEd25519)), iss.Claims(sub), attacker.Signer(t, authtest.KIDEd25519, ""))
		}},
		{"EmbeddedJWKWithoutKid", func(t *testing.T) string {
			return attacker.SignRaw(t, hdr("EdDSA", "", "jwk", attacker.PublicJWK(t, authtest.KIDEd25519)), iss.Claims(sub), attacker.Signer(t, authtest.KIDEd25519, ""))
		}},
		{"SignedByAnotherKeyWithOurKid", func(t *testing.T) string {
			return attacker.SignRaw(t, hdr("EdDSA", authtest.KIDEd25519), iss.Claims(sub), attacker.Signer(t, authtest.KIDEd25519, ""))
		}},
		{"TamperedPayload", func(*testing.T) string {
			parts := strings.Split(valid, ".")
			claims := iss.Claims("someone-else")
			b, _ := json.Marshal(claims)
			return parts[0] + "." + b64(b) + "." + parts[2]
		}},
		{"TruncatedSignature", func(*testing.T) string { return valid[:len(valid)-10] }},
		{"PS256WithKeyPinnedToRS256", tok(authtest.WithKey(authtest.KIDRSA), authtest.WithAlg("PS256"))},
		{"ES256HeaderOnEd25519Kid", raw(hdr("ES256", authtest.KIDEd25519), iss.Signer(t, authtest.KIDP256, ""))},
		{"EdDSAHeaderOnRSAKid", raw(hdr("EdDSA", authtest.KIDRSA), iss.Signer(t, authtest.KIDEd25519, ""))},
		{"RS384NotAllowed", raw(hdr("RS384", authtest.KIDRSA), iss.Signer(t, authtest.KIDRSA, ""))},
		{"Ed25519FullySpecifiedNotAllowed", raw(hdr("Ed25519", authtest.KIDEd25519), iss.Signer(t, authtest.KIDEd25519, ""))},
		{"Ed448Key", raw(hdr("EdDSA", "ed448"), func([]byte) ([]byte, error) { return make([]byte, 114), nil })},
		{"KeyWithUseEnc", raw(hdr("EdDSA", "enc1"), iss.Signer(t, authtest.KIDEd25519, ""))},
		{"RSA1024Key", raw(hdr("RS256", "rsa1024"), rsa1024)},
		{"P384Key", raw(hdr("ES256", "p384"), p384)},
		{"UnknownCritHeader", tok(authtest.WithHeader("crit", []string{"exp-x"}), authtest.WithHeader("exp-x", 1))},
		{"B64FalseHeader", tok(authtest.WithHeader("b64", false), authtest.WithHeader("crit", []string{"b64"}))},
		{"Expired", tok(authtest.WithExpiry(now.Add(-2 * time.Minute)))},
		{"NotBeforeInFuture", tok(authtest.WithNotBefore(now.Add(2 * time.Minute)))},
		{"IssuedInFuture", tok(authtest.WithClaim("iat", now.Add(2*time.Minute).Unix()))},
		{"WrongIssuer", tok(authtest.WithIssuer("https://evil.example"))},
		{"IssuerWithTrailingSlash", tok(authtest.WithIssuer(iss.IssuerName() + "/"))},
		{"MissingIssuer", tok(authtest.WithoutClaim("iss"))},
		{"WrongAudience", tok(authtest.WithAudience("https://evil.example"))},
		{"AudienceArrayWithoutOurs", tok(authtest.WithClaim("aud", []string{"https://a.example", "https://b.example"}))},
		{"MissingAudience", tok(authtest.WithoutClaim("aud"))},
		{"MissingExp", tok(authtest.WithoutClaim("exp"))},
		{"ExpNotANumber", tok(authtest.WithClaim("exp", "tomorrow"))},
		{"ExpNaN", tok(authtest.WithRawClaim("exp", "NaN"))},
		{"ExpInf", tok(authtest.WithRawClaim("exp", "inf"))},
		{"ExpLeadingZero", tok(authtest.WithRawClaim("exp", "0"+strconv.FormatInt(now.Add(time.Hour).Unix(), 10)))},
		{"Exp1e400", tok(authtest.WithRawClaim("exp", "1e400"))},
		{"ExpNumericString", tok(authtest.WithClaim("exp", strconv.FormatInt(now.Add(time.Hour).Unix(), 10)))},
		{"ExpRFC3339String", tok(authtest.WithClaim("exp", now.Add(time.Hour).UTC().Format(time.RFC3339)))},
		{"ExpNull", tok(authtest.WithRawClaim("exp", "null"))},
		{"NbfNumericString", tok(authtest.WithClaim("nbf", strconv.FormatInt(now.Add(-time.Hour).Unix(), 10)))},
		{"NbfNegative", tok(authtest.WithRawClaim("nbf", "-1"))},
		{"IatNaN", tok(authtest.WithRawClaim("iat", "NaN"))},
		{"IatNegative", tok(authtest.WithRawClaim("iat", "-1"))},
		{"MissingSub", tok(authtest.WithoutClaim("sub"))},
		{"EmptySub", tok(authtest.WithClaim("sub", ""))},
		{"NullSub", tok(authtest.WithRawClaim("sub", "null"))},
		{"NumericSub", tok(authtest.WithClaim("sub", 12345))},
		{"Sub256Chars", tok(authtest.WithClaim("sub", strings.Repeat("a", 256)))},
		{"SubWithNUL", tok(authtest.WithClaim("sub", sub+"\x00"))},
		{"SubWithControlCharacter", tok(authtest.WithClaim("sub", sub+"\t"))},
		{"SubWithC1Control", tok(authtest.WithClaim("sub", sub+"\u009b"))},
		{"SubInvalidUTF8", tok(authtest.WithRawClaim("sub", `"`+sub+"\xc3"+`"`))},
		{"ClaimsTrailingData", tok(authtest.WithRawClaim("x", `1} {"sub":"other"`))},
		{"Over16KiB", tok(authtest.WithClaim("pad", strings.Repeat("a", 16<<10)))},
		{"Token100KB", tok(authtest.WithClaim("pad", strings.Repeat("a", 100_000)))},
		{"Garbage", func(*testing.T) string { return "not-a-jwt" }},
		{"TwoSegments", func(*testing.T) string { return valid[:strings.LastIndex(valid, ".")] }},
		{"FiveSegmentsJWE", func(*testing.T) string { return "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aaaa.bbbb.cccc" }},
		{"HeaderNotJSON", func(*testing.T) string { return b64([]byte("nope")) + "." + strings.SplitN(valid, ".", 2)[1] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := tt.token(t)
			got, err := v.Verify(t.Context(), token)
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("Verify = %q, %v; want ErrInvalidToken", got, err)
			}
			t.Logf("rejected: %v", err)
			if got != "" {
				t.Fatalf("sub = %q on error", got)
			}
			if errors.Is(err, auth.ErrKeysUnavailable) || errors.Is(err, auth.ErrNoToken) {
				t.Fatalf("err %v also matches another sentinel", err)
			}
		})
	}
	t.Cleanup(func() {
		if n := attacker.Fetches(); n != 0 {
			t.Errorf("the attacker's JWKS was fetched %d times", n)
		}
	})
}

func TestVerifyEmptyTokenIsNoToken(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	if _, err := v.Verify(t.Context(), ""); !errors.Is(err, auth.ErrNoToken) {
		t.Fatalf("Verify(\"\") = %v, want ErrNoToken", err)
	}
}

func TestVerifyChecksConfiguredAudienceNotIssuer(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	cfg := iss.AuthConfig()
	cfg.Audience = "https://api.example"
	v := newVerifier(t, cfg)

	tests := []struct {
		name string
		aud  any
		ok   bool
	}{
		{name: "ConfiguredAudience", aud: "https://api.example", ok: true},
		{name: "IssuerAsAudience", aud: iss.IssuerName()},
		{name: "ArrayWithConfigured", aud: []string{iss.IssuerName(), "https://api.example"}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithClaim("aud", tt.aud)))
			if tt.ok != (err == nil) {
				t.Fatalf("Verify: err = %v, want ok=%t", err, tt.ok)
			}
		})
	}
}

func TestVerifyWithoutIssuerAndAudienceConfigured(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	cfg := iss.AuthConfig()
	cfg.Issuer, cfg.Audience = "", ""
	v := newVerifier(t, cfg)
	token := iss.Token(t, sub, authtest.WithoutClaim("iss"), authtest.WithoutClaim("aud"))
	if _, err := v.Verify(t.Context(), token); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestKnownKeysWorkWhileJWKSIsDown(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	if err := v.Ready(t.Context()); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	iss.SetDown(true)
	newKID := iss.Rotate(t) // published, but the JWKS cannot be fetched

	for _, kid := range []string{authtest.KIDEd25519, authtest.KIDRSA, authtest.KIDP256} {
		if _, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithKey(kid))); err != nil {
			t.Fatalf("Verify with %s while JWKS down: %v", kid, err)
		}
	}
	_, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithKey(newKID)))
	if !errors.Is(err, auth.ErrInvalidToken) || errors.Is(err, auth.ErrKeysUnavailable) {
		t.Fatalf("unknown kid while JWKS down: %v, want ErrInvalidToken only", err)
	}
	if err := v.Ready(t.Context()); err != nil {
		t.Fatalf("Ready while down but loaded: %v", err)
	}
}

func TestJWKSDownAtStart(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	iss.SetDown(true)
	cfg := iss.AuthConfig()
	cfg.WarmupTimeout = 500 * time.Millisecond

	// New does not wait for the JWKS to come back: it returns, with no keys, well within a
	// ceiling that only a hang reaches (the bound itself: TestNewDoesNotHangOnAHangingJWKS).
	start := time.Now()
	v := newVerifier(t, cfg)
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("New took %s", d)
	}
	token := iss.Token(t, sub)
	if _, err := v.Verify(t.Context(), token); !errors.Is(err, auth.ErrKeysUnavailable) {
		t.Fatalf("Verify before keys load = %v, want ErrKeysUnavailable", err)
	}
	if err := v.Ready(t.Context()); !errors.Is(err, auth.ErrKeysUnavailable) {
		t.Fatalf("Ready before keys load = %v, want ErrKeysUnavailable", err)
	}
	// Garbage is still a 401, not a 503, and does not need keys.
	if _, err := v.Verify(t.Context(), "x.y.z"); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("garbage before keys load = %v, want ErrInvalidToken", err)
	}

	iss.SetDown(false)
	eventually(t, 3*time.Second, func() error {
		_, err := v.Verify(t.Context(), token)
		return err
	})
	if err := v.Ready(t.Context()); err != nil {
		t.Fatalf("Ready after recovery: %v", err)
	}
}

func TestNewDoesNotHangOnAHangingJWKS(t *testing.T) {
	t.Parallel()
	// The JWKS answers nothing until released, and reports each fetch that reaches it.
	release := make(chan struct{})
	arrived := make(chan struct{}, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs before srv.Close

	// Each bound is asserted by its mechanism — the deadline that ended the wait, told by
	// the error it left — and by a ceiling (hangCeiling) that only a hang reaches, not a
	// busy machine. The HTTP client has no timeout of its own, so that no deadline but the
	// verifier's can end a wait.
	const hangCeiling = 30 * time.Second
	var logs syncBuffer
	cfg := auth.Config{JWKSURL: srv.URL + "/jwks", WarmupTimeout: 300 * time.Millisecond, UnknownKIDRefresh: 50 * time.Millisecond,
		HTTPClient: &http.Client{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	start := time.Now()
	v := newVerifier(t, cfg)
	if d := time.Since(start); d > hangCeiling {
		t.Fatalf("New took %s", d)
	}
	// New returned because the warm-up's deadline (WarmupTimeout) ended its wait.
	if got := logs.String(); !strings.Contains(got, "jwks warm-up failed") || !strings.Contains(got, context.DeadlineExceeded.Error()) {
		t.Fatalf("New returned, but its log does not tell the warm-up's deadline: %q", got)
	}

	iss := authtest.NewIssuer(t)
	time.Sleep(60 * time.Millisecond) // let the rate limit allow one on-demand refresh
	start = time.Now()
	_, err := v.Verify(t.Context(), iss.Token(t, sub))
	if !errors.Is(err, auth.ErrKeysUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Verify = %v, want ErrKeysUnavailable wrapping the refresh's deadline (WarmupTimeout)", err)
	}
	if d := time.Since(start); d > hangCeiling {
		t.Fatalf("Verify took %s", d)
	}

	// A caller's own end wins over the refresh wait: the caller goes away once its refresh
	// has reached the hanging JWKS, and Verify returns with the caller's context.Canceled —
	// not with the refresh's own deadline.
	time.Sleep(60 * time.Millisecond)
	for len(arrived) > 0 {
		<-arrived
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		select {
		case <-arrived:
			cancel()
		case <-ctx.Done():
		}
	}()
	if _, err := v.Verify(ctx, iss.Token(t, sub)); !errors.Is(err, auth.ErrKeysUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify by a caller that went away = %v, want ErrKeysUnavailable wrapping context.Canceled", err)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()

	t.Run("NewKidAcceptedRightAway", func(t *testing.T) {
		t.Parallel()
		iss := authtest.NewIssuer(t)
		cfg := iss.AuthConfig()
		cfg.MinRefresh, cfg.MaxRefresh = time.Hour, time.Hour // no periodic refresh can help
		v := newVerifier(t, cfg)
		if err := v.Ready(t.Context()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond) // past UnknownKIDRefresh since the warm-up

		newKID := iss.Rotate(t)
		if _, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithKey(newKID))); err != nil {
			t.Fatalf("token with the rotated-in kid: %v", err)
		}
		if _, err := v.Verify(t.Context(), iss.Token(t, sub)); err != nil {
			t.Fatalf("token with the old kid (still published): %v", err)
		}
	})

	t.Run("RemovedKeyRejectedAfterRefresh", func(t *testing.T) {
		t.Parallel()
		iss := authtest.NewIssuer(t)
		v := newVerifier(t, iss.AuthConfig())
		old := iss.Token(t, sub)
		if _, err := v.Verify(t.Context(), old); err != nil {
			t.Fatal(err)
		}
		newKID := iss.Rotate(t)
		iss.RemoveKey(authtest.KIDEd25519)
		time.Sleep(150 * time.Millisecond)
		// The unknown new kid makes the verifier refresh; the new set lacks ed1.
		if _, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithKey(newKID))); err != nil {
			t.Fatalf("token with the new kid: %v", err)
		}
		if _, err := v.Verify(t.Context(), old); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("token of the removed key = %v, want ErrInvalidToken", err)
		}
		if _, err := v.Verify(t.Context(), iss.Token(t, sub)); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("fresh token of the removed key = %v, want ErrInvalidToken", err)
		}
	})
}

func TestUnknownKIDFloodDoesNotFloodJWKS(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	cfg := iss.AuthConfig()
	cfg.UnknownKIDRefresh = 400 * time.Millisecond
	cfg.MinRefresh, cfg.MaxRefresh = time.Hour, time.Hour
	v := newVerifier(t, cfg)
	if err := v.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := settledFetches(t, iss)
	time.Sleep(400 * time.Millisecond) // one on-demand refresh is allowed again

	const n = 200
	tokens := make([]string, n)
	sign := iss.Signer(t, authtest.KIDEd25519, "")
	for i := range tokens {
		tokens[i] = iss.SignRaw(t, map[string]any{"alg": "EdDSA", "kid": fmt.Sprintf("random-%d-%s", i, rand.Text())}, iss.Claims(sub), sign)
	}
	// The verifier allows one on-demand fetch per UnknownKIDRefresh: a flood that lasts d
	// may cause at most 1 + d/UnknownKIDRefresh fetches (2 on an idle machine, a few more
	// on a busy one), never one per unknown kid.
	allowed := func(d time.Duration) int64 { return 1 + int64(d/cfg.UnknownKIDRefresh) }
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := time.Now()
	for _, tok := range tokens {
		wg.Go(func() {
			if _, err := v.Verify(t.Context(), tok); !errors.Is(err, auth.ErrInvalidToken) {
				errs <- fmt.Errorf("random kid: %w", err)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got, max := iss.Fetches()-before, allowed(took); got > max {
		t.Fatalf("%d concurrent random kids in %v caused %d JWKS fetches, want at most %d", n, took, got, max)
	}

	// The same flood one by one.
	before = iss.Fetches()
	start = time.Now()
	for _, tok := range tokens {
		if _, err := v.Verify(t.Context(), tok); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("random kid: %v", err)
		}
	}
	took = time.Since(start)
	if got, max := iss.Fetches()-before, allowed(took); got > max {
		t.Fatalf("%d sequential random kids in %v caused %d JWKS fetches, want at most %d", n, took, got, max)
	}
}

func TestConcurrentRequestsWithRotatedKidShareOneRefresh(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	cfg := iss.AuthConfig()
	cfg.UnknownKIDRefresh = 300 * time.Millisecond
	cfg.MinRefresh, cfg.MaxRefresh = time.Hour, time.Hour
	v := newVerifier(t, cfg)
	if err := v.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := settledFetches(t, iss)
	time.Sleep(350 * time.Millisecond)

	iss.SetLatency(200 * time.Millisecond) // the refresh stays in flight while the others arrive
	token := iss.Token(t, sub, authtest.WithKey(iss.Rotate(t)))
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := v.Verify(t.Context(), token); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a request with the rotated-in kid failed: %v", err)
	}
	if got := iss.Fetches() - before; got != 1 {
		t.Fatalf("%d requests caused %d JWKS fetches, want 1", n, got)
	}
}

func TestCloseKeepsCachedKeys(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	if err := v.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	v.Close()
	v.Close() // idempotent
	before := settledFetches(t, iss)
	if _, err := v.Verify(t.Context(), iss.Token(t, sub)); err != nil {
		t.Fatalf("Verify after Close: %v", err)
	}
	time.Sleep(150 * time.Millisecond) // past UnknownKIDRefresh
	if _, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithKey(iss.Rotate(t)))); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("unknown kid after Close = %v, want ErrInvalidToken", err)
	}
	if got := iss.Fetches() - before; got != 0 {
		t.Fatalf("%d fetches after Close", got)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  auth.Config
	}{
		{name: "NoURL", cfg: auth.Config{}},
		{name: "RelativeURL", cfg: auth.Config{JWKSURL: "/api/auth/jwks"}},
		{name: "NotHTTP", cfg: auth.Config{JWKSURL: "file:///etc/jwks.json"}},
		{name: "MaxBelowMin", cfg: auth.Config{JWKSURL: "http://127.0.0.1:1/jwks", MinRefresh: time.Hour, MaxRefresh: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if v, err := auth.New(t.Context(), tt.cfg); err == nil {
				v.Close()
				t.Fatal("New accepted a bad config")
			}
		})
	}
}

func TestNewStatic(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	set := jwk.NewSet()
	for _, kid := range []string{authtest.KIDEd25519, authtest.KIDP256} {
		b, err := json.Marshal(iss.PublicJWK(t, kid))
		if err != nil {
			t.Fatal(err)
		}
		key, err := jwk.ParseKey(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.AddKey(key); err != nil {
			t.Fatal(err)
		}
	}
	v := auth.NewStatic(set, iss.IssuerName(), iss.Audience())
	defer v.Close()
	if err := v.Ready(t.Context()); err != nil {
		t.Fatalf("Ready: %v", err)
	}

	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{name: "EdDSA", token: iss.Token(t, sub), ok: true},
		{name: "ES256", token: iss.Token(t, sub, authtest.WithKey(authtest.KIDP256)), ok: true},
		{name: "KeyNotInSet", token: iss.Token(t, sub, authtest.WithKey(authtest.KIDRSA))},
		{name: "WrongIssuer", token: iss.Token(t, sub, authtest.WithIssuer("x"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := v.Verify(t.Context(), tt.token)
			if tt.ok && (err != nil || got != sub) {
				t.Fatalf("Verify = %q, %v", got, err)
			}
			if !tt.ok && !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("Verify = %q, %v; want ErrInvalidToken", got, err)
			}
		})
	}
}

func TestNewStaticUsesOnlyPublicHalfOfPrivateKeys(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.Import(priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Set(jwk.KeyIDKey, "dev1"); err != nil {
		t.Fatal(err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(key); err != nil {
		t.Fatal(err)
	}
	v := auth.NewStatic(set, "", "")
	token := iss.SignRaw(t, map[string]any{"alg": "EdDSA", "kid": "dev1"}, iss.Claims(sub), func(in []byte) ([]byte, error) {
		return ed25519.Sign(priv, in), nil
	})
	if got, err := v.Verify(t.Context(), token); err != nil || got != sub {
		t.Fatalf("Verify = %q, %v", got, err)
	}
}

func TestHeaderChecksComeBeforeKeys(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	iss.SetDown(true)
	cfg := iss.AuthConfig()
	cfg.WarmupTimeout = 200 * time.Millisecond
	cfg.UnknownKIDRefresh = 10 * time.Millisecond
	v := newVerifier(t, cfg) // no key set will ever load
	before := settledFetches(t, iss)

	claims := iss.Claims(sub)
	tests := []struct {
		name   string
		header map[string]any
		sign   authtest.SignFunc
	}{
		{name: "AlgNone", header: map[string]any{"alg": "none", "kid": "k1"}, sign: authtest.NoneSigner()},
		{name: "HS256", header: map[string]any{"alg": "HS256", "kid": "k2"}, sign: authtest.HMACSigner([]byte("secret"))},
		{name: "RS512", header: map[string]any{"alg": "RS512", "kid": "k3"}, sign: authtest.HMACSigner([]byte("x"))},
		{name: "NoKid", header: map[string]any{"alg": "EdDSA"}, sign: iss.Signer(t, authtest.KIDEd25519, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: each must not cause a fetch even though the rate limit allows one.
			time.Sleep(15 * time.Millisecond)
			_, err := v.Verify(t.Context(), iss.SignRaw(t, tt.header, claims, tt.sign))
			if !errors.Is(err, auth.ErrInvalidToken) || errors.Is(err, auth.ErrKeysUnavailable) {
				t.Fatalf("Verify = %v, want ErrInvalidToken without touching keys", err)
			}
		})
	}
	if got := iss.Fetches() - before; got != 0 {
		t.Fatalf("hostile headers caused %d JWKS fetches", got)
	}
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	mu sync.Mutex
	n  int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestUsesConfiguredHTTPClient(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	tr := &countingTransport{}
	cfg := iss.AuthConfig()
	cfg.HTTPClient = &http.Client{Transport: tr, Timeout: time.Second}
	v := newVerifier(t, cfg)
	if _, err := v.Verify(t.Context(), iss.Token(t, sub)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.n == 0 {
		t.Fatal("the JWKS was not fetched through Config.HTTPClient")
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestIgnoredKeysAreLoggedOncePerChange(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	withHostileKeys(t, iss)
	var logs syncBuffer
	cfg := iss.AuthConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	v := newVerifier(t, cfg)

	for range 3 { // three refreshes of an unchanged JWKS
		time.Sleep(120 * time.Millisecond)
		token := iss.Token(t, sub, authtest.WithHeader("kid", "nope-"+rand.Text()))
		if _, err := v.Verify(t.Context(), token); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatal(err)
		}
	}
	out := logs.String()
	for _, kid := range []string{"hs1", "ed448", "enc1", "rsa1024", "p384"} {
		if n := strings.Count(out, "kid="+kid+" "); n != 1 {
			t.Errorf("kid %s logged %d times:\n%s", kid, n, out)
		}
	}
	for _, kid := range []string{authtest.KIDEd25519, authtest.KIDRSA, authtest.KIDP256} {
		if strings.Contains(out, "kid="+kid+" ") {
			t.Errorf("usable key %s reported as ignored:\n%s", kid, out)
		}
	}
}

// RSA keys in the JWKS at the 2048-bit edge, end to end: under it jwx (and, should its
// process-wide minimum ever be lowered, our own check, TestAlgsForRSAMinimum) drops the key.
func TestRSAKeySizeEdgeInJWKS(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	tests := []struct {
		bits int
		ok   bool
	}{
		{bits: 1024},
		{bits: 2047},
		{bits: 2048, ok: true},
	}
	for _, tt := range tests {
		key, err := rsa.GenerateKey(rand.Reader, tt.bits)
		if err != nil {
			t.Fatalf("generate RSA-%d: %v", tt.bits, err)
		}
		iss.AddSigner(fmt.Sprintf("rsa%d", tt.bits), "RS256", key)
	}
	v := newVerifier(t, iss.AuthConfig()) // the JWKS lists all three from the first fetch
	for _, tt := range tests {
		t.Run(fmt.Sprintf("RSA%d", tt.bits), func(t *testing.T) {
			t.Parallel()
			got, err := v.Verify(t.Context(), iss.Token(t, sub, authtest.WithKey(fmt.Sprintf("rsa%d", tt.bits))))
			switch {
			case tt.ok && (err != nil || got != sub):
				t.Fatalf("Verify = %q, %v; want %q", got, err, sub)
			case !tt.ok && !errors.Is(err, auth.ErrInvalidToken):
				t.Fatalf("Verify = %q, %v; want ErrInvalidToken", got, err)
			}
		})
	}
}

// testClock is a clock tests set by hand.
type testClock struct{ unixNano atomic.Int64 }

func newTestClock(t time.Time) *testClock {
	c := &testClock{}
	c.Set(t)
	return c
}

func (c *testClock) Now() time.Time  { return time.Unix(0, c.unixNano.Load()) }
func (c *testClock) Set(t time.Time) { c.unixNano.Store(t.UnixNano()) }

// The contract's clock skew is 60 s, for exp, nbf and iat alike: 59 s past exp (or
// before nbf or iat) is accepted, 61 s is not. At exactly 60 s an expired token is
// refused (exp is the first moment it is invalid) and nbf/iat pass.
func TestClockSkewEdges(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	now := time.Now().Truncate(time.Second)
	cfg := iss.AuthConfig()
	cfg.Now = newTestClock(now).Now
	v := newVerifier(t, cfg)
	at := func(d time.Duration) int64 { return now.Add(d).Unix() }
	tests := []struct {
		name string
		opts []authtest.TokenOption
		ok   bool
	}{
		{name: "Expired59sAgo", ok: true, opts: []authtest.TokenOption{authtest.WithClaim("exp", at(-59*time.Second))}},
		{name: "Expired60sAgo", opts: []authtest.TokenOption{authtest.WithClaim("exp", at(-60*time.Second))}},
		{name: "Expired61sAgo", opts: []authtest.TokenOption{authtest.WithClaim("exp", at(-61*time.Second))}},
		{name: "NotBeforeIn59s", ok: true, opts: []authtest.TokenOption{authtest.WithClaim("nbf", at(59*time.Second))}},
		{name: "NotBeforeIn60s", ok: true, opts: []authtest.TokenOption{authtest.WithClaim("nbf", at(60*time.Second))}},
		{name: "NotBeforeIn61s", opts: []authtest.TokenOption{authtest.WithClaim("nbf", at(61*time.Second))}},
		{name: "IssuedIn59s", ok: true, opts: []authtest.TokenOption{authtest.WithClaim("iat", at(59*time.Second))}},
		{name: "IssuedIn60s", ok: true, opts: []authtest.TokenOption{authtest.WithClaim("iat", at(60*time.Second))}},
		{name: "IssuedIn61s", opts: []authtest.TokenOption{authtest.WithClaim("iat", at(61*time.Second))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]authtest.TokenOption{authtest.WithClaim("iat", at(-time.Minute)), authtest.WithClaim("exp", at(15*time.Minute))}, tt.opts...)
			got, err := v.Verify(t.Context(), iss.Token(t, sub, opts...))
			switch {
			case tt.ok && (err != nil || got != sub):
				t.Fatalf("Verify = %q, %v; want %q", got, err, sub)
			case !tt.ok && !errors.Is(err, auth.ErrInvalidToken):
				t.Fatalf("Verify = %q, %v; want ErrInvalidToken", got, err)
			}
		})
	}
}

// A cached token is answered from the cache until exp plus the skew, and not a moment
// longer.
func TestCachedTokenEndsAtExpPlusSkew(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	now := time.Now().Truncate(time.Second)
	clock := newTestClock(now)
	cfg := iss.AuthConfig()
	cfg.Now = clock.Now
	v := newVerifier(t, cfg)
	exp := now.Add(10 * time.Second)
	token := iss.Token(t, sub, authtest.WithExpiry(exp))
	if _, err := v.Verify(t.Context(), token); err != nil {
		t.Fatalf("Verify at issue: %v", err)
	}
	if n := auth.CachedTokens(v); n != 1 {
		t.Fatalf("%d cached tokens, want 1", n)
	}
	clock.Set(exp.Add(59 * time.Second))
	if _, err := v.Verify(t.Context(), token); err != nil {
		t.Fatalf("Verify 59 s after exp: %v", err)
	}
	clock.Set(exp.Add(60 * time.Second))
	if _, err := v.Verify(t.Context(), token); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("Verify 60 s after exp = %v, want ErrInvalidToken", err)
	}
}
