// Package dbwatch notices a database host that stopped answering — a hung server, a
// network partition — and stops the service from waiting on it.
//
// A crashed PostgreSQL refuses connections and resets the open ones: pgx notices at once.
// A hung one (every process stopped, or the network dropping packets) refuses nothing and
// answers nothing: every query on an open connection waits for its deadline
// (DB_STATEMENT_TIMEOUT), every new connection for its connect timeout, before pgx tries
// the next host of DATABASE_URL. The [Watcher] is the pool's dialer: it remembers every
// connection per host address, and probes each host that has connections every half
// [Options.Timeout] with PostgreSQL's SSLRequest (eight bytes, answered with one by the
// postmaster's new backend before any authentication; with log_connections on, the
// server logs a "connection received" line for each). A host that leaves a probe
// unanswered for Timeout is down: its connections are closed at once (their queries fail
// now, not at their deadline, and the requests get 503), [Options.OnDown] runs (the service
// resets its pool) and new connections skip the host without dialling it until it answers
// a probe again, so that pgx goes straight to the next host (the promoted standby).
package dbwatch
