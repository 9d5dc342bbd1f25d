// Package doccheck holds the tests that keep the documentation true to the tree: README.md
// and docs/*.md link only to files that exist, every docs/ page is reachable from the README,
// the README stays a short front door that shows `make run` and `make test`, and its
// configuration table lists exactly the variables internal/config reads (other variables
// the code reads, for development and tests, are documented in a table of some page). The
// package has no code of its own.
package doccheck
