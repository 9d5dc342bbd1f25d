// Package faulttest holds the service's fault tests: each starts real processes — a
// PostgreSQL cluster of its own (internal/pgcluster), a JWKS issuer (internal/authtest) and
// the `todo-api serve` binary built from cmd/todo-api — puts a steady load on the API,
// injects a fault and checks what clients saw and what the database kept:
//
//   - TestPostgresOutage: PostgreSQL stopped for 5 s under writes. Requests fail fast with
//     503 and Retry-After, /readyz follows the database, the service recovers without a
//     restart and every write answered 2xx is in the database.
//   - TestJWKSOutageAndRotation: the JWKS down, a flood of unknown key ids, a key rotation.
//     Known keys keep working from the cache, the flood costs the JWKS server at most one
//     fetch, a new key is accepted within one refresh interval.
//   - TestSIGTERMUnderLoad: a request held by a row lock when SIGTERM arrives completes,
//     new connections are refused, the process exits 0 within its grace period and no
//     acknowledged write is lost.
//   - TestPoolExhaustion: every pool connection held by a blocked statement; 200 concurrent
//     requests wait at most DB_ACQUIRE_TIMEOUT, then get 503, and memory stays bounded.
//
// The API runs as an ordinary database role that owns its database (as on Neon), so row-level
// security binds it; the tests check the database as the superuser.
//
// TestSoak (make test-long) runs mixed load for -soak (10m there) with a fault each minute
// and prints a summary; without the flag it is skipped, so `make test` does not run it.
//
// The tests only exist as _test.go files: this package has no code of its own. To run them
// against another build (a deliberately broken one, say), set FAULTTEST_BINARY to its path.
package faulttest
