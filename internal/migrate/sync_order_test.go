package migrate_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/internal/fracindex"
	"github.com/todo-api/todo-api/internal/migrate"
)

// TestSyncOrderMigrationKeepsExistingData applies 0001, stores tasks the old way, then
// migrates to the newest schema: every user with tasks gets a clock at their latest change,
// and nothing is lost. Rolling 0003 back drops tombstones (they would come back as live
// tasks) and keeps live tasks.
func TestSyncOrderMigrationKeepsExistingData(t *testing.T) {
	t.Parallel()
	dsn, pool := emptyDatabase(t)
	p := gooseProvider(t, dsn)
	if _, err := p.UpTo(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	base := time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC)
	for i, user := range []string{"alice", "alice", "alice", "bob"} {
		_, err := pool.Exec(ctx, `INSERT INTO tasks (user_id, id, title, created_at, updated_at)
			VALUES ($1, gen_random_uuid(), $2, $3, $4)`, user, "task", base, base.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, response)
		SELECT user_id, 'k', 'h', jsonb_build_object('id', id, 'title', title) FROM tasks
		WHERE user_id = 'alice' ORDER BY created_at, id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := migrate.Up(ctx, dsn, nil); err != nil {
		t.Fatal(err)
	}
	var namespace string
	if err := pool.QueryRow(ctx, "SELECT namespace FROM idempotency_keys WHERE user_id = 'alice' AND key = 'k'").Scan(&namespace); err != nil || namespace != "tasks.create" {
		t.Fatalf("an existing idempotency key's namespace: %q, %v; want tasks.create", namespace, err)
	}
	// The same key in another namespace is another row.
	if _, err := pool.Exec(ctx, `INSERT INTO idempotency_keys (user_id, namespace, key, request_hash) VALUES ('alice', 'tasks.bulk', 'k', 'h')`); err != nil {
		t.Fatal(err)
	}
	clocks := map[string]time.Time{}
	rows, err := pool.Query(ctx, "SELECT user_id, last FROM user_clocks")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u string
		var last time.Time
		if err := rows.Scan(&u, &last); err != nil {
			t.Fatal(err)
		}
		clocks[u] = last
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if len(clocks) != 2 || !clocks["alice"].Equal(base.Add(2*time.Hour)) || !clocks["bob"].Equal(base.Add(3*time.Hour)) {
		t.Fatalf("clocks after the migration: %v", clocks)
	}
	var live int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM tasks WHERE deleted_at IS NULL").Scan(&live); err != nil || live != 4 {
		t.Fatalf("%d live tasks after the migration (%v), want 4", live, err)
	}
	// Positions: newest first per user, valid keys with room before them.
	rows, err = pool.Query(ctx, "SELECT user_id || ' ' || position FROM tasks ORDER BY user_id, created_at DESC, id DESC")
	if err != nil {
		t.Fatal(err)
	}
	positions, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"alice e00000", "alice e00001", "alice e00002", "bob e00000"}; err != nil || !slices.Equal(positions, want) {
		t.Fatalf("positions %q, %v; want %q", positions, err, want)
	}
	for _, p := range positions {
		key := strings.Fields(p)[1]
		if err := fracindex.Validate(key); err != nil {
			t.Fatal(err)
		}
		if before, err := fracindex.Between("", key); err != nil || before >= key {
			t.Fatalf("no room before %q: %q, %v", key, before, err)
		}
	}
	// The saved create response now carries its task's position.
	var saved string
	if err := pool.QueryRow(ctx, "SELECT response->>'position' FROM idempotency_keys WHERE user_id = 'alice' AND key = 'k'").Scan(&saved); err != nil || saved != "e00002" {
		t.Fatalf("saved response's position %q, %v; want the oldest task's e00002", saved, err)
	}

	// A tombstone, then 0003 rolled back.
	if _, err := pool.Exec(ctx, `UPDATE tasks SET deleted_at = updated_at
		WHERE user_id = 'bob'`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var users []string
	rows, err = pool.Query(ctx, "SELECT user_id FROM tasks ORDER BY user_id")
	if err != nil {
		t.Fatal(err)
	}
	users, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(users) != 3 || users[0] != "alice" {
		t.Fatalf("tasks after rolling back: %v, %v; want alice's three", users, err)
	}
	if tableExists(t, pool, "user_clocks") {
		t.Fatal("user_clocks survived the rollback")
	}
	var keys int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM idempotency_keys WHERE user_id = 'alice' AND key = 'k'").Scan(&keys); err != nil || keys != 1 {
		t.Fatalf("%d idempotency keys after the rollback (%v), want the create's one", keys, err)
	}
}
