package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// minRSABits is the smallest RSA modulus accepted (Better Auth uses 2048).
const minRSABits = 2048

// allowedAlgs is the algorithm allow-list from the API contract. Anything else in a
// token header (none, HS*, RS384, ES512, Ed448, …) is rejected before any key lookup.
var allowedAlgs = map[string]jwa.SignatureAlgorithm{
	"EdDSA": jwa.EdDSA(),
	"ES256": jwa.ES256(),
	"RS256": jwa.RS256(),
	"PS256": jwa.PS256(),
}

// keyring is the verify-path view of a JWK set: for every usable key, the raw
// crypto public key and the algorithms it may verify. It is built once per fetched
// set (the cache hands out the same jwk.Set value until the next refresh), so a
// request never re-parses, re-exports or re-validates key material.
type keyring struct {
	src     jwk.Set // the set this ring was built from; nil for static rings
	keys    map[string]ringKey
	dropped map[string]string // kid → why the key is not usable, for logging
}

// ringKey is one usable verification key.
type ringKey struct {
	raw  any                               // ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey
	algs map[string]jwa.SignatureAlgorithm // header alg → algorithm this key verifies
}

// buildKeyring turns set into a keyring. Keys that cannot be used for signature
// verification with an allowed algorithm (kty oct, Ed448/X25519, P-384, RSA under
// 2048 bits, use other than "sig", an alg outside the allow-list, no kid, entries jwx
// could not parse) are left out and listed in dropped. The first usable key wins
// for a kid.
func buildKeyring(set jwk.Set) *keyring {
	ring := &keyring{src: set, keys: make(map[string]ringKey), dropped: make(map[string]string)}
	if set == nil {
		return ring
	}
	for i := range set.Len() {
		key, ok := set.Key(i)
		if !ok {
			continue
		}
		kid, _ := key.KeyID()
		if _, dup := ring.keys[kid]; dup {
			ring.dropped[kid] = "duplicate kid"
			continue
		}
		rk, err := newRingKey(key)
		if err != nil {
			ring.dropped[kid] = err.Error()
			continue
		}
		ring.keys[kid] = rk
	}
	return ring
}

// newRingKey validates one JWK and exports its raw public key.
func newRingKey(key jwk.Key) (ringKey, error) {
	if uk, ok := key.(jwk.UnsupportedKey); ok {
		return ringKey{}, fmt.Errorf("jwx could not parse it: %w", uk.Reason())
	}
	if kid, _ := key.KeyID(); kid == "" {
		return ringKey{}, errors.New("no kid")
	}
	if use, ok := key.KeyUsage(); ok && use != "" && use != "sig" {
		return ringKey{}, fmt.Errorf("use %q is not sig", use)
	}
	if ops, ok := key.KeyOps(); ok && len(ops) > 0 && !slices.Contains(ops, jwk.KeyOpVerify) {
		return ringKey{}, errors.New("key_ops without verify")
	}

	// Always export the public half: a set handed to NewStatic may hold private keys.
	pub, err := key.PublicKey()
	if err != nil {
		return ringKey{}, fmt.Errorf("public key: %w", err)
	}
	var raw any
	if err := jwk.Export(pub, &raw); err != nil {
		return ringKey{}, fmt.Errorf("export: %w", err)
	}

	algs, err := algsFor(raw)
	if err != nil {
		return ringKey{}, err
	}

	// A key that names its algorithm may only be used with that algorithm.
	if a, ok := key.Algorithm(); ok && a.String() != "" {
		if !slices.Contains(algs, a.String()) {
			return ringKey{}, fmt.Errorf("alg %q not allowed for this key", a.String())
		}
		algs = []string{a.String()}
	}

	rk := ringKey{raw: raw, algs: make(map[string]jwa.SignatureAlgorithm, len(algs))}
	for _, name := range algs {
		rk.algs[name] = allowedAlgs[name]
	}
	return rk, nil
}

// algsFor returns the allowed algorithms a raw public key can verify, or why it may not
// be used: an RSA modulus under minRSABits bits, a curve other than P-256, a key type
// outside the allow-list. jwx refuses RSA keys under 2048 bits too, by a process-wide
// setting any package can lower; this check does not depend on it.
func algsFor(raw any) ([]string, error) {
	switch k := raw.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, errors.New("bad Ed25519 key size")
		}
		return []string{"EdDSA"}, nil
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("curve %s not allowed", k.Curve.Params().Name)
		}
		return []string{"ES256"}, nil
	case *rsa.PublicKey:
		// The modulus's length in bits, not its size in bytes (a 2047-bit modulus
		// takes 256 bytes too).
		if bits := k.N.BitLen(); bits < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits is too small", bits)
		}
		return []string{"RS256", "PS256"}, nil
	default:
		return nil, fmt.Errorf("key type %T not allowed", raw)
	}
}
