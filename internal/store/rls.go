package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/todo-api/todo-api/gen/db"
)

// UserSetting is the transaction-local setting that the row-level security policies of
// db/migrations/0005_row_level_security.sql compare user_id with.
const UserSetting = "app.user_id"

// setUserSQL sets UserSetting for the current transaction only (is_local = true): the
// implicit transaction of one batch, or the explicit one of withTx. It is not a sqlc query,
// so sqlc vet's user_id rules do not apply to it.
const setUserSQL = "SELECT set_config('" + UserSetting + "', $1, true)"

// Listing statements filter with catch-all predicates ("$n IS NULL OR …"). A prepared
// statement (pgx's cache_statement, on direct connections) gets a generic plan after five
// executions, and theirs sorts every row of the user instead of walking the index (make
// bench: list at 64 connections cost PostgreSQL 0.68 ms a request against 0.05 planned
// with its values). So they are planned with their values every time — but only they:
// planning every other statement each time (plan_cache_mode for the whole session, as
// before) doubled the database's cost of a primary-key read. The setting is local to the
// transaction, like UserSetting, and goes in the same statement.
const (
	setUserCustomPlanSQL = "SELECT set_config('" + UserSetting + "', $1, true), set_config('plan_cache_mode', 'force_custom_plan', true)"
	setCustomPlanSQL     = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)" // without UserSetting (skipUserSetting)
)

// dbConn is what rlsConn runs on: a pooled connection or a transaction.
type dbConn interface {
	db.DBTX
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// rlsConn is the db.DBTX the store's queries run on. Outside a transaction it sends every
// statement as a pgx batch {set_config(app.user_id), statement}: one round trip, one Sync,
// hence one implicit transaction, so the setting covers exactly that statement and cannot
// leak to the next user of the connection — also behind a transaction pooler (PgBouncer,
// Neon), where the next transaction may run on another server connection. Inside a
// transaction (inTx) the first statement carries the setting and it lasts until the
// transaction ends.
//
// The statements it runs are user-scoped by their own predicates already; the setting lets
// row-level security back them up.
type rlsConn struct {
	conn       dbConn
	userID     string
	inTx       bool
	set        bool // inTx only: the setting is in place
	customPlan bool // plan with the values (listing statements)
	noUser     bool // only the plan setting (a role row-level security does not bind)
}

// scoped returns the queries for userID on conn. inTx says conn is a transaction;
// customPlan that its statements are listings, to be planned with their values.
func (s *Store) scoped(conn dbConn, userID string, inTx, customPlan bool) *db.Queries {
	if s.skipUserSetting && !customPlan {
		return db.New(conn)
	}
	return db.New(&rlsConn{conn: conn, userID: userID, inTx: inTx, customPlan: customPlan, noUser: s.skipUserSetting})
}

// direct reports whether the statement can go straight to the connection: the setting is
// already in place for the transaction.
func (c *rlsConn) direct() bool { return c.inTx && c.set }

// send queues the setting and sql and sends them; the caller reads sql's result from the
// returned batch and closes it. The setting's result has been read when err is nil.
func (c *rlsConn) send(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	switch {
	case c.noUser:
		b.Queue(setCustomPlanSQL)
	case c.customPlan:
		b.Queue(setUserCustomPlanSQL, c.userID)
	default:
		b.Queue(setUserSQL, c.userID)
	}
	b.Queue(sql, args...)
	br := c.conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, err
	}
	if c.inTx {
		c.set = true
	}
	return br, nil
}

// Exec runs sql after the setting.
func (c *rlsConn) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if c.direct() {
		return c.conn.Exec(ctx, sql, args...)
	}
	br, err := c.send(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs sql after the setting; closing the rows (or reading them to the end) closes
// the batch, and an error the batch reports then is returned by the rows' Err.
func (c *rlsConn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if c.direct() {
		return c.conn.Query(ctx, sql, args...)
	}
	br, err := c.send(ctx, sql, args)
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

// QueryRow runs sql after the setting. Like pgx's, the row's Scan returns pgx.ErrNoRows
// when there is no row.
func (c *rlsConn) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if c.direct() {
		return c.conn.QueryRow(ctx, sql, args...)
	}
	rows, err := c.Query(ctx, sql, args...)
	return batchRow{rows: rows, err: err}
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
