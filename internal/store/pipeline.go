package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/gen/db"
)

// step is one generated query of a pipeline: run calls it on q; customPlan plans it with its
// values (a listing, see setUserCustomPlanSQL).
type step struct {
	customPlan bool
	run        func(ctx context.Context, q *db.Queries) error
}

// pipeline runs several generated queries for userID in one round trip: one pgx batch —
// the setting, then each step's statement, in order — hence one implicit transaction, in
// which each statement still reads its own snapshot (READ COMMITTED), later than the one
// before. Each step must run exactly one statement: pipeline runs it once against a
// recorder to learn its SQL and arguments, then again against the batch's results.
func (s *Store) pipeline(ctx context.Context, userID string, steps ...step) error {
	return s.withConn(ctx, func(ctx context.Context, conn *pgxpool.Conn) error {
		b := &pgx.Batch{}
		settings := make([]bool, len(steps)) // a setting precedes step i
		if !s.skipUserSetting {
			b.Queue(setUserSQL, userID)
		}
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
		br := conn.SendBatch(ctx, b)
		err := func() error {
			if !s.skipUserSetting {
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
			return nil
		}()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return err
	})
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
