package store

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/todo-api/todo-api/internal/dbtest"
	"github.com/todo-api/todo-api/internal/proctest"
)

// TestRLSBehindPgBouncerTransactionMode runs the store through PgBouncer in transaction mode
// with pgx's exec mode, as on Neon's -pooler host: each batch {set_config, statement} must
// reach one server connection as one transaction, so every statement sees its own user's
// setting although many clients share two server connections. Two separate round trips do
// not (the control at the end).
func TestRLSBehindPgBouncerTransactionMode(t *testing.T) {
	t.Parallel()
	// The batch's single Sync is what keeps set_config and the statement in one transaction
	// behind a transaction pooler, which only this test checks.
	bin := proctest.FindTool(t, "pgbouncer", "apt-get install pgbouncer (.ci/run does)", "/usr/sbin")
	dbURL := dbtest.NewURL(t)
	admin := newPool(t, dbURL, nil)
	appURL := appRoleURL(t, dbURL)
	bouncerURL := startPgBouncer(t, bin, appURL)

	pool := newPool(t, bouncerURL, func(c *pgxpool.Config) {
		c.MaxConns = 16
		c.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	})
	s := New(pool, Options{})
	ctx := t.Context()

	// The server sees at most two connections for all sixteen clients.
	users := make([]string, 8)
	for i := range users {
		users[i] = fmt.Sprintf("bouncer-user-%d", i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for _, user := range users {
		wg.Go(func() {
			for round := range 25 {
				if err := bouncerRound(ctx, s, pool, user, round); err != nil {
					errs <- fmt.Errorf("%s round %d: %w", user, round, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, user := range users {
		if n := countTasks(t, admin, user); n != 50 {
			t.Errorf("%s has %d tasks, want 50", user, n)
		}
	}
	var servers int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE usename = $1",
		strings.SplitN(strings.TrimPrefix(appURL, "postgres://"), ":", 2)[0]).Scan(&servers); err != nil || servers > 2 {
		t.Errorf("PgBouncer holds %d server connections (%v), want at most its pool size 2", servers, err)
	}

	t.Run("SeparateRoundTripsLoseTheSetting", func(t *testing.T) {
		// The control: what the wrapper must not do. set_config(…, true) in its own implicit
		// transaction has ended before the next statement runs.
		conn, err := pool.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		if _, err := conn.Exec(t.Context(), setUserSQL, "separate"); err != nil {
			t.Fatal(err)
		}
		var got *string
		if err := conn.QueryRow(t.Context(), "SELECT current_setting('"+UserSetting+"', true)").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != nil && *got == "separate" {
			t.Fatalf("the setting outlived its transaction: this test cannot tell batches from round trips")
		}
	})
}

// bouncerRound is one user's work through the pooler: two creates (each a transaction), a
// listing and an unscoped read, each of which must see only the user.
func bouncerRound(ctx context.Context, s *Store, pool *pgxpool.Pool, user string, round int) error {
	fields := TaskFields{Title: user + " task", Priority: "low"}
	created, _, err := s.TaskCreate(ctx, user, fields, "", nil)
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	// A create is a transaction (the user's clock, the first position, the insert): the
	// setting rides on its first statement and must hold for the rest. (Not with an
	// idempotency key: in exec mode pgx sends the saved response, a []byte, as binary bytea,
	// which PostgreSQL refuses as jsonb, with or without this wrapper.)
	if _, _, err := s.TaskCreate(ctx, user, fields, "", nil); err != nil {
		return fmt.Errorf("second create: %w", err)
	}
	if _, err := s.TaskGet(ctx, user, created.ID); err != nil {
		return fmt.Errorf("get own task: %w", err)
	}
	tasks, _, err := s.TaskList(ctx, user, ListParams{Sort: SortCreated, Desc: true, Limit: 200})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	if len(tasks) != 2*(round+1) {
		return fmt.Errorf("listed %d tasks, want %d", len(tasks), 2*(round+1))
	}
	for _, task := range tasks {
		if task.Title != fields.Title {
			return fmt.Errorf("listed another user's task %q", task.Title)
		}
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	q := withUserSetting(conn, user)
	var setting string
	var others int
	err = q.QueryRow(ctx, "SELECT current_setting('"+UserSetting+"', true), (SELECT count(*) FROM tasks WHERE user_id <> current_setting('"+UserSetting+"', true))").Scan(&setting, &others)
	if err != nil {
		return err
	}
	if setting != user || others != 0 {
		return fmt.Errorf("the statement saw %s=%q and %d rows of others", UserSetting, setting, others)
	}
	return nil
}

// startPgBouncer runs PgBouncer in transaction mode with a pool of two server connections in
// front of the database of target (whose user and password it passes through), and returns
// target pointing at it.
func startPgBouncer(t *testing.T, bin, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	addr := proctest.StartPgBouncer(t, proctest.PgBouncer{
		Bin:       bin,
		Databases: []string{fmt.Sprintf("rls = host=%s port=%s dbname=%s", u.Hostname(), u.Port(), strings.TrimPrefix(u.Path, "/"))},
		Users:     map[string]string{u.User.Username(): password},
		Settings: map[string]string{
			"auth_type":                 "plain",
			"pool_mode":                 "transaction",
			"default_pool_size":         "2",
			"min_pool_size":             "0",
			"reserve_pool_size":         "0",
			"max_client_conn":           "100",
			"server_reset_query":        "",
			"ignore_startup_parameters": "extra_float_digits",
		},
	})
	u.Host = addr
	u.Path = "/rls"
	return u.String()
}
