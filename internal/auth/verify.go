package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
)

const (
	// maxTokenBytes: longer tokens are rejected before any parsing.
	maxTokenBytes = 16 << 10
	// maxSubjectChars is the contract's upper bound for sub.
	maxSubjectChars = 255
)

// Verify checks token and returns its subject (the user id): VerifyIdentity's UserID.
func (v *Verifier) Verify(ctx context.Context, token string) (string, error) {
	id, err := v.VerifyIdentity(ctx, token)
	return id.UserID, err
}

// VerifyIdentity checks token and returns who it identifies.
//
// Errors: ErrNoToken for an empty token; ErrKeysUnavailable (wrapping the fetch
// error) while no key set has ever loaded; otherwise ErrInvalidToken wrapping the
// cause. A token whose kid is not in the key set triggers at most one rate-limited,
// shared JWKS refresh and one retry.
func (v *Verifier) VerifyIdentity(ctx context.Context, token string) (Identity, error) {
	if token == "" {
		return Identity{}, ErrNoToken
	}
	if len(token) > maxTokenBytes {
		return Identity{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, maxTokenBytes)
	}
	if ring, ok := v.currentRing(); ok {
		if id, ok := v.tokens.get(token, ring, v.now()); ok {
			return id, nil
		}
	}
	// Only a token that passes this check can enter the cache, so the cache holds one
	// spelling of each token and the lookup above needs no check of its own.
	if err := checkCompactEncoding(token); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	alg, kid, err := peekHeader(token)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}

	ring, ok := v.currentRing()
	if !ok {
		err := v.refresh(ctx)
		if ring, ok = v.currentRing(); !ok {
			if err == nil {
				return Identity{}, ErrKeysUnavailable
			}
			return Identity{}, fmt.Errorf("%w: %w", ErrKeysUnavailable, err)
		}
	}
	key, ok := ring.keys[kid]
	if !ok {
		// Unknown kid: maybe the issuer rotated. Refresh (rate-limited, shared) and
		// look again; even a rate-limited caller may find a key that a refresh
		// completed a moment ago brought in.
		refreshErr := v.refresh(ctx)
		if ring, ok = v.currentRing(); ok {
			key, ok = ring.keys[kid]
		}
		if !ok {
			if refreshErr != nil && !errors.Is(refreshErr, errRefreshSkipped) {
				return Identity{}, fmt.Errorf("%w: unknown kid (%w)", ErrInvalidToken, refreshErr)
			}
			return Identity{}, fmt.Errorf("%w: unknown kid", ErrInvalidToken)
		}
	}
	sigAlg, ok := key.algs[alg]
	if !ok {
		return Identity{}, fmt.Errorf("%w: alg %s not valid for key %q", ErrInvalidToken, alg, kid)
	}

	// jwx verifies the signature with the key's raw public key and exactly this
	// algorithm, re-checks the header alg, and refuses crit and b64 headers.
	payload, err := jws.VerifyCompactFast(key.raw, []byte(token), sigAlg)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	id, validUntil, err := checkClaims(payload, v.rules)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	v.tokens.put(token, cachedToken{id: id, validUntil: validUntil, ring: ring})
	return id, nil
}

// peekHeader reads alg and kid from the protected header of a compact JWS without
// verifying anything, and applies the checks that must come before any key is
// touched: the alg allow-list and a present kid. It uses the same header parser as
// jws.VerifyCompactFast, so both see the same alg. jku, x5u and jwk headers are
// never read.
func peekHeader(token string) (alg, kid string, err error) {
	protected, _, _, err := jwsbb.SplitCompactString(token)
	if err != nil {
		return "", "", fmt.Errorf("not a compact JWS: %w", err)
	}
	hdr := jwsbb.HeaderParseCompact(protected)
	alg, err = jwsbb.HeaderGetString(hdr, jws.AlgorithmKey)
	if err != nil {
		return "", "", fmt.Errorf("header alg: %w", err)
	}
	if _, ok := allowedAlgs[alg]; !ok {
		return "", "", fmt.Errorf("alg %q not allowed", alg)
	}
	kid, err = jwsbb.HeaderGetString(hdr, jws.KeyIDKey)
	if err != nil || kid == "" {
		return "", "", errors.New("header kid missing")
	}
	return alg, kid, nil
}
