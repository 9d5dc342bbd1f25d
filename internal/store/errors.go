package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// Sentinel errors. Callers match them with errors.Is; Translate is the one place that
// produces them from database errors.
var (
	// ErrNotFound: no such row for this user (including rows of other users).
	ErrNotFound = errors.New("not found")
	// ErrPreconditionFailed: the row exists but its version is not one the caller named.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrIdempotencyMismatch: the idempotency key was used before with a different body.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrInvalid: the database refused a value (a constraint the API should have checked).
	ErrInvalid = errors.New("invalid value")
	// ErrUnavailable: the database cannot be reached or did not answer in time.
	ErrUnavailable = errors.New("database unavailable")
	// ErrGone: a change feed position before purged tombstones; the feed cannot tell what
	// was deleted since.
	ErrGone = errors.New("changes since then were purged")
	// ErrDueTimeWithoutDate: a due time on a task without a due date (an ErrInvalid).
	ErrDueTimeWithoutDate = fmt.Errorf("%w: a due time needs a due date", ErrInvalid)
	// ErrRepeatWithoutDate: a repeating task without a due date (an ErrInvalid).
	ErrRepeatWithoutDate = fmt.Errorf("%w: a repeating task needs a due date", ErrInvalid)
)

// Translate maps a database error to the store's sentinels, keeping the cause wrapped.
// It is the only place that inspects pgx and PostgreSQL errors.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	for _, sentinel := range []error{ErrNotFound, ErrPreconditionFailed, ErrIdempotencyMismatch, ErrInvalid, ErrUnavailable, ErrGone, ErrQuotaExceeded, ErrTooBusy, ErrInboxConflict, ErrNoSuchAfterList, ErrForbidden, ErrSharingConflict} {
		if errors.Is(err, sentinel) {
			return err
		}
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.ConstraintName == "tasks_due_time_needs_date":
			return fmt.Errorf("%w: %w", ErrDueTimeWithoutDate, err)
		case pgErr.ConstraintName == "tasks_repeat_needs_date":
			return fmt.Errorf("%w: %w", ErrRepeatWithoutDate, err)
		case quotaConstraints[pgErr.ConstraintName] != nil:
			return fmt.Errorf("%w: %w", quotaConstraints[pgErr.ConstraintName], err)
		case pgErr.Code[:2] == "23" || pgErr.Code[:2] == "22": // integrity constraint, data exception
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		case pgErr.Code[:2] == "08", // connection exception
			pgErr.Code == "57014",                        // query_canceled (timeout)
			pgErr.Code == "57P01", pgErr.Code == "57P02", // admin/crash shutdown
			pgErr.Code == "57P03",                        // cannot connect now (starting up)
			pgErr.Code == "53300",                        // too many connections
			pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		case pgErr.Code == "42501": // insufficient privilege: a row-level security policy refused a write
			return fmt.Errorf("%w: %w", ErrForbidden, err)
		}
		return err
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, puddle.ErrClosedPool) || // the pool is shutting down
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func isNotFound(err error) bool {
	return errors.Is(Translate(err), ErrNotFound)
}
