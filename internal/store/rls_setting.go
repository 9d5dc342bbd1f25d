//go:build !bench_no_rls

package store

// sendUserSetting: the store sets app.user_id for row-level security (see rls.go).
const sendUserSetting = true
