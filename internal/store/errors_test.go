package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestTranslate(t *testing.T) {
	t.Parallel()
	pgErr := func(code string) error { return &pgconn.PgError{Code: code, Message: "m"} }
	plain := errors.New("something else")
	tests := []struct {
		name string
		in   error
		want error // nil: the error comes back unchanged
	}{
		{"NoRowsIsNotFound", pgx.ErrNoRows, ErrNotFound},
		{"WrappedNoRowsIsNotFound", fmt.Errorf("get: %w", pgx.ErrNoRows), ErrNotFound},
		{"SentinelPassesThrough", fmt.Errorf("x: %w", ErrPreconditionFailed), ErrPreconditionFailed},
		{"IdempotencyMismatchPassesThrough", ErrIdempotencyMismatch, ErrIdempotencyMismatch},
		{"CheckViolationIsInvalid", pgErr("23514"), ErrInvalid},
		{"UniqueViolationIsInvalid", pgErr("23505"), ErrInvalid},
		{"StringTooLongIsInvalid", pgErr("22001"), ErrInvalid},
		{"BadEnumTextIsInvalid", pgErr("22P02"), ErrInvalid},
		{"ConnectionExceptionIsUnavailable", pgErr("08006"), ErrUnavailable},
		{"QueryCanceledIsUnavailable", pgErr("57014"), ErrUnavailable},
		{"AdminShutdownIsUnavailable", pgErr("57P01"), ErrUnavailable},
		{"CannotConnectNowIsUnavailable", pgErr("57P03"), ErrUnavailable},
		{"TooManyConnectionsIsUnavailable", pgErr("53300"), ErrUnavailable},
		{"SerializationFailureIsUnavailable", pgErr("40001"), ErrUnavailable},
		{"DeadlockIsUnavailable", pgErr("40P01"), ErrUnavailable},
		{"DeadlineIsUnavailable", fmt.Errorf("acquire: %w", context.DeadlineExceeded), ErrUnavailable},
		{"EOFIsUnavailable", io.ErrUnexpectedEOF, ErrUnavailable},
		{"UndefinedTableIsUnchanged", pgErr("42P01"), nil},
		{"OtherErrorIsUnchanged", plain, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Translate(tt.in)
			if tt.want == nil {
				if got != tt.in {
					t.Fatalf("Translate(%v) = %v, want it unchanged", tt.in, got)
				}
				return
			}
			if !errors.Is(got, tt.want) {
				t.Fatalf("Translate(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !errors.Is(got, tt.in) {
				t.Fatalf("Translate(%v) = %v lost the cause", tt.in, got)
			}
		})
	}
	if Translate(nil) != nil {
		t.Fatal("Translate(nil) != nil")
	}
}
