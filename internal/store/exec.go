package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/gen/db"
)

// The statement runner: every store method runs its generated queries through run, which
// takes the caller's share of the pool and a connection within the acquire timeout, bounds
// the work by the statement timeout, sets the row-level security setting and the plan mode,
// and wraps the statements in a transaction when the mode says so. The setting, the plan
// mode and BEGIN ride in the same round trip as the first statement that needs them.

// mode is what an operation needs of its statements.
type mode int

const (
	// autocommit runs each statement as its own transaction, the setting sent with it (one
	// pgx batch, hence one implicit transaction: the setting cannot outlive the statement,
	// also behind a transaction pooler such as PgBouncer or Neon's).
	autocommit mode = iota
	// listing is autocommit for listing statements, planned with their values (see
	// setPlanSQL).
	listing
	// transaction runs the statements in one read-committed transaction, committed when fn
	// returns nil and rolled back otherwise. BEGIN and the setting go with the first statement.
	transaction
	// snapshot runs read-only listing statements in one repeatable-read transaction: they
	// read one snapshot, and are planned with their values.
	snapshot
	// cached is autocommit for statements whose generic plan is the right one (no catch-all
	// predicate that picks an index: the listings' first pages, db/listgen's TaskFirstPage…):
	// each connection plans them once and reuses the plan (see setGenericSQL).
	cached
)

// UserSetting is the transaction-local setting that the row-level security policies of
// db/migrations/0005_row_level_security.sql compare user_id with.
const UserSetting = "app.user_id"

// The runner's own statements. They are not sqlc queries, so sqlc vet's user_id rules do not
// apply to them. set_config(…, true) is local to the transaction: the implicit one of an
// autocommit batch, or the explicit one of a transaction.
const (
	setUserSQL = "SELECT set_config('" + UserSetting + "', $1, true)"
	// Listing statements filter with catch-all predicates ("$n IS NULL OR …"). A prepared
	// statement (pgx's cache_statement, on direct connections) gets a generic plan after five
	// executions, and theirs sorts every row of the user instead of walking the index (make
	// bench: list at 64 connections cost PostgreSQL 0.68 ms a request against 0.05 planned
	// with its values). So they are planned with their values every time — but only they:
	// planning every other statement each time doubled the database's cost of a primary-key
	// read.
	setPlanSQL        = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"
	setUserAndPlanSQL = "SELECT set_config('" + UserSetting + "', $1, true), set_config('plan_cache_mode', 'force_custom_plan', true)"
	// The first-page statements are planned once per connection instead (mode cached): at
	// force_generic_plan, because plan_cache_mode = auto plans a statement with its values
	// five times on every connection first, and keeps doing so whenever the generic plan's
	// estimate (a LIMIT of unknown size, a user of average size) looks dearer than theirs.
	setGenericSQL        = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"
	setUserAndGenericSQL = "SELECT set_config('" + UserSetting + "', $1, true), set_config('plan_cache_mode', 'force_generic_plan', true)"
	beginSQL             = "begin"
	beginSnapshotSQL     = "begin isolation level repeatable read read only"
)

// rollbackTimeout bounds a rollback, which runs after the operation's own context may have
// ended.
const rollbackTimeout = time.Second

// errRolledBack: COMMIT found the transaction failed (fn went on after an error of the
// database's) and rolled it back.
var errRolledBack = errors.New("the transaction had failed and was rolled back")

// run runs fn for userID as m says: on one pooled connection, with the generated queries
// bound to it. It first takes one of the user's MaxConnsPerUser places (see userShare), then
// a connection; the two waits together are bounded by AcquireTimeout. A request that found
// the user's places all taken by requests holding connections is ErrTooBusy; one that waited
// on the pool, or on the user's own requests waiting on the pool, is ErrUnavailable. The
// work is bounded by StatementTimeout. Errors come back through Translate.
func (s *Store) run(ctx context.Context, userID string, m mode, fn func(ctx context.Context, q *db.Queries) error) error {
	actx, cancel := context.WithTimeout(ctx, s.opts.AcquireTimeout)
	defer cancel()
	grant, err := s.share.acquire(actx, userID)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return ctx.Err() // the caller went away
	case s.share.full(userID):
		return fmt.Errorf("%w (%d)", ErrTooBusy, s.opts.MaxConnsPerUser)
	default:
		return fmt.Errorf("%w: acquire connection: the user's requests are waiting for the pool: %w", ErrUnavailable, err)
	}
	defer grant.release()
	return s.onConn(ctx, actx, grant.connect, func(ctx context.Context, conn *pgxpool.Conn) error {
		st := &statements{conn: conn, prelude: s.prelude(m, userID)}
		err := fn(ctx, db.New(st))
		if m == transaction || m == snapshot {
			err = st.end(ctx, err)
		}
		return err
	})
}

// serviceConn runs fn on one pooled connection for the service itself (no user, so no user's
// share and no setting): health checks and start-up reads, which are not user-scoped queries.
func (s *Store) serviceConn(ctx context.Context, fn func(ctx context.Context, conn *pgxpool.Conn) error) error {
	actx, cancel := context.WithTimeout(ctx, s.opts.AcquireTimeout)
	defer cancel()
	return s.onConn(ctx, actx, func() {}, fn)
}

// onConn acquires a connection within actx's deadline (else ErrUnavailable), calls
// connected, and runs fn on it, bounded by StatementTimeout.
func (s *Store) onConn(ctx, actx context.Context, connected func(), fn func(ctx context.Context, conn *pgxpool.Conn) error) error {
	conn, err := s.pool.Acquire(actx)
	if err != nil {
		return Translate(fmt.Errorf("acquire connection: %w", err))
	}
	defer conn.Release()
	connected()
	sctx, cancel := context.WithTimeout(ctx, s.opts.StatementTimeout)
	defer cancel()
	return Translate(fn(sctx, conn))
}

// prelude is what goes before fn's statements in mode m: the setting (left out for a role
// row-level security does not bind, see DetectRowSecurity), the plan mode, BEGIN.
func (s *Store) prelude(m mode, userID string) prelude {
	var p prelude
	switch m {
	case transaction:
		p.begin, p.once = beginSQL, true
	case snapshot:
		p.begin, p.once = beginSnapshotSQL, true
	}
	withUser, plan := setUserSQL, ""
	switch m {
	case listing, snapshot:
		withUser, plan = setUserAndPlanSQL, setPlanSQL
	case cached:
		withUser, plan = setUserAndGenericSQL, setGenericSQL
	}
	switch {
	case !s.skipUserSetting:
		p.set, p.args = withUser, []any{userID}
	case plan != "":
		p.set = plan
	}
	return p
}

// prelude is the runner's statements before a statement of fn's: BEGIN, when set, and the
// setting statement set with its arguments — before every statement, or (once) only the first.
type prelude struct {
	begin, set string
	args       []any
	once       bool
}

func (p prelude) empty() bool { return p.begin == "" && p.set == "" }

// statements is the db.DBTX that run binds the generated queries to. It sends each
// statement of fn's with the prelude in one pgx batch (one round trip, one Sync) — or alone,
// once a transaction's prelude has gone, or when there is none.
type statements struct {
	conn    *pgxpool.Conn
	prelude prelude
	begun   bool // a transaction's BEGIN has been sent
}

// direct reports whether the next statement goes alone.
func (st *statements) direct() bool { return st.prelude.empty() }

// send queues the prelude and sql and sends them; the caller reads sql's result from the
// returned batch and closes it. The prelude's results have been read when err is nil.
func (st *statements) send(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	p := st.prelude
	b := &pgx.Batch{}
	if p.begin != "" {
		b.Queue(p.begin)
		st.begun = true
	}
	if p.set != "" {
		b.Queue(p.set, p.args...)
	}
	b.Queue(sql, args...)
	if p.once {
		st.prelude = prelude{}
	}
	br := st.conn.SendBatch(ctx, b)
	for range b.Len() - 1 {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return nil, err
		}
	}
	return br, nil
}

// Exec runs sql, after the prelude.
func (st *statements) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if st.direct() {
		return st.conn.Exec(ctx, sql, args...)
	}
	br, err := st.send(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs sql, after the prelude; closing the rows (or reading them to the end) closes
// the batch, and an error the batch reports then is returned by the rows' Err.
func (st *statements) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if st.direct() {
		return st.conn.Query(ctx, sql, args...)
	}
	br, err := st.send(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		_ = br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs sql, after the prelude. Like pgx's, the row's Scan returns pgx.ErrNoRows
// when there is no row.
func (st *statements) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if st.direct() {
		return st.conn.QueryRow(ctx, sql, args...)
	}
	rows, err := st.Query(ctx, sql, args...)
	return batchRow{rows: rows, err: err}
}

// end ends a transaction after fn returned err: COMMIT when err is nil, else ROLLBACK (in a
// context of its own, as ctx may be what ended; should the rollback fail too, the pool drops
// the connection, as it does any connection released inside a transaction). A transaction
// fn never started (no statement) has nothing to end.
func (st *statements) end(ctx context.Context, err error) error {
	if !st.begun {
		return err
	}
	if err == nil {
		tag, cerr := st.conn.Exec(ctx, "commit")
		if cerr == nil && tag.String() == "ROLLBACK" {
			cerr = errRolledBack
		}
		if cerr == nil {
			return nil
		}
		err = fmt.Errorf("commit: %w", cerr)
	}
	if st.conn.Conn().PgConn().TxStatus() != 'I' {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		_, _ = st.conn.Exec(rctx, "rollback")
	}
	return err
}

// batchRows are the rows of the last statement of a batch: they close the batch when they
// close.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error // from closing the batch
}

// Next advances like pgx's, closing the batch after the last row.
func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

// Close closes the rows and the batch; it is safe to call more than once.
func (r *batchRows) Close() {
	r.Rows.Close()
	if r.closed {
		return
	}
	r.closed = true
	r.err = r.br.Close()
}

// Err is the rows' error, or else the batch's.
func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// batchRow is a pgx.Row over batchRows, with pgx's QueryRow semantics.
type batchRow struct {
	rows pgx.Rows
	err  error
}

// Scan reads the first row into dest: pgx.ErrNoRows when there is none.
func (r batchRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
