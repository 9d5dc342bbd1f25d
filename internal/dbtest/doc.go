// Package dbtest gives tests a real PostgreSQL — never a mock — and an isolated, migrated
// database per test.
//
// Call [Main] from TestMain. With $TEST_DATABASE_URL set (never $DATABASE_URL, which may name
// a real database), tests use
// that server; otherwise Main starts a throwaway cluster (package pgcluster) from the
// machine's PostgreSQL binaries in a temporary directory on a free port, tuned for speed
// (fsync, synchronous_commit and full_page_writes off), and destroys it after the tests.
// If the tests crash instead (a panic in a test, `go test -timeout`), the cluster's watchdog
// destroys it. When no server can be had, Main fails the run: a test run that skips for
// lack of a database is a failure, not a pass.
//
// [New] and [NewURL] clone a fresh database for each call from a template migrated once per
// test binary (github.com/peterldowns/pgtestdb, keyed by a hash of the migration files), so
// tests can run in parallel without seeing each other's rows. A test's database is dropped
// when it passes and kept for inspection when it fails (on an external server; a throwaway
// cluster is deleted anyway).
package dbtest
