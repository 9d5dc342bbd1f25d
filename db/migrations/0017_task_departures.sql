-- +goose NO TRANSACTION
-- +goose Up
-- Departures (issue 16): a task that leaves a list — moved to another list of the same owner,
-- or to a list of another owner — is a tombstone in the left list's change feed
-- (GET /api/lists/{id}/changes) from then on, and the task itself in the feed of the list it
-- went to. task_departures (0015_sharing.sql) holds one row per (list, task) that left it;
-- user_clock_tick_purging purges them with the tombstones.
--
-- departed_at is a value of the OLD list owner's clock (0003_sync_order.sql), so the left
-- list's feed stays in commit order:
--   - a move within one owner: the statement already holds that owner's clock and stamps
--     NEW.updated_at with it: the departure takes the same value;
--   - a move to another owner's list: NEW.updated_at is the new owner's clock; the trigger
--     ticks the old owner's clock too. The writer must take both clocks (in a fixed order)
--     before it touches a task row, so this tick finds the clock already held by its own
--     transaction and waits for nothing (the lock order: clocks, then task rows).
-- A task moved back into a list it left loses that list's departure row: the feed shows the
-- task (its newer updated_at), not a stale tombstone.
--
-- The trigger fires only on an UPDATE that names list_id or user_id AND changes one of them
-- (its WHEN clause): any other write of a task does no work here.
--
-- NO TRANSACTION, one lock of tasks per statement, idempotent (like 0015): a rolling deploy's
-- old release keeps writing (clock, then tasks) while this runs.
SET lock_timeout = '5s';

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION task_departure_record() RETURNS trigger
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    departed timestamptz := NEW.updated_at;
BEGIN
    IF NEW.user_id <> OLD.user_id THEN
        departed := user_clock_tick(OLD.user_id);
    END IF;
    INSERT INTO task_departures (owner_id, list_id, task_id, departed_at)
    VALUES (OLD.user_id, OLD.list_id, OLD.id, departed)
    ON CONFLICT (owner_id, list_id, task_id) DO UPDATE SET departed_at = EXCLUDED.departed_at;
    DELETE FROM task_departures d
    WHERE d.owner_id = NEW.user_id AND d.list_id = NEW.list_id AND d.task_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE OR REPLACE TRIGGER tasks_departure
    AFTER UPDATE OF list_id, user_id ON tasks
    FOR EACH ROW
    WHEN (OLD.list_id IS DISTINCT FROM NEW.list_id OR OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION task_departure_record();
RESET lock_timeout;

-- +goose Down
DROP TRIGGER IF EXISTS tasks_departure ON tasks;
DROP FUNCTION IF EXISTS task_departure_record();
