// Package authtest is a test-only stand-in for Better Auth's JWT plugin: an HTTP
// server publishing a real JWKS and a signer that mints tokens shaped like Better
// Auth's (header {alg, kid} with no typ, JWKS entries without `use`, iss = aud =
// the server origin, a 15-minute lifetime, name/email claims). It also builds the
// malformed and hostile tokens that the verifier must reject.
//
// Tokens are signed with the Go standard library, not with jwx, so tests of
// internal/auth do not check jwx against itself.
package authtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/auth"
)

// JWKSPath is where Better Auth serves its JWKS.
const JWKSPath = "/api/auth/jwks"

// Key ids of the keys every Issuer starts with.
const (
	KIDEd25519 = "ed1" // Ed25519, alg EdDSA (Better Auth's default)
	KIDRSA     = "rs1" // RSA-2048, alg RS256
	KIDP256    = "ec1" // P-256, alg ES256
)

// Issuer is a Better-Auth-like token issuer with its JWKS served over HTTP by an
// httptest.Server. It is safe for concurrent use.
type Issuer struct {
	srv     *httptest.Server
	fetches atomic.Int64
	down    atomic.Bool
	latency atomic.Int64 // time.Duration each JWKS response is delayed by

	mu      sync.Mutex
	keys    map[string]*issuerKey
	order   []string         // JWKS order of published kids
	extra   []map[string]any // raw entries published after the keys
	rotated int
}

// issuerKey is one signing key.
type issuerKey struct {
	kid        string
	alg        string        // algorithm Token signs with
	signer     crypto.Signer // private key
	publishAlg bool          // whether the JWKS entry carries alg
	published  bool
}

// SignFunc signs a JWS signing input (base64url(header) + "." + base64url(payload))
// and returns the raw signature bytes.
type SignFunc func(signingInput []byte) ([]byte, error)

// rsaKey is generated once per test binary: RSA key generation is slow, and
// tests that need distinct RSA keys can call AddKey.
var rsaKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// NewIssuer starts an Issuer serving its JWKS at JWKSPath with an Ed25519 key
// ("ed1"), an RSA-2048 key ("rs1", shared by all Issuers of the test binary) and a
// P-256 key ("ec1"). The server is closed by t.Cleanup.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	i := &Issuer{keys: make(map[string]*issuerKey)}

	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("authtest: generate Ed25519 key: %v", err)
	}
	rsaPriv, err := rsaKey()
	if err != nil {
		t.Fatalf("authtest: generate RSA key: %v", err)
	}
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("authtest: generate P-256 key: %v", err)
	}
	i.addKey(&issuerKey{kid: KIDEd25519, alg: "EdDSA", signer: edPriv, publishAlg: true, published: true})
	i.addKey(&issuerKey{kid: KIDRSA, alg: "RS256", signer: rsaPriv, publishAlg: true, published: true})
	i.addKey(&issuerKey{kid: KIDP256, alg: "ES256", signer: ecPriv, publishAlg: true, published: true})

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+JWKSPath, i.serveJWKS)
	i.srv = httptest.NewServer(mux)
	t.Cleanup(i.srv.Close)
	return i
}

// JWKSURL is the URL of the JWKS, for auth.Config.JWKSURL.
func (i *Issuer) JWKSURL() string { return i.srv.URL + JWKSPath }

// IssuerName is the iss of minted tokens: the server origin, as Better Auth does.
func (i *Issuer) IssuerName() string { return i.srv.URL }

// Audience is the aud of minted tokens: the server origin, as Better Auth does.
func (i *Issuer) Audience() string { return i.srv.URL }

// AuthConfig returns an auth.Config for this issuer with a small
// UnknownKIDRefresh (100 ms) and WarmupTimeout (2 s) so tests stay fast.
func (i *Issuer) AuthConfig() auth.Config {
	return auth.Config{
		JWKSURL:           i.JWKSURL(),
		Issuer:            i.IssuerName(),
		Audience:          i.Audience(),
		UnknownKIDRefresh: 100 * time.Millisecond,
		WarmupTimeout:     2 * time.Second,
	}
}

// Fetches is the number of JWKS requests the server has received (including those
// answered 503 while down).
func (i *Issuer) Fetches() int64 { return i.fetches.Load() }

// SetDown makes the JWKS endpoint answer 503 (down=true) or serve again.
func (i *Issuer) SetDown(down bool) { i.down.Store(down) }

// SetLatency delays every JWKS response by d (0 = none), to hold a refresh in
// flight while concurrent requests arrive.
func (i *Issuer) SetLatency(d time.Duration) { i.latency.Store(int64(d)) }

// Rotate adds a fresh Ed25519 key (alg EdDSA) to the JWKS, keeping the old ones,
// and returns its kid. Token keeps signing with ed1 unless told WithKey(newKID).
func (i *Issuer) Rotate(t testing.TB) (newKID string) {
	t.Helper()
	i.mu.Lock()
	i.rotated++
	kid := fmt.Sprintf("ed-rotated-%d", i.rotated)
	i.mu.Unlock()
	return i.AddKey(t, kid, "EdDSA", true)
}

// AddKey publishes a key for alg under kid and returns kid: a fresh Ed25519 key for
// EdDSA, a fresh P-256 key for ES256, and for RS256/PS256 the RSA-2048 key of rs1
// (RSA key generation is slow). publishAlg=false leaves alg out of the JWKS entry,
// as Better Auth before 1.3.8 did.
func (i *Issuer) AddKey(t testing.TB, kid, alg string, publishAlg bool) string {
	t.Helper()
	var signer crypto.Signer
	var err error
	switch alg {
	case "EdDSA":
		_, signer, err = ed25519.GenerateKey(rand.Reader)
	case "ES256":
		signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "RS256", "PS256":
		signer, err = rsaKey() // same material as rs1: RSA key generation is slow
	default:
		t.Fatalf("authtest: AddKey: unsupported alg %q", alg)
	}
	if err != nil {
		t.Fatalf("authtest: AddKey: generate %s key: %v", alg, err)
	}
	i.addKey(&issuerKey{kid: kid, alg: alg, signer: signer, publishAlg: publishAlg, published: true})
	return kid
}

// AddSigner publishes signer's public key under kid, with alg in the JWKS entry, and
// returns kid; Token signs with it under WithKey(kid). For keys the other constructors do
// not make, such as RSA keys of a chosen size.
func (i *Issuer) AddSigner(kid, alg string, signer crypto.Signer) string {
	i.addKey(&issuerKey{kid: kid, alg: alg, signer: signer, publishAlg: true, published: true})
	return kid
}

// AddRawJWK publishes entry verbatim in the JWKS (after the issuer's own keys): an
// `oct` key, an Ed448 key, a key with `use: enc`, garbage…
func (i *Issuer) AddRawJWK(entry map[string]any) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.extra = append(i.extra, entry)
}

// RemoveKey takes kid out of the JWKS. The issuer can still sign with it, so tests
// can present tokens signed by a retired key.
func (i *Issuer) RemoveKey(kid string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if k, ok := i.keys[kid]; ok {
		k.published = false
	}
}

// PublicJWK returns the JWKS entry for kid (as published, with alg when the key
// publishes it), e.g. to embed it in a `jwk` header.
func (i *Issuer) PublicJWK(t testing.TB, kid string) map[string]any {
	t.Helper()
	return i.key(t, kid).jwk()
}

// PublicKeyPEM returns the PKIX PEM encoding of kid's public key: the classic
// HMAC secret of an algorithm-confusion attack.
func (i *Issuer) PublicKeyPEM(t testing.TB, kid string) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(i.key(t, kid).signer.Public())
	if err != nil {
		t.Fatalf("authtest: marshal public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Signer returns a SignFunc signing with kid's private key under alg; alg "" means
// the key's own algorithm. A mismatched alg (PS256 with an RS256 key, ES256 with an
// RSA key) is allowed where the key type can do it, to build confusion tokens.
func (i *Issuer) Signer(t testing.TB, kid, alg string) SignFunc {
	t.Helper()
	k := i.key(t, kid)
	if alg == "" {
		alg = k.alg
	}
	return func(in []byte) ([]byte, error) { return sign(k.signer, alg, in) }
}

// HMACSigner returns a SignFunc computing HMAC-SHA256 with secret (for HS256).
func HMACSigner(secret []byte) SignFunc {
	return func(in []byte) ([]byte, error) {
		m := hmac.New(sha256.New, secret)
		m.Write(in)
		return m.Sum(nil), nil
	}
}

// NoneSigner returns a SignFunc producing the empty signature of alg "none".
func NoneSigner() SignFunc {
	return func([]byte) ([]byte, error) { return nil, nil }
}

// Claims returns the claims Token would put into a token for sub, for tests that
// build their own with SignRaw: iss, aud, sub, iat=now, exp=now+15m, name, email,
// emailVerified.
func (i *Issuer) Claims(sub string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss":           i.IssuerName(),
		"aud":           i.Audience(),
		"sub":           sub,
		"iat":           now.Unix(),
		"exp":           now.Add(15 * time.Minute).Unix(),
		"name":          "Test User",
		"email":         sub + "@example.test",
		"emailVerified": true,
	}
}

// SignRaw serializes exactly header and claims (JSON, base64url) and signs them with
// signFn, for hostile tokens: alg none, HS256 with a public key, jku/x5u/jwk headers,
// missing kid…
func (i *Issuer) SignRaw(t testing.TB, header, claims map[string]any, signFn SignFunc) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatalf("authtest: marshal header: %v", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatalf("authtest: marshal claims: %v", err)
	}
	return i.SignEncoded(t, b64(h), b64(c), signFn)
}

// SignEncoded signs the already encoded header and payload segments exactly as given
// and appends the signature (canonical base64url), for tokens whose header or payload
// the issuer itself encoded oddly: padded, with non-zero trailing bits, in the standard
// alphabet (see Respellings).
func (i *Issuer) SignEncoded(t testing.TB, header, payload string, signFn SignFunc) string {
	t.Helper()
	input := header + "." + payload
	sig, err := signFn([]byte(input))
	if err != nil {
		t.Fatalf("authtest: sign: %v", err)
	}
	return input + "." + b64(sig)
}

// TokenOption adjusts a token built by Token.
type TokenOption func(*tokenSpec)

// tokenSpec is what Token builds from.
type tokenSpec struct {
	kid         string
	alg         string
	headerEdits []func(map[string]any) // applied in order to {alg, kid}
	claims      map[string]any
	rawClaims   []rawClaim // written verbatim after claims
}

// rawClaim is a claim whose value is written into the payload byte for byte.
type rawClaim struct{ name, value string }

// WithKey signs with the key kid (and its algorithm) instead of ed1.
func WithKey(kid string) TokenOption { return func(s *tokenSpec) { s.kid = kid } }

// WithAlg signs with alg instead of the key's own algorithm (and says so in the header).
func WithAlg(alg string) TokenOption { return func(s *tokenSpec) { s.alg = alg } }

// WithExpiry sets exp.
func WithExpiry(exp time.Time) TokenOption {
	return func(s *tokenSpec) { s.claims["exp"] = exp.Unix() }
}

// WithNotBefore sets nbf.
func WithNotBefore(nbf time.Time) TokenOption {
	return func(s *tokenSpec) { s.claims["nbf"] = nbf.Unix() }
}

// WithIssuer sets iss.
func WithIssuer(iss string) TokenOption { return func(s *tokenSpec) { s.claims["iss"] = iss } }

// WithAudience sets aud to a single string.
func WithAudience(aud string) TokenOption { return func(s *tokenSpec) { s.claims["aud"] = aud } }

// WithClaim sets claim name to value (any JSON value: an aud array, a numeric sub…).
func WithClaim(name string, value any) TokenOption {
	return func(s *tokenSpec) { s.claims[name] = value }
}

// WithoutClaim removes claim name.
func WithoutClaim(name string) TokenOption { return func(s *tokenSpec) { delete(s.claims, name) } }

// WithRawClaim sets claim name to raw, written into the payload verbatim, so it may be
// what no JSON encoder writes: NaN, inf, 01796639254, 1e400, a string with invalid
// UTF-8. It replaces any value set for name by the other options.
func WithRawClaim(name, raw string) TokenOption {
	return func(s *tokenSpec) {
		delete(s.claims, name)
		s.rawClaims = append(s.rawClaims, rawClaim{name: name, value: raw})
	}
}

// WithHeader sets header parameter name to value (e.g. typ, jku, crit).
func WithHeader(name string, value any) TokenOption {
	return func(s *tokenSpec) {
		s.headerEdits = append(s.headerEdits, func(h map[string]any) { h[name] = value })
	}
}

// WithoutHeader removes header parameter name (e.g. kid).
func WithoutHeader(name string) TokenOption {
	return func(s *tokenSpec) {
		s.headerEdits = append(s.headerEdits, func(h map[string]any) { delete(h, name) })
	}
}

// Token mints a Better-Auth-shaped token for sub: header {alg, kid} with no typ,
// signed by ed1 with EdDSA unless WithKey/WithAlg say otherwise; claims as Claims.
func (i *Issuer) Token(t testing.TB, sub string, opts ...TokenOption) string {
	t.Helper()
	s := &tokenSpec{kid: KIDEd25519, claims: i.Claims(sub)}
	for _, o := range opts {
		o(s)
	}
	k := i.key(t, s.kid)
	alg := s.alg
	if alg == "" {
		alg = k.alg
	}
	header := map[string]any{"alg": alg, "kid": s.kid}
	for _, edit := range s.headerEdits {
		edit(header)
	}
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatalf("authtest: marshal header: %v", err)
	}
	for _, rc := range s.rawClaims {
		delete(s.claims, rc.name) // set again by a later option
	}
	c, err := json.Marshal(s.claims)
	if err != nil {
		t.Fatalf("authtest: marshal claims: %v", err)
	}
	for _, rc := range s.rawClaims {
		name, _ := json.Marshal(rc.name)
		member := string(name) + ":" + rc.value
		if len(c) > 2 {
			member = "," + member
		}
		c = append(c[:len(c)-1], member+"}"...)
	}
	return i.SignEncoded(t, b64(h), b64(c), func(in []byte) ([]byte, error) { return sign(k.signer, alg, in) })
}

// key returns the key kid or fails the test.
func (i *Issuer) key(t testing.TB, kid string) *issuerKey {
	t.Helper()
	i.mu.Lock()
	defer i.mu.Unlock()
	k, ok := i.keys[kid]
	if !ok {
		t.Fatalf("authtest: no key %q", kid)
	}
	return k
}

// addKey registers k and publishes it at the end of the JWKS.
func (i *Issuer) addKey(k *issuerKey) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, dup := i.keys[k.kid]; !dup {
		i.order = append(i.order, k.kid)
	}
	i.keys[k.kid] = k
}

// serveJWKS answers the JWKS like Better Auth: JSON, no caching headers.
func (i *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	i.fetches.Add(1)
	if d := time.Duration(i.latency.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if i.down.Load() {
		http.Error(w, "jwks down", http.StatusServiceUnavailable)
		return
	}
	i.mu.Lock()
	keys := make([]map[string]any, 0, len(i.order)+len(i.extra))
	for _, kid := range i.order {
		if k := i.keys[kid]; k.published {
			keys = append(keys, k.jwk())
		}
	}
	keys = append(keys, i.extra...)
	body, err := json.Marshal(map[string]any{"keys": keys})
	i.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// jwk is the public JWKS entry of k: kty, crv/x/y or n/e, kid, alg; never use.
func (k *issuerKey) jwk() map[string]any {
	m := map[string]any{"kid": k.kid}
	if k.publishAlg {
		m["alg"] = k.alg
	}
	switch pub := k.signer.Public().(type) {
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64(pub)
	case *ecdsa.PublicKey:
		point, err := pub.Bytes() // 0x04 || X || Y
		if err != nil {
			panic(fmt.Sprintf("authtest: encode P-256 key: %v", err))
		}
		m["kty"], m["crv"], m["x"], m["y"] = "EC", "P-256", b64(point[1:33]), b64(point[33:])
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b64(pub.N.Bytes()), b64(bigEndian(pub.E))
	}
	return m
}

// sign signs in with key under alg, producing a JWS signature (raw r||s for ECDSA).
func sign(key crypto.Signer, alg string, in []byte) ([]byte, error) {
	digest := sha256.Sum256(in)
	switch k := key.(type) {
	case ed25519.PrivateKey:
		if alg != "EdDSA" {
			return nil, fmt.Errorf("authtest: alg %s with Ed25519 key", alg)
		}
		return ed25519.Sign(k, in), nil
	case *ecdsa.PrivateKey:
		if alg != "ES256" {
			return nil, fmt.Errorf("authtest: alg %s with ECDSA key", alg)
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			return nil, fmt.Errorf("authtest: ecdsa sign: %w", err)
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig, nil
	case *rsa.PrivateKey:
		switch alg {
		case "RS256":
			return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest[:])
		case "PS256":
			return rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
		return nil, fmt.Errorf("authtest: alg %s with RSA key", alg)
	}
	return nil, fmt.Errorf("authtest: unsupported key %T", key)
}

// b64 is unpadded base64url.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// bigEndian encodes a non-negative int without leading zero bytes.
func bigEndian(n int) []byte {
	var out []byte
	for ; n > 0; n >>= 8 {
		out = append([]byte{byte(n)}, out...)
	}
	return out
}
