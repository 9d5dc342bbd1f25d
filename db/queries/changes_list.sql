-- The per-list change feed (GET /api/lists/{id}/changes) and the departures of the v1.0 feed
-- (issue 16). The feed of a list is the union of two statements read from one snapshot (the
-- store's ListChanges): the list's tasks and the list's departures (tasks that moved out,
-- 0017_task_departures.sql, as tombstones), each in (changed at, id) order after the
-- position (after_ts, after_id) — a position without an id is "after every change at
-- after_ts" (the exclusive updated_after). Both reach the list through the caller's own row
-- of list_members (m.user_id = @user_id), so a non-member reads nothing.

-- name: ListTaskChanges :many
-- The list's tasks, tombstones included, changed after the position.
SELECT sqlc.embed(tasks)
FROM list_members m
JOIN tasks ON tasks.user_id = m.owner_id AND tasks.list_id = m.list_id
WHERE m.user_id = @user_id AND m.list_id = @list_id
  AND (sqlc.narg('after_ts')::timestamptz IS NULL
       OR (tasks.updated_at, tasks.id) > (sqlc.narg('after_ts')::timestamptz,
                                          coalesce(sqlc.narg('after_id')::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
ORDER BY tasks.updated_at, tasks.id
LIMIT @row_limit;

-- name: ListDepartureChanges :many
-- The tasks that left the list after the position (moved to another list), as (id, time).
SELECT d.task_id, d.departed_at
FROM list_members m
JOIN task_departures d ON d.owner_id = m.owner_id AND d.list_id = m.list_id
WHERE m.user_id = @user_id AND m.list_id = @list_id
  AND (sqlc.narg('after_ts')::timestamptz IS NULL
       OR (d.departed_at, d.task_id) > (sqlc.narg('after_ts')::timestamptz,
                                        coalesce(sqlc.narg('after_id')::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
ORDER BY d.departed_at, d.task_id
LIMIT @row_limit;

-- name: OwnDepartureChanges :many
-- For GET /api/tasks/changes (the caller's own lists): the tasks that left the caller's lists
-- for a list of another owner after the position, as (id, time). A departure to another of
-- the caller's own lists is no change of the caller's tasks (the task comes, moved, with the
-- same time), nor is one of a task that has come back since: both still are the caller's.
SELECT d.task_id, d.departed_at
FROM task_departures d
WHERE d.owner_id = @user_id
  AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.user_id = @user_id AND tasks.id = d.task_id)
  AND (sqlc.narg('after_ts')::timestamptz IS NULL
       OR (d.departed_at, d.task_id) > (sqlc.narg('after_ts')::timestamptz,
                                        coalesce(sqlc.narg('after_id')::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
ORDER BY d.departed_at, d.task_id
LIMIT @row_limit;
