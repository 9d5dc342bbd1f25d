-- +goose Up
-- Defence in depth: every statement already compares user_id with the caller's id (see
-- internal/store's TestEveryQueryIsUserScoped). Row-level security makes PostgreSQL refuse
-- other users' rows as well, should a statement ever forget its predicate: a row is visible
-- and writable only when its user_id equals the transaction-local setting app.user_id, which
-- the store sets with set_config('app.user_id', $1, true) in the same round trip as each
-- statement. No setting (NULL) or an empty one matches no row.
--
-- FORCE applies the policies to the tables' owner too (the role that runs the migrations and,
-- on Neon, usually the service). Superusers and BYPASSRLS roles always skip row-level
-- security: run the service as an ordinary role.
--
-- So a later migration that reads or changes existing rows (a backfill) sees none of them
-- when it runs as the owner: put such statements between
-- ALTER TABLE … NO FORCE ROW LEVEL SECURITY and ALTER TABLE … FORCE ROW LEVEL SECURITY in
-- that migration (its transaction keeps the gap private). A new table of per-user rows gets
-- the same ENABLE, FORCE and policy as these (internal/store's
-- TestEveryUserTableHasRowLevelSecurity fails until it has).
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY tasks_owner ON tasks
    USING (user_id = current_setting('app.user_id', true))
    WITH CHECK (user_id = current_setting('app.user_id', true));

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_owner ON idempotency_keys
    USING (user_id = current_setting('app.user_id', true))
    WITH CHECK (user_id = current_setting('app.user_id', true));

ALTER TABLE user_clocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_clocks FORCE ROW LEVEL SECURITY;
CREATE POLICY user_clocks_owner ON user_clocks
    USING (user_id = current_setting('app.user_id', true))
    WITH CHECK (user_id = current_setting('app.user_id', true));

-- +goose Down
DROP POLICY user_clocks_owner ON user_clocks;
ALTER TABLE user_clocks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_clocks DISABLE ROW LEVEL SECURITY;
DROP POLICY idempotency_keys_owner ON idempotency_keys;
ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys DISABLE ROW LEVEL SECURITY;
DROP POLICY tasks_owner ON tasks;
ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;
