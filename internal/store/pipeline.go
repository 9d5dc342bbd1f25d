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

// step is one generated query of a pipeline: run calls it on q; customPlan plans it with its
// values (a listing, see setUserCustomPlanSQL). Each step must run exactly one statement:
// it runs once against a recorder, which learns the statement and its arguments, then again
// against the batch's result.
type step struct {
	customPlan bool
	run        func(ctx context.Context, q *db.Queries) error
}

// pipeline runs several generated queries for userID in one round trip: one pgx batch —
// the setting, then each step's statement, in order — hence one implicit transaction, in
// which each statement still reads its own snapshot (READ COMMITTED), later than the one
// before.
func (s *Store) pipeline(ctx context.Context, userID string, steps ...step) error {
	return s.withConn(ctx, userID, func(ctx context.Context, conn *pgxpool.Conn) error {
		return s.sendSteps(ctx, conn, "", userID, steps, "")
	})
}

// txPipeline runs a transaction for userID in two round trips, where withTx takes one per
// statement plus BEGIN and COMMIT: BEGIN, the setting and first's statements in one batch;
// then then's statements — then is called once first's results are in, so they may depend
// on them — and COMMIT in another. The setting lasts the transaction. Whatever fails, the
// transaction is rolled back (should that fail too, the pool drops the connection, which it
// does with any connection released inside a transaction).
func (s *Store) txPipeline(ctx context.Context, userID string, first []step, then func() ([]step, error)) error {
	return s.withConn(ctx, userID, func(ctx context.Context, conn *pgxpool.Conn) error {
		defer func() {
			if conn.Conn().PgConn().TxStatus() != 'I' {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
				defer cancel()
				_, _ = conn.Exec(rctx, "rollback")
			}
		}()
		if err := s.sendSteps(ctx, conn, "begin", userID, first, ""); err != nil {
			return err
		}
		second, err := then()
		if err != nil {
			return err
		}
		if err := s.sendSteps(ctx, conn, "", "", second, "commit"); err != nil {
			return err
		}
		if conn.Conn().PgConn().TxStatus() != 'I' {
			return errors.New("transaction still open after commit")
		}
		return nil
	})
}

// sendSteps sends one batch — head (a statement without arguments) when not empty, the
// setting for userID when not empty, each step's statement, tail when not empty — and reads
// every result in order.
func (s *Store) sendSteps(ctx context.Context, conn *pgxpool.Conn, head, userID string, steps []step, tail string) error {
	b := &pgx.Batch{}
	if head != "" {
		b.Queue(head)
	}
	setUser := userID != "" && !s.skipUserSetting
	if setUser {
		b.Queue(setUserSQL, userID)
	}
	settings := make([]bool, len(steps)) // a plan setting precedes step i
	planned := false
	for i, st := range steps {
		rec := &recorder{}
		if err := st.run(ctx, db.New(rec)); !errors.Is(err, errRecorded) || rec.n != 1 {
			return fmt.Errorf("pipeline step %d ran %d statements (%v); it must run one", i, rec.n, err)
		}
		if st.customPlan && !planned {
			b.Queue(setCustomPlanSQL)
			settings[i], planned = true, true
		}
		b.Queue(rec.sql, rec.args...)
	}
	if tail != "" {
		b.Queue(tail)
	}
	br := conn.SendBatch(ctx, b)
	err := func() error {
		if head != "" {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		if setUser {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		for i, st := range steps {
			if settings[i] {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
			if err := st.run(ctx, db.New(replay{br})); err != nil {
				return err
			}
		}
		if tail != "" {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		return nil
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// errRecorded stops a generated query once recorder has its statement.
var errRecorded = errors.New("statement recorded, not run")

// recorder is a db.DBTX that runs nothing: it keeps the statement and its arguments.
type recorder struct {
	sql  string
	args []any
	n    int
}

func (r *recorder) record(sql string, args []any) { r.sql, r.args, r.n = sql, args, r.n+1 }

func (r *recorder) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.record(sql, args)
	return pgconn.CommandTag{}, errRecorded
}

func (r *recorder) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.record(sql, args)
	return nil, errRecorded
}

func (r *recorder) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	r.record(sql, args)
	return errRow{errRecorded}
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// replay is a db.DBTX that answers each statement with the batch's next result.
type replay struct{ br pgx.BatchResults }

func (r replay) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) { return r.br.Exec() }
func (r replay) Query(context.Context, string, ...any) (pgx.Rows, error)         { return r.br.Query() }
func (r replay) QueryRow(context.Context, string, ...any) pgx.Row                { return r.br.QueryRow() }
