// Package auth verifies the bearer JWTs that Better Auth's JWT plugin issues, so
// that the rest of the service can trust one thing only: the user id (`sub`)
// that this package puts into the request context.
//
// A [Verifier] checks tokens against a JWKS that is fetched over HTTP and kept
// in a jwx jwk.Cache (httprc v3). The rules follow RFC 8725 and the API
// contract:
//
//   - the header `alg` must be one of EdDSA, ES256, RS256 or PS256 and valid
//     for the key type, and is checked before any signature work; `none` and
//     HMAC are never accepted, and `jku`, `x5u` and embedded `jwk` headers are
//     ignored: keys come from the configured JWKS only;
//   - `kid` is required; an unknown `kid` triggers at most one JWKS refresh per
//     Config.UnknownKIDRefresh, shared by all concurrent callers, so a flood of
//     random kids cannot flood the JWKS server;
//   - every segment is canonical unpadded base64url (RFC 7515 §2), so a token has
//     one spelling, and one entry in the cache of verified tokens;
//   - the claims are parsed and validated by jwx (jwt.Validate): `exp` and `sub`
//     are required, `exp`, `nbf` and `iat` are honoured with 60 s of clock skew,
//     `iss` and `aud` are compared exactly when configured. On top of jwx, which
//     is more lenient, the contract's rules: `exp`, `nbf` and `iat` are
//     non-negative JSON numbers (never strings), `sub` is 1..255 characters
//     without control characters, the payload is one JSON object in valid UTF-8;
//   - the JWKS may be down: cached keys keep working, and until a key set has
//     been loaded at least once Verify answers [ErrKeysUnavailable] (503)
//     instead of blocking.
//
// [Verifier.Authenticator] plugs the verifier into the kin-openapi request
// validator used by oapi-codegen's echo middleware; handlers read the user id
// with [UserID].
package auth
