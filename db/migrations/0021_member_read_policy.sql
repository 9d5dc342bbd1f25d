-- +goose NO TRANSACTION
-- +goose Up
-- The tasks policies of 0015_sharing.sql admitted a row of another owner's list through
-- app_list_role(user_id, list_id): a SECURITY DEFINER call for every such row the statement
-- touched, which cannot be inlined — a listing of a shared list paid it for each row of the
-- list's index range and cost PostgreSQL 2.4× the listing of an own list of the same size
-- (docs/performance.md; issue 16's rule is 1.5×). Here the same rule is a set: the caller's
-- live lists (app_member_lists; app_editor_lists for writes) read once per statement into a
-- hashed SubPlan, then one hash probe per row. PL/pgSQL, so that the set's statement is planned
-- once per connection (a SQL function's body is planned at every call). The owner's arm comes first and short-circuits,
-- so a caller's own rows never build the set.
--
-- The rule is unchanged — exactly the live lists the caller is a member of (to write: as owner
-- or editor), read from list_access (0015) — and so are the tests that hold it
-- (TestMembershipRowLevelSecurity, the rls tests, the role sweeps).
--
-- NO TRANSACTION, one lock per statement (like 0015): ALTER POLICY replaces a policy's
-- expressions in one statement, so there is no moment without a policy.
SET lock_timeout = '5s';

-- The caller's lists, by member: list_access's primary key leads with the owner.
CREATE INDEX CONCURRENTLY IF NOT EXISTS list_access_user ON list_access (user_id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_member_lists() RETURNS TABLE (owner_id text, list_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    SET plan_cache_mode = auto ROWS 10 AS $$
BEGIN
    RETURN QUERY SELECT a.owner_id, a.list_id FROM list_access a
    WHERE a.user_id = current_setting('app.user_id', true) AND a.live;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_editor_lists() RETURNS TABLE (owner_id text, list_id uuid)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    SET plan_cache_mode = auto ROWS 10 AS $$
BEGIN
    RETURN QUERY SELECT a.owner_id, a.list_id FROM list_access a
    WHERE a.user_id = current_setting('app.user_id', true) AND a.live AND a.role IN ('owner', 'editor');
END
$$;
-- +goose StatementEnd

-- The helpers the other policies call per row (0015: lists, list_members, user_clocks,
-- user_tags, task_search, task_departures) become PL/pgSQL with the same bodies: a SQL
-- function that cannot be inlined (SECURITY DEFINER, SET search_path) has its body planned
-- again in every statement that calls it — 0.05–0.2 ms of a shared list's every request (its
-- membership read, its clock) — while PL/pgSQL plans it once per connection.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_list_role(owner text, list uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    SET plan_cache_mode = auto AS $$
BEGIN
    RETURN (SELECT a.role FROM list_access a
            WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true)
              AND a.list_id = list AND a.live);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_reads_owner(owner text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    SET plan_cache_mode = auto AS $$
BEGIN
    RETURN owner = current_setting('app.user_id', true)
        OR EXISTS (SELECT 1 FROM list_access a
                   WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true) AND a.live);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_writes_owner(owner text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    SET plan_cache_mode = auto AS $$
BEGIN
    RETURN owner = current_setting('app.user_id', true)
        OR EXISTS (SELECT 1 FROM list_access a
                   WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true) AND a.live
                     AND a.role IN ('owner', 'editor'));
END
$$;
-- +goose StatementEnd

ALTER POLICY tasks_member_read ON tasks
    USING (user_id = current_setting('app.user_id', true)
           OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_member_lists() l));
ALTER POLICY tasks_editor_write ON tasks
    USING (user_id = current_setting('app.user_id', true)
           OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l))
    WITH CHECK (user_id = current_setting('app.user_id', true)
           OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l));
RESET lock_timeout;

-- +goose Down
SET lock_timeout = '5s';
ALTER POLICY tasks_member_read ON tasks
    USING (user_id = current_setting('app.user_id', true) OR app_list_role(user_id, list_id) IS NOT NULL);
ALTER POLICY tasks_editor_write ON tasks
    USING (user_id = current_setting('app.user_id', true) OR app_list_role(user_id, list_id) IN ('owner', 'editor'))
    WITH CHECK (user_id = current_setting('app.user_id', true) OR app_list_role(user_id, list_id) IN ('owner', 'editor'));
RESET lock_timeout;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_list_role(owner text, list uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN (SELECT a.role FROM list_access a
            WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true)
              AND a.list_id = list AND a.live);
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_reads_owner(owner text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN owner = current_setting('app.user_id', true)
        OR EXISTS (SELECT 1 FROM list_access a
                   WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true) AND a.live);
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION app_writes_owner(owner text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN owner = current_setting('app.user_id', true)
        OR EXISTS (SELECT 1 FROM list_access a
                   WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true) AND a.live
                     AND a.role IN ('owner', 'editor'));
-- +goose StatementEnd
DROP FUNCTION IF EXISTS app_editor_lists();
DROP FUNCTION IF EXISTS app_member_lists();
DROP INDEX CONCURRENTLY IF EXISTS list_access_user;
