-- +goose NO TRANSACTION
-- +goose Up
-- Live updates (issue 17, docs/live-updates.md): the database says when something changed, on
-- the channel todo_events, from inside the writing transaction — NOTIFY is transactional, so
-- a rolled-back write rings no bell, and a committed one rings after its rows are visible.
-- Each process of the service LISTENs on one direct connection (internal/events) and tells
-- its event streams. A payload names only ids and clock values, never content:
--
--   c:<micros>:<owner>   owner's write clock moved to <micros> (µs since 1970): every write of
--                        tasks in owner's lists takes it (0010_rule_functions.sql), so this is
--                        the one place they all pass. The listener reads which of owner's
--                        lists hold changes stamped with that value (tasks.updated_at, or
--                        task_departures.departed_at for a task that left a list).
--   m:<user>             user's set of lists changed: their own row of list_members was added,
--                        changed (role, order) or removed, or one of their lists was renamed,
--                        recoloured, deleted or restored.
--
-- A payload stays far below NOTIFY's 8000 bytes: ids are at most 255 characters. NOTIFY
-- folds identical payloads of one transaction into one.
--
-- NO TRANSACTION, one lock a statement (like 0015): CREATE OR REPLACE FUNCTION takes no table
-- lock; each trigger takes its table's SHARE ROW EXCLUSIVE lock alone, bounded by lock_timeout.
SET lock_timeout = '5s';

-- user_clock_tick (0010_rule_functions.sql), unchanged but for the pg_notify.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_tick(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick timestamptz;
BEGIN
    INSERT INTO user_clocks AS c (user_id, last) VALUES (owner, clock_timestamp())
    ON CONFLICT (user_id) DO UPDATE SET last = greatest(clock_timestamp(), c.last + interval '1 microsecond')
    RETURNING c.last INTO tick;
    PERFORM pg_notify('todo_events', 'c:' || (extract(epoch FROM tick) * 1000000)::bigint || ':' || owner);
    RETURN tick;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION list_members_notify() RETURNS trigger
    LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('todo_events', 'm:' || OLD.user_id);
    ELSE
        PERFORM pg_notify('todo_events', 'm:' || NEW.user_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- lists_notify tells every member of a list that was renamed, recoloured, deleted or
-- restored. Only its owner does that, who reads all of its members' rows (the owner's branch
-- of list_members' policies); m.owner_id = NEW.owner_id keeps to them without the policies.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lists_notify() RETURNS trigger
    LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    PERFORM pg_notify('todo_events', 'm:' || m.user_id)
    FROM list_members m WHERE m.owner_id = NEW.owner_id AND m.list_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE OR REPLACE TRIGGER list_members_notify AFTER INSERT OR DELETE OR UPDATE OF role, position ON list_members
    FOR EACH ROW EXECUTE FUNCTION list_members_notify();

CREATE OR REPLACE TRIGGER lists_notify AFTER UPDATE OF name, color, deleted_at ON lists
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.color IS DISTINCT FROM NEW.color
          OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION lists_notify();
RESET lock_timeout;

-- +goose Down
SET lock_timeout = '5s';
DROP TRIGGER IF EXISTS lists_notify ON lists;
DROP TRIGGER IF EXISTS list_members_notify ON list_members;
DROP FUNCTION IF EXISTS lists_notify();
DROP FUNCTION IF EXISTS list_members_notify();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_tick(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick timestamptz;
BEGIN
    INSERT INTO user_clocks AS c (user_id, last) VALUES (owner, clock_timestamp())
    ON CONFLICT (user_id) DO UPDATE SET last = greatest(clock_timestamp(), c.last + interval '1 microsecond')
    RETURNING c.last INTO tick;
    RETURN tick;
END
$$;
-- +goose StatementEnd
RESET lock_timeout;
