package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5"
)

// appRole is the role `serve` runs as under the benchmark: an ordinary role (not a superuser,
// no BYPASSRLS) that owns the benchmark database, so that it creates — and owns — the tables
// when serve migrates, and row-level security binds it as it binds the service in
// production (the tables FORCE it on their owner). The cluster's superuser skips row-level
// security altogether, so a server connected as postgres would measure a cheaper service
// than the one that ships.
const appRole = "bench_app"

// makeAppRole creates appRole, gives it the (still empty) database of superURL and returns
// the URL to connect to that database as appRole. It must run before serve migrates.
func makeAppRole(ctx context.Context, superURL string) (string, error) {
	u, err := url.Parse(superURL)
	if err != nil {
		return "", err
	}
	dbname := u.Path[1:]
	conn, err := pgx.Connect(ctx, superURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
		return "", err
	}
	if tables > 0 {
		// The owner of existing tables would stay the superuser and skip row-level security.
		return "", fmt.Errorf("database %s is not empty: %s must create its tables", dbname, appRole)
	}
	role := pgx.Identifier{appRole}.Sanitize()
	for _, sql := range []string{
		"CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
		// PostgreSQL 15: the public schema belongs to pg_database_owner, so the database's
		// owner may create the tables there.
		"ALTER DATABASE " + pgx.Identifier{dbname}.Sanitize() + " OWNER TO " + role,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return "", fmt.Errorf("%s: %w", sql, err)
		}
	}
	var super, bypass bool
	if err := conn.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, appRole).Scan(&super, &bypass); err != nil {
		return "", err
	}
	if super || bypass {
		return "", fmt.Errorf("role %s skips row-level security (superuser %v, bypassrls %v)", appRole, super, bypass)
	}
	u.User = url.User(appRole)
	return u.String(), nil
}

// checkRowSecurity fails unless serve's tables belong to appRole with row-level security
// enabled and forced, i.e. unless the benchmark measures the policies.
func checkRowSecurity(ctx context.Context, superURL string) error {
	conn, err := pgx.Connect(ctx, superURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var owner string
	var enabled, forced bool
	err = conn.QueryRow(ctx, `SELECT pg_get_userbyid(relowner), relrowsecurity, relforcerowsecurity
		FROM pg_class WHERE oid = 'public.tasks'::regclass`).Scan(&owner, &enabled, &forced)
	if err != nil {
		return fmt.Errorf("tasks table: %w", err)
	}
	if owner != appRole || !enabled || !forced {
		return fmt.Errorf("tasks: owner %s, row security enabled %v, forced %v: the benchmark would not measure row-level security", owner, enabled, forced)
	}
	return nil
}
