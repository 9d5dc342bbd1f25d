// Package securitytest holds the service's security tests, which attack the real stack
// (httpapi on an isolated PostgreSQL database, tokens checked against a JWKS served over
// HTTP) from the outside:
//
//   - an authorisation sweep derived from the embedded OpenAPI contract: every operation
//     that takes a task id is sent by one user for another user's task, with every method
//     and every request body and media type the contract declares, and must change and
//     reveal nothing (OWASP API1, broken object-level authorisation); the collection
//     operations must never show one user another's tasks;
//   - a matrix of JWT attacks over HTTP (RFC 8725): alg none, algorithm confusion, key
//     injection through jku, x5u, x5c and jwk headers, bad claims, oversized tokens,
//     retired keys, malformed Authorization headers;
//   - the abuse limits: body size, slow headers (against the real binary, whose
//     http.Server settings live in cmd/todo-api), header size, per-user rate limit,
//     query parameter and page size limits.
//
// The package has no non-test code. The fuzz targets live beside the code they fuzz, in
// internal/httpapi (fuzz_*_test.go), on the real stack (apitest.New: PostgreSQL and a JWKS).
package securitytest
