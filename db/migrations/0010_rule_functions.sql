-- +goose Up
-- The rules every write of a user's tasks follows, each written once as a function that the
-- queries of db/queries call: the user's write clock (0003_sync_order.sql), the purge of old
-- tombstones on the delete path, and the two durations, how long a tombstone stays
-- restorable and how long an idempotency key is held.
--
-- The functions run with the caller's rights (SECURITY INVOKER, the default, spelled out):
-- the row-level security policies of 0005_row_level_security.sql apply to every row they
-- read or write, exactly as to the statement that calls them, and app.user_id must already
-- be set. Each takes the user as its first argument and touches only that user's rows
-- (internal/store's TestEveryQueryIsUserScoped checks that every query passes the user's
-- parameter there; TestOtherUsersRowsAreUnreachable, run on a role that bypasses row-level
-- security, checks that the bodies' own predicates keep to that user).

-- tombstone_retention is how long a deleted task stays a tombstone: restorable, and reported
-- by the change feed. The delete path purges older ones.
CREATE FUNCTION tombstone_retention() RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN interval '30 days';

-- idempotency_key_lifetime is how long an Idempotency-Key is held after its first use: a
-- repeat within it replays the first response; after it the key is free again.
CREATE FUNCTION idempotency_key_lifetime() RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN interval '24 hours';

-- user_clock_tick takes owner's write clock and returns its new value: a time later than any
-- of owner's earlier writes, which stamps what the caller's statement or transaction writes.
-- The clock row stays locked until the caller's transaction ends, so owner's writes
-- serialise and their stamps increase in commit order.
--
-- Lock order: the clock, then task rows. A statement that writes tasks calls it in a CTE
-- that it reads in a one-time filter (see the end of db/queries/tasks.sql), so that the
-- clock is taken before any task row is read.
--
-- PL/pgSQL rather than SQL: its statement is planned once per connection, where a SQL
-- function's body would be planned again on every call.
-- +goose StatementBegin
CREATE FUNCTION user_clock_tick(owner text) RETURNS timestamptz
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

-- user_clock_tick_purging is the delete path's clock: user_clock_tick, then the purge of
-- owner's tombstones older than tombstone_retention(). When it purges any, owner's
-- purged_through moves to that cutoff: a change feed read from before it may have missed
-- deletions (410, see 0003_sync_order.sql). It returns the clock's value.
-- +goose StatementBegin
CREATE FUNCTION user_clock_tick_purging(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick timestamptz := user_clock_tick(owner);
BEGIN
    DELETE FROM tasks WHERE tasks.user_id = owner AND tasks.deleted_at < now() - tombstone_retention();
    IF FOUND THEN
        UPDATE user_clocks SET purged_through = greatest(purged_through, now() - tombstone_retention())
        WHERE user_clocks.user_id = owner;
    END IF;
    RETURN tick;
END
$$;
-- +goose StatementEnd

-- task_position_is_top reports whether candidate sorts before every position of owner's rows
-- (tombstones included, which keep theirs for a restore): whether a task created there is at
-- the top of owner's manual order. A create calls it after taking owner's clock, which every
-- write that changes the top takes too, so the answer holds until the create commits; it
-- reads with a snapshot of its own (a VOLATILE function's, taken when it runs), so it sees the
-- writes that committed while the create waited for the clock — which a condition of the
-- INSERT itself, reading the snapshot that statement started with, would miss.
-- +goose StatementBegin
CREATE FUNCTION task_position_is_top(owner text, candidate text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
    RETURN NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.user_id = owner AND tasks.position <= candidate COLLATE "C");
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION task_position_is_top(text, text);
DROP FUNCTION user_clock_tick_purging(text);
DROP FUNCTION user_clock_tick(text);
DROP FUNCTION idempotency_key_lifetime();
DROP FUNCTION tombstone_retention();
