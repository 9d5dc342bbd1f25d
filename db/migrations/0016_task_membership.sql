-- +goose NO TRANSACTION
-- +goose Up
-- Tasks through membership (issue 16): a member reads the tasks of every list they belong to.
-- tasks.user_id stays the owner of the task's list; the statements of db/queries reach another
-- owner's tasks only through the caller's own rows of list_members
-- (list_members.user_id = the caller, joined on (owner_id, list_id)).
SET lock_timeout = '5s';

-- A task by id whatever its owner (GET /api/tasks/{id} of a shared task): one probe here, then
-- the caller's membership on list_members' primary key (owner_id, list_id, user_id). The
-- primary key (user_id, id) cannot serve it: the caller does not know the owner. Ids are
-- UUIDv7, so the index grows at its right edge like the primary key's.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_id ON tasks (id);

-- member_clock_view identifies the state of every list member belongs to (list null), or of
-- one of them (list): the number of those memberships and the sum of their owners' write
-- clocks (0003_sync_order.sql) in microseconds. Every write to a list takes its owner's clock,
-- which only moves forward, so any write to any of these lists changes the sum; joining or
-- leaving a list changes the count. The collections' ETags (the listing, stats, tags) hash it
-- in place of the caller's own clock, which says nothing of the writes of a shared list's
-- owner and members. A user who shares nothing gets "lists:their clock × lists".
--
-- PL/pgSQL with plan_cache_mode = auto, as user_clock_last (0013): its statement is planned
-- once per connection, not with every page of the listing that calls it. STABLE: it reads
-- with the calling statement's snapshot. SECURITY INVOKER: the body keeps to member's own
-- rows of list_members (user_id = member) and their owners' clocks.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION member_clock_view(member text, list uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY INVOKER
    SET plan_cache_mode = auto AS $$
BEGIN
    RETURN (SELECT count(*)::text || ':' || coalesce(sum((extract(epoch FROM c.last) * 1000000)::bigint), 0)::text
            FROM list_members m LEFT JOIN user_clocks c ON c.user_id = m.owner_id
            WHERE m.user_id = member AND (list IS NULL OR m.list_id = list));
END
$$;
-- +goose StatementEnd
RESET lock_timeout;

-- +goose Down
DROP FUNCTION IF EXISTS member_clock_view(text, uuid);
DROP INDEX CONCURRENTLY IF EXISTS tasks_id;
