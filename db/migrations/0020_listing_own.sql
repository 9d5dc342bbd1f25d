-- +goose NO TRANSACTION
-- +goose Up
-- The listing of a caller who is a member of no other owner's list — nearly every caller —
-- costs what it cost before sharing (issue 14's rule; docs/performance.md "Issue 14"): it
-- runs the single-branch statement over the caller's own tasks and hashes the caller's own
-- clock (user_clock_last, 0013), not member_clock_view (0016). shared_clock_view tells the
-- two kinds of caller apart from within the listing statement, with its snapshot.
SET lock_timeout = '5s';

-- The memberships of other owners' lists, by member: the probe below reads one entry of it
-- for a member of a shared list and none for everybody else (a user's own lists, up to 200,
-- are not in it).
CREATE INDEX CONCURRENTLY IF NOT EXISTS list_members_of_others ON list_members (user_id) WHERE owner_id <> user_id;

-- shared_clock_view is member_clock_view(member, list) when the collection read covers a list
-- another owner shares with member (list null: member is a member of some other owner's list;
-- list set: it is not one of member's own lists), and null when it covers member's own lists
-- only: every write to those takes member's own clock, whoever makes it, so user_clock_last
-- identifies their state, as it did before sharing. A listing statement over member's own
-- tasks reads it beside them: with the page's snapshot, so a null proves the page is the
-- whole answer, and a value says the caller must be listed with the shared lists instead.
--
-- PL/pgSQL with plan_cache_mode = auto, as user_clock_last: planned once per connection.
-- STABLE: the calling statement's snapshot. SECURITY INVOKER: it reads member's own rows of
-- list_members (user_id = member) and, through member_clock_view, their owners' clocks.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION shared_clock_view(member text, list uuid) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY INVOKER
    SET plan_cache_mode = auto AS $$
BEGIN
    IF list IS NULL THEN
        IF NOT EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = member AND m.owner_id <> m.user_id) THEN
            RETURN NULL;
        END IF;
    ELSIF EXISTS (SELECT 1 FROM list_members m WHERE m.owner_id = member AND m.list_id = list AND m.user_id = member) THEN
        RETURN NULL;
    END IF;
    RETURN member_clock_view(member, list);
END
$$;
-- +goose StatementEnd
RESET lock_timeout;

-- +goose Down
DROP FUNCTION IF EXISTS shared_clock_view(text, uuid);
DROP INDEX CONCURRENTLY IF EXISTS list_members_of_others;
