// Package clienttest proves that the generated TypeScript client (gen/ts) and the server agree:
// its test starts the real service (apitest: httpapi.New over a throwaway PostgreSQL, verifying
// tokens against a test JWKS) and runs gen/ts's node test suite against it, which drives the
// client through a task's whole life and its failure paths.
//
// The package has no code of its own; it needs Node.js and `npm --prefix gen/ts ci` (make
// does it). Without them the test skips, except in CI, where it fails (proctest.MissingTool).
package clienttest
