package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// BenchmarkRowLevelSecurity measures what row-level security adds to the store's calls, on
// one database with 50 users of 50 tasks:
//
//   - Plain: statements without set_config, as the tests' role (which bypasses the policies):
//     the store before row-level security.
//   - Batch: set_config and the statement in one batch, same role: the cost of the batch.
//   - Policy: the same as a role the policies bind: the store as shipped, run as production
//     should run it.
//
// go test -run '^$' -bench RowLevelSecurity -count 5 ./internal/store/
func BenchmarkRowLevelSecurity(b *testing.B) {
	dbURL := dbtest.NewURL(b)
	admin := newPool(b, dbURL, nil)
	app := newPool(b, appRoleURL(b, dbURL), nil)
	plain := New(admin, Options{})
	plain.skipUserSetting = true
	stores := []struct {
		name string
		s    *Store
	}{{"Plain", plain}, {"Batch", New(admin, Options{})}, {"Policy", New(app, Options{})}}

	const users, perUser = 50, 50
	var ids [users][]Task
	for u := range users {
		for i := range perUser {
			task, _, err := plain.TaskCreate(b.Context(), fmt.Sprint("bench-", u), TaskFields{Title: fmt.Sprint("task ", i), Priority: "medium"}, "", nil)
			if err != nil {
				b.Fatal(err)
			}
			ids[u] = append(ids[u], task)
		}
	}
	if _, err := admin.Exec(b.Context(), "ANALYZE tasks"); err != nil {
		b.Fatal(err)
	}
	ops := []struct {
		name string
		run  func(s *Store, i int) error
	}{
		{"TaskGet", func(s *Store, i int) error {
			_, err := s.TaskGet(b.Context(), fmt.Sprint("bench-", i%users), ids[i%users][i%perUser].ID)
			return err
		}},
		{"TaskList", func(s *Store, i int) error {
			_, _, err := s.TaskList(b.Context(), fmt.Sprint("bench-", i%users), ListParams{Sort: SortCreated, Desc: true, Limit: 50})
			return err
		}},
		{"TaskCreate", func(s *Store, i int) error {
			_, _, err := s.TaskCreate(b.Context(), fmt.Sprint("bench-new-", i%users), TaskFields{Title: "new", Priority: "low"}, "", nil)
			return err
		}},
	}
	// The variants take turns within one loop, so that a shared machine's noise falls on all
	// of them alike; each reports its mean, and the ratios to Plain.
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			spent := make([]time.Duration, len(stores))
			for i := 0; b.Loop(); i++ {
				for k, st := range stores {
					start := time.Now()
					if err := op.run(st.s, i); err != nil {
						b.Fatal(err)
					}
					spent[k] += time.Since(start)
				}
			}
			for k, st := range stores {
				b.ReportMetric(float64(spent[k].Nanoseconds())/float64(b.N), st.name+"-ns/op")
				if k > 0 {
					b.ReportMetric(float64(spent[k])/float64(spent[0]), st.name+"/Plain")
				}
			}
		})
	}
}
