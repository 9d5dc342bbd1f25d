-- +goose NO TRANSACTION
-- +goose Up
-- tasks_editor_write (0015, its expressions 0021) was FOR ALL, so its USING also applied to
-- SELECT — and to the new row of every INSERT … RETURNING, which a SELECT policy must admit
-- — where tasks_member_read alone decides what a member reads. Each such statement carried
-- one more hashed SubPlan over app_editor_lists(), built at every execution and evaluated
-- by none for an own row: 10–14% of PostgreSQL's CPU per single read and per create
-- (docs/performance.md, "The create's and the single read's PostgreSQL cost"). The same rule
-- is now three policies, FOR INSERT, UPDATE and DELETE: writes are checked exactly as before,
-- reads by tasks_owner and tasks_member_read (whose lists include every editor's).
--
-- NO TRANSACTION, one lock per statement (like 0015/0021): the new policies exist before the
-- old one goes, so there is no moment without the rule (both at once admit the same rows).
-- Idempotent: a policy is created only where it is missing.
SET lock_timeout = '5s';

-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'tasks' AND policyname = 'tasks_editor_insert') THEN
        CREATE POLICY tasks_editor_insert ON tasks FOR INSERT
            WITH CHECK (user_id = current_setting('app.user_id', true)
                        OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l));
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'tasks' AND policyname = 'tasks_editor_update') THEN
        CREATE POLICY tasks_editor_update ON tasks FOR UPDATE
            USING (user_id = current_setting('app.user_id', true)
                   OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l))
            WITH CHECK (user_id = current_setting('app.user_id', true)
                        OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l));
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'tasks' AND policyname = 'tasks_editor_delete') THEN
        CREATE POLICY tasks_editor_delete ON tasks FOR DELETE
            USING (user_id = current_setting('app.user_id', true)
                   OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l));
    END IF;
END
$$;
-- +goose StatementEnd

DROP POLICY IF EXISTS tasks_editor_write ON tasks;
RESET lock_timeout;

-- +goose Down
SET lock_timeout = '5s';
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE tablename = 'tasks' AND policyname = 'tasks_editor_write') THEN
        CREATE POLICY tasks_editor_write ON tasks
            USING (user_id = current_setting('app.user_id', true)
                   OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l))
            WITH CHECK (user_id = current_setting('app.user_id', true)
                        OR (user_id, list_id) IN (SELECT l.owner_id, l.list_id FROM app_editor_lists() l));
    END IF;
END
$$;
-- +goose StatementEnd
DROP POLICY IF EXISTS tasks_editor_delete ON tasks;
DROP POLICY IF EXISTS tasks_editor_update ON tasks;
DROP POLICY IF EXISTS tasks_editor_insert ON tasks;
RESET lock_timeout;
