//go:build !race

package proctest

// Race says this build has the race detector, so the binaries the tests start get it too.
const Race = false
