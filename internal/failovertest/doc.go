// Package failovertest tests the service through a database failover: a primary and a
// synchronous standby (pg_basebackup, synchronous_standby_names) on loopback, the real
// `todo-api serve` with both hosts and target_session_attrs=read-write in DATABASE_URL, and
// eight writers creating tasks with Idempotency-Key that retry with the same key on a 503 or
// a dropped connection. The primary crashes (SIGKILL of every process) or hangs (SIGSTOP of
// every process: connections stay open, nothing answers), the standby is promoted a second
// later, as an orchestrator would, and the tests count: acknowledged writes lost (must be 0),
// duplicated (0), the time from the promotion until writes are acknowledged again, and the
// longest request.
//
// `go test ./internal/failovertest/` runs each fault once (the short version, part of make
// test); `make test-long` runs -failover.rounds=5 and prints the figures. Flags that break a
// safeguard on purpose, to see the tests fail: -failover.env=DB_HOST_TIMEOUT=0 (no probe of
// the hung host), -failover.nokey (retries without Idempotency-Key), -failover.async
// (synchronous_commit=local with the standby's stream held up).
//
// TestReplicas runs three replicas behind HAProxy; TestRollingDeploy a rolling deploy across
// the lists migration: the previous release — built from git history, the parent (first
// parent) of the commit that added db/migrations/0011_lists.sql — serves while this version
// migrates and serves beside it. It needs a git checkout with that history (a shallow clone:
// git fetch --unshallow); without one it is skipped, and fails in CI (proctest.MissingTool).
// -failover.notrigger drops 0011's NULL-list_id trigger after the migration, to see it fail.
package failovertest
