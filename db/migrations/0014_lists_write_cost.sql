-- +goose Up
-- Issue 14's speed check (docs/performance.md): what lists and subtasks added to every
-- create of a top-level task, taken back.
--
-- tasks_count_subtasks (0012_subtasks.sql) ran once per INSERT statement over its new rows
-- (a transition table), also for the top-level tasks that are nearly every create: a
-- PL/pgSQL call and a query over the statement's rows, about 25–30 µs of PostgreSQL's time
-- a create (EXPLAIN ANALYZE's trigger times) to find no subtask. The service inserts one row
-- a statement, so on INSERT a row trigger does the same work, and its WHEN clause —
-- evaluated without calling anything — skips the top-level ones. Its update of the parent is
-- the one tasks_count_subtasks makes for a statement of one row: +1 total, +1 completed
-- when the subtask is, and a live parent gets a new version and the subtask's updated_at
-- (the statement's clock value). SQL run by hand that inserts several subtasks of one parent
-- in one statement counts each, and gives the parent a new version for each.
--
-- UPDATE and DELETE keep the statement triggers: they change whole subtrees (complete,
-- delete, move, a list's delete) in one statement, which a row trigger would turn into one
-- update of the parent per row.
--
-- One transaction (goose's default): the statement trigger is gone exactly when the row
-- trigger exists. DROP and CREATE TRIGGER take a SHARE ROW EXCLUSIVE lock on tasks for a
-- catalogue change; lock_timeout (for this transaction) makes it fail rather than queue behind a long transaction
-- (run it again).
SET LOCAL lock_timeout = '5s';

-- +goose StatementBegin
CREATE FUNCTION tasks_count_subtask_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks p SET
        subtasks_total     = p.subtasks_total + 1,
        subtasks_completed = p.subtasks_completed + NEW.completed::int,
        updated_at = CASE WHEN p.deleted_at IS NULL THEN greatest(p.updated_at, NEW.updated_at)
                          ELSE p.updated_at END,
        version    = p.version + (p.deleted_at IS NULL)::int
    WHERE p.user_id = NEW.user_id AND p.id = NEW.parent_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP TRIGGER tasks_count_subtasks_insert ON tasks;
CREATE TRIGGER tasks_count_subtasks_insert AFTER INSERT ON tasks
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION tasks_count_subtask_insert();

-- +goose Down
SET LOCAL lock_timeout = '5s';
DROP TRIGGER tasks_count_subtasks_insert ON tasks;
CREATE TRIGGER tasks_count_subtasks_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_subtasks();
DROP FUNCTION tasks_count_subtask_insert();
