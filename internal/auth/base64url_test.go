package auth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/authtest"
)

// RFC 7515 writes every part of a compact JWS in unpadded base64url whose unused trailing
// bits are zero. A lenient decoder reads 32 spellings of an Ed25519 signature as the same
// bytes; every one but the canonical one is refused, even once the canonical token has
// been accepted (and cached).
func TestVerifyRefusesNonCanonicalBase64(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	valid := iss.Token(t, sub)
	if _, err := v.Verify(t.Context(), valid); err != nil {
		t.Fatalf("Verify(canonical): %v", err)
	}
	parts := strings.Split(valid, ".")
	ed1 := iss.Signer(t, authtest.KIDEd25519, "")

	type row struct{ name, token string }
	var rows []row
	sigs := authtest.Respellings(parts[2])
	if len(sigs) < 31 {
		t.Fatalf("%d respellings of an Ed25519 signature, want at least 31", len(sigs))
	}
	for _, r := range sigs {
		rows = append(rows, row{"Signature" + r.Name, parts[0] + "." + parts[1] + "." + r.Segment})
	}
	hdr := authtest.SegmentWithSpareBits(t, map[string]any{"alg": "EdDSA", "kid": authtest.KIDEd25519})
	payload := authtest.SegmentWithSpareBits(t, iss.Claims(sub))
	for _, r := range authtest.Respellings(hdr) {
		rows = append(rows, row{"Header" + r.Name, iss.SignEncoded(t, r.Segment, payload, ed1)})
	}
	for _, r := range authtest.Respellings(payload) {
		rows = append(rows, row{"Payload" + r.Name, iss.SignEncoded(t, hdr, r.Segment, ed1)})
	}
	// Go's decoder skips CR and LF anywhere; HTTP cannot carry them, Verify must not either.
	mid := len(parts[2]) / 2
	rows = append(rows,
		row{"SignatureWithLF", parts[0] + "." + parts[1] + "." + parts[2][:mid] + "\n" + parts[2][mid:]},
		row{"SignatureWithCRLFAtEnd", valid + "\r\n"},
		row{"PayloadWithLF", iss.SignEncoded(t, hdr, payload[:8]+"\n"+payload[8:], ed1)},
		row{"SignatureOnePaddingChar", valid + "="},
		row{"SignatureTripleLength", valid + "AAAA"},
		row{"SignatureLengthOneMod4", valid + "A"},
		row{"SignatureWithSpace", parts[0] + "." + parts[1] + "." + parts[2][:mid] + " " + parts[2][mid:]},
	)
	if got, err := v.Verify(t.Context(), iss.SignEncoded(t, hdr, payload, ed1)); err != nil || got != sub {
		t.Fatalf("Verify(canonical with spare bits) = %q, %v", got, err)
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			if got, err := v.Verify(t.Context(), r.token); !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("Verify = %q, %v; want ErrInvalidToken", got, err)
			}
		})
	}
}

// Issue 12 (info): each spelling of a signature used to become its own cache entry, filled
// before the rate limiter. Now one token is one entry, however it is spelled.
func TestTokenCacheHoldsOneSpellingPerToken(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	valid := iss.Token(t, sub)
	parts := strings.Split(valid, ".")
	spellings := []string{valid}
	for _, r := range authtest.Respellings(parts[2]) {
		spellings = append(spellings, parts[0]+"."+parts[1]+"."+r.Segment)
	}
	accepted := 0
	for range 2 { // the second round finds the canonical token in the cache
		for _, tok := range spellings {
			if _, err := v.Verify(t.Context(), tok); err == nil {
				accepted++
			}
		}
	}
	if accepted != 2 {
		t.Errorf("%d of 2×%d spellings accepted, want only the canonical one (twice)", accepted, len(spellings))
	}
	if n := auth.CachedTokens(v); n != 1 {
		t.Errorf("the token cache holds %d entries for %d spellings of one token, want 1", n, len(spellings))
	}
}
