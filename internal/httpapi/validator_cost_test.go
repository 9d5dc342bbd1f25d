package httpapi

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// costShapes are bodies that break one rule per element, n elements each: the shapes of
// issue 12, item 1, on every operation that takes them.
var costShapes = []struct {
	name, method, path string
	body               func(n int) string
}{
	{"UnknownPropertiesCreate", http.MethodPost, "/api/tasks", unknownProperties},
	{"UnknownPropertiesPatch", http.MethodPatch, "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10", unknownProperties},
	{"UnknownPropertiesBulk", http.MethodPost, "/api/tasks/bulk", unknownProperties},
	{"EmptyTags", http.MethodPost, "/api/tasks", func(n int) string {
		return `{"title":"x","tags":[` + strings.TrimSuffix(strings.Repeat(`"",`, n), ",") + `]}`
	}},
}

// unknownProperties is {"title":"x","p0":1,…} with n unknown properties.
func unknownProperties(n int) string {
	var b strings.Builder
	b.WriteString(`{"title":"x"`)
	for i := range n {
		fmt.Fprintf(&b, `,"p%d":1`, i)
	}
	b.WriteString("}")
	return b.String()
}

// TestValidationCostIsLinear refuses a body of 1000 broken rules and one of 6000 through the
// whole handler stack and compares the bytes allocated per byte of body: linear work keeps
// them about equal (map growth moves them a little), quadratic work multiplies them by six.
// Allocated bytes are deterministic, unlike time, on a busy machine.
func TestValidationCostIsLinear(t *testing.T) {
	// Not parallel: it reads the process's allocation counter.
	s, tok := serverWithStore(t, benchStore{task: benchTask()})
	for _, sh := range costShapes {
		t.Run(sh.name, func(t *testing.T) {
			perByte := func(n int) float64 {
				body := sh.body(n)
				if len(body) > MaxBodyBytes {
					t.Fatalf("%d elements make %d bytes, over the body limit", n, len(body))
				}
				least := uint64(math.MaxUint64)
				for range 3 { // the least of three: other goroutines only add
					req := httptest.NewRequest(sh.method, sh.path, strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					w := httptest.NewRecorder()
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					s.ServeHTTP(w, req)
					runtime.ReadMemStats(&after)
					if w.Code != http.StatusUnprocessableEntity {
						t.Fatalf("%d elements: status %d, want 422: %.300s", n, w.Code, w.Body)
					}
					least = min(least, after.TotalAlloc-before.TotalAlloc)
				}
				return float64(least) / float64(len(body))
			}
			small, large := perByte(1000), perByte(6000)
			t.Logf("allocated per byte of body: %.0f B with 1000 elements, %.0f B with 6000 (×%.2f)", small, large, large/small)
			if large > 2*small {
				t.Errorf("6000 elements allocate %.0f B per body byte, 1000 allocate %.0f B: ×%.1f, not linear", large, small, large/small)
			}
		})
	}
}
