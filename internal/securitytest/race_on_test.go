//go:build race

package securitytest

// raceBuild says the tests run with -race, so the binary they start is built with it too
// (which also reuses the race-built packages the test binary left in the build cache).
const raceBuild = true
