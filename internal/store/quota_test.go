package store

import (
	"testing"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestQuotaLimitsAgree: the quotas the database enforces (user_quota in
// 0009_quotas_search.sql) are the ones the store and the API name.
func TestQuotaLimitsAgree(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	for resource, want := range map[string]int{"tasks": MaxLiveTasks, "tags": MaxTags} {
		var got int
		if err := pool.QueryRow(t.Context(), "SELECT user_quota($1)", resource).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("user_quota(%q) = %d, the store says %d", resource, got, want)
		}
	}
}
