// Package pgcluster runs a local PostgreSQL cluster from the machine's own server binaries
// (initdb, pg_ctl, postgres), so that `todo-api dev` and the tests need no Docker and no
// pre-installed service.
//
// `todo-api dev` keeps its cluster in ./.data/postgres across runs; tests use a throwaway
// cluster in a temporary directory (see package dbtest). Either way:
//
//   - The data directory is created and initdb'd when it is empty (superuser "postgres",
//     trust authentication, UTF8, locale C.UTF-8 or C where C.UTF-8 is missing).
//   - The server listens on 127.0.0.1 only, on the given port or on a free one. Its Unix
//     socket lives in a "run" directory beside the data directory, or in a short temporary
//     directory when that path would exceed the 107-byte limit for socket paths.
//   - pg_ctl starts and stops it; Start returns once a real connection succeeds.
//   - A postmaster.pid left behind by a crash is removed, also when its PID now belongs to
//     another process; a live postmaster on the same directory is [ErrAlreadyRunning].
//   - PostgreSQL refuses to run as root. When this process is root, every server command
//     runs as the "postgres" OS user through runuser(1), and the directories it needs are
//     chowned to that user; every directory above them must be searchable by it.
//   - An [Options.Ephemeral] cluster is tied to this process: a small watchdog process stops
//     it and deletes its directory when this process dies without calling [Cluster.Destroy]
//     (a panicking test, `go test -timeout`, SIGKILL).
package pgcluster
