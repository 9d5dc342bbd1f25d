//go:build race

package main

// raceBuild says the tests run with -race, so the binary they start is built with it too.
const raceBuild = true
