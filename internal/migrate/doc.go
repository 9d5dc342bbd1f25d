// Package migrate applies the goose migrations embedded in package migrations
// (db/migrations/*.sql) and tells /readyz whether the schema is current.
//
// Locking. `todo-api serve` migrates at start, so replicas started together race to migrate;
// a lock makes one of them apply the migrations while the others wait and then find nothing
// to do. goose offers two lockers:
//
//   - lock.NewPostgresSessionLocker takes a session-level advisory lock
//     (pg_try_advisory_lock) that lives on one server connection. Behind PgBouncer in
//     transaction pooling mode — Neon's "-pooler" endpoint — consecutive statements of one
//     client connection may run on different server connections, so the lock may be taken
//     on one server connection and "released" on another, or be held by a server connection
//     that goes on serving someone else: it neither excludes reliably nor is released.
//   - lock.NewPostgresTableLocker (goose ≥ 3.26), used here, keeps the lock as a row in a
//     table (goose_lock) with a lease: each lock, heartbeat and unlock step is a single
//     autocommitted statement, so it works through any pooler, and a replica that dies
//     holding the lock stops renewing the lease, which others take over once it expires.
//     Waiting replicas retry every 0.5 s for up to 5 minutes; a server error that retrying
//     cannot cure (permissions, a pooler rejecting prepared statements) fails at once.
//
// Checked by hand against PgBouncer 1.18 in transaction mode: four concurrent Ups, three
// rounds, each migration applied once; with the session locker instead, two replicas ran
// the same migration at once and an advisory lock stayed behind on a pooled connection.
//
// Statements. pgx's default exec mode caches named prepared statements per connection,
// which a transaction pooler without prepared-statement tracking breaks ("prepared statement
// already exists"). The connection used for migrations therefore runs in
// default_query_exec_mode=exec (unnamed statements, one round trip) unless the DSN chooses a
// mode itself. Each migration runs in its own transaction, which a transaction pooler keeps
// on one server connection. Still, prefer the direct (unpooled) URL for migrations where
// there is one.
package migrate
