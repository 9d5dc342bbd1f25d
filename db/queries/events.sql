-- The live event streams' statements (internal/events, docs/live-updates.md).

-- name: EventMemberLists :many
-- The live lists user is a member of (their own included), with each list's owner: what a
-- user's event streams cover.
SELECT m.owner_id, m.list_id
FROM list_members m JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND l.deleted_at IS NULL;

-- name: EventListsChanged :many
-- Which of the owner's (@user_id's) lists hold changes stamped after @after up to @through (the
-- owner's clock values, 0010_rule_functions.sql), with the latest per list: a task written
-- (tasks.updated_at, tombstones included) or a task that left the list
-- (task_departures.departed_at). A list may come twice, once from each table.
SELECT t.list_id, max(t.updated_at)::timestamptz AS changed_at
FROM tasks t
WHERE t.user_id = @user_id AND t.updated_at > @after::timestamptz AND t.updated_at <= @through::timestamptz
GROUP BY t.list_id
UNION ALL
SELECT d.list_id, max(d.departed_at)::timestamptz AS changed_at
FROM task_departures d
WHERE d.owner_id = @user_id AND d.departed_at > @after::timestamptz AND d.departed_at <= @through::timestamptz
GROUP BY d.list_id;

-- name: UserClockWait :exec
-- Waits until no transaction holds the user's (an owner's) write clock or is creating it: a
-- live stream's ordering point after its lease committed (0022_live_owners.sql).
SELECT user_clock_wait(@user_id);
