package migrate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRetryable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"LockHeldByAnotherReplica", errors.New("acquire lock 4097083626: already held by another instance"), true},
		{"SerializationFailure", &pgconn.PgError{Code: "40001"}, true},
		{"TooManyConnections", &pgconn.PgError{Code: "53300"}, true},
		{"ServerShuttingDown", &pgconn.PgError{Code: "57P01"}, true},
		{"PermissionDenied", fmt.Errorf("acquire lock 1: %w", &pgconn.PgError{Code: "42501"}), false},
		{"PreparedStatementMissingBehindPooler", fmt.Errorf("acquire lock 1: %w", &pgconn.PgError{Code: "26000"}), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := retryable(tt.err); got != tt.want {
				t.Fatalf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
