-- +goose NO TRANSACTION
-- +goose Up
-- Issue 14's speed check (docs/performance.md): what lists and subtasks added to every
-- create of a top-level task, taken back; and the index for one list in created order.
--
-- Outside a transaction (goose NO TRANSACTION) for the index, built CONCURRENTLY (writes go
-- on). Each step can run again: a run that stopped half-way is finished by running
-- `todo-api migrate up` again (an index build that failed is left INVALID: drop it first).
-- lock_timeout makes a catalogue change fail rather than queue behind a long transaction.
SET lock_timeout = '5s';

-- 1. tasks_count_subtasks (0012_subtasks.sql) ran once per INSERT statement over its new
-- rows (a transition table), also for the top-level tasks that are nearly every create: a
-- PL/pgSQL call and a query over the statement's rows, about 25–30 µs of PostgreSQL's time
-- a create (EXPLAIN ANALYZE's trigger times) to find no subtask. The service inserts one
-- row a statement, so on INSERT a row trigger does the same work, and its WHEN clause —
-- evaluated without calling anything — skips the top-level ones. Its update of the parent
-- is the one tasks_count_subtasks makes for a statement of one row: +1 total, +1 completed
-- when the subtask is, and a live parent gets a new version and the subtask's updated_at
-- (the statement's clock value). SQL run by hand that inserts several subtasks of one
-- parent in one statement counts each, and gives the parent a new version for each.
--
-- UPDATE and DELETE keep the statement triggers: they change whole subtrees (complete,
-- delete, move, a list's delete) in one statement, which a row trigger would turn into one
-- update of the parent per row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tasks_count_subtask_insert() RETURNS trigger
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

-- The swap in one statement, hence one transaction: the statement trigger is gone exactly
-- when the row trigger exists (a SHARE ROW EXCLUSIVE lock on tasks for the catalogue change).
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'tasks'::regclass
               AND tgname = 'tasks_count_subtasks_insert' AND tgtype & 1 = 0) THEN -- FOR EACH STATEMENT
        DROP TRIGGER tasks_count_subtasks_insert ON tasks;
        CREATE TRIGGER tasks_count_subtasks_insert AFTER INSERT ON tasks
            FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL AND NEW.deleted_at IS NULL)
            EXECUTE FUNCTION tasks_count_subtask_insert();
    END IF;
END
$$;
-- +goose StatementEnd

-- 2. One list in created order — the web app's default view of a list — read in order
-- through this index: without it the listing sorts the list's rows (read through
-- tasks_user_list_position) or walks the user's tasks_user_created past the other lists'
-- rows. It costs every write of a task one more index entry (every update too: updated_at
-- is indexed, so none is a HOT update); see docs/performance.md for both sides.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_user_list_created ON tasks (user_id, list_id, created_at, id);
RESET lock_timeout;

-- +goose Down
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_list_created;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'tasks'::regclass
               AND tgname = 'tasks_count_subtasks_insert' AND tgtype & 1 = 1) THEN -- FOR EACH ROW
        DROP TRIGGER tasks_count_subtasks_insert ON tasks;
        CREATE TRIGGER tasks_count_subtasks_insert AFTER INSERT ON tasks
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_subtasks();
    END IF;
END
$$;
-- +goose StatementEnd
DROP FUNCTION IF EXISTS tasks_count_subtask_insert();
RESET lock_timeout;
