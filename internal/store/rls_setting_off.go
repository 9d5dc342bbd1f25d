//go:build bench_no_rls

package store

// sendUserSetting is false only in a build with the bench_no_rls tag, which exists to measure
// what row-level security costs (GOFLAGS=-tags=bench_no_rls go run ./cmd/todo-bench -superuser):
// the store then sends its statements without set_config, and row-level security hides every
// row from a role it binds — hence -superuser, which serves as a role it does not bind. Never
// ship such a build.
const sendUserSetting = false
