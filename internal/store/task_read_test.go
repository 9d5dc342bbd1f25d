package store

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
)

// TestTaskStatsOverdueUsesUTC runs the same data through sessions in the time zones furthest
// ahead of and behind UTC: at any hour one of them has a local date other than UTC's, so a
// statement using the session's current_date would miscount there.
func TestTaskStatsOverdueUsesUTC(t *testing.T) {
	t.Parallel()
	url := dbtest.NewURL(t)
	setup := New(newPool(t, url, nil), Options{})
	const user = "stats"
	today := time.Now().UTC().Truncate(24 * time.Hour)
	yesterday, tomorrow := today.AddDate(0, 0, -1), today.AddDate(0, 0, 1)
	for _, f := range []TaskFields{
		{Title: "due yesterday", DueDate: &yesterday},                        // overdue
		{Title: "due today", DueDate: &today},                                // not yet
		{Title: "due tomorrow", DueDate: &tomorrow},                          // not yet
		{Title: "done, due yesterday", DueDate: &yesterday, Completed: true}, // done
		{Title: "no due date"},
	} {
		create(t, setup, user, f)
	}
	create(t, setup, "someone else", TaskFields{Title: "theirs", DueDate: &yesterday})
	want := Stats{Total: 5, Completed: 1, Pending: 4, Overdue: 1}

	for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			pool := newPool(t, url, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["timezone"] = zone })
			var got string
			if err := pool.QueryRow(t.Context(), "SHOW timezone").Scan(&got); err != nil || got != zone {
				t.Fatalf("session time zone %q, %v; want %q", got, err, zone)
			}
			st, err := New(pool, Options{}).TaskStats(t.Context(), user, time.Now().UTC(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if now := time.Now().UTC().Truncate(24 * time.Hour); !now.Equal(today) {
				t.Skip("the UTC date changed during the test; the counts are not comparable")
			}
			if st != want {
				t.Fatalf("stats = %+v, want %+v", st, want)
			}
		})
	}
	t.Run("NoTasks", func(t *testing.T) {
		t.Parallel()
		st, err := setup.TaskStats(t.Context(), "nobody", time.Now(), nil)
		if err != nil || st != (Stats{}) {
			t.Fatalf("stats = %+v, %v; want zeros", st, err)
		}
	})
}
