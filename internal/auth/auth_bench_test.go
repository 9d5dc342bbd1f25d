package auth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/authtest"
)

// benchCases are the algorithms benchmarked, by issuer key.
var benchCases = []struct {
	name string
	kid  string
}{
	{name: "EdDSA", kid: authtest.KIDEd25519},
	{name: "ES256", kid: authtest.KIDP256},
	{name: "RS256", kid: authtest.KIDRSA},
}

// BenchmarkVerify measures Verify as requests see it: the same token again, answered
// from the verified-token cache.
func BenchmarkVerify(b *testing.B) { benchmarkVerify(b, false) }

// BenchmarkVerifyUncached measures the whole verification (encoding and header checks, key
// lookup, signature, claims parsed and validated by jwx) against a JWKS-backed Verifier, as
// for a token seen the first time. Compare with BenchmarkRawSignature, the floor: jwx's
// claims parsing costs about half an Ed25519 check more (issue 13 chose the library over a
// faster copy), paid once per token while the verified-token cache holds it.
func BenchmarkVerifyUncached(b *testing.B) { benchmarkVerify(b, true) }

func benchmarkVerify(b *testing.B, noCache bool) {
	iss := authtest.NewIssuer(b)
	cfg := iss.AuthConfig()
	cfg.NoTokenCache = noCache
	v, err := auth.New(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(v.Close)
	if err := v.Ready(b.Context()); err != nil {
		b.Fatal(err)
	}
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			token := iss.Token(b, sub, authtest.WithKey(bc.kid))
			ctx := b.Context()
			if _, err := v.Verify(ctx, token); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRawSignature is the floor: only the signature check of the same token
// with the same key, straight through crypto/* (split, base64-decode the
// signature, hash, verify).
func BenchmarkRawSignature(b *testing.B) {
	iss := authtest.NewIssuer(b)
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			token := iss.Token(b, sub, authtest.WithKey(bc.kid))
			pub := rawPublicKey(b, iss, bc.kid)
			if err := rawVerify(pub, token); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := rawVerify(pub, token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// rawPublicKey returns the crypto public key of the issuer's key kid.
func rawPublicKey(tb testing.TB, iss *authtest.Issuer, kid string) any {
	tb.Helper()
	b, err := json.Marshal(iss.PublicJWK(tb, kid))
	if err != nil {
		tb.Fatal(err)
	}
	key, err := jwk.ParseKey(b)
	if err != nil {
		tb.Fatal(err)
	}
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		tb.Fatal(err)
	}
	return raw
}

// rawVerify checks a compact JWS signature with the standard library only.
func rawVerify(pub any, token string) error {
	dot := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
	if err != nil {
		return err
	}
	input := token[:dot]
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if !ed25519.Verify(k, []byte(input), sig) {
			return errors.New("bad EdDSA signature")
		}
		return nil
	case *ecdsa.PublicKey:
		h := sha256.Sum256([]byte(input))
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, h[:], r, s) {
			return errors.New("bad ES256 signature")
		}
		return nil
	case *rsa.PublicKey:
		h := sha256.Sum256([]byte(input))
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig)
	}
	return errors.New("unsupported key")
}
