//go:build !race

package faulttest

// raceBuild says the tests run with -race, so the binary they start is built with it too.
const raceBuild = false
