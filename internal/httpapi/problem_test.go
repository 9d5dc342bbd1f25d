package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/store"
)

// TestUnavailableProblemNamesTheDependency: a 503 says which dependency is down, so an
// operator reading a client's report looks at the right one.
func TestUnavailableProblemNamesTheDependency(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("list: %w", store.ErrUnavailable), "database"},
		{fmt.Errorf("verify: %w", auth.ErrKeysUnavailable), "keys that sign access tokens"},
	} {
		p := toProblem(tc.err)
		if p.status != http.StatusServiceUnavailable || p.headers["Retry-After"] == "" || !strings.Contains(p.detail, tc.want) {
			t.Errorf("%v: %d %q %v, want 503 with Retry-After, detail naming %q", tc.err, p.status, p.detail, p.headers, tc.want)
		}
	}
}
