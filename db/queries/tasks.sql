-- name: UserClockTick :one
-- Takes the user's clock for a transaction of several statements (TaskMove, a new
-- idempotency key): the row stays locked until commit, and the value stamps what the
-- transaction writes.
SELECT user_clock_tick(@user_id)::timestamptz AS last;

-- name: TaskCreate :one
-- Inserts a task at position, stamped by the user's clock, if position is still the top of
-- the user's manual order once the clock is taken (task_position_is_top,
-- 0010_rule_functions.sql): the caller computed it from TaskFirstPosition, and a create or a
-- move that committed since may have taken that place. No row then: read the first position
-- again and retry. repeat_anchor is set only on a next occurrence (see 0006_recurrence.sql).
-- list_id, parent_id and depth place it in the subtask tree: the caller checked them
-- (place, internal/store/task_tree.go). No list_id (null) is the user's inbox, which the
-- trigger tasks_default_list fills in, creating the inbox on first need (user_inbox,
-- 0011_lists.sql): one statement still, and the inbox is found under the clock.
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
INSERT INTO tasks (user_id, id, title, description, completed, priority, due_date, due_time, tags, position,
                   created_at, updated_at, completed_at, repeat, repeat_anchor, list_id, parent_id, depth)
SELECT @user_id::text, @id::uuid, @title::text, sqlc.narg('description')::text, @completed::bool, @priority::task_priority,
       sqlc.narg('due_date')::date, sqlc.narg('due_time')::time, @tags::text[], @position::text,
       clock.last, clock.last, CASE WHEN @completed::bool THEN clock.last END,
       @repeat::task_repeat, sqlc.narg('repeat_anchor')::smallint,
       sqlc.narg('list_id')::uuid, sqlc.narg('parent_id')::uuid, @depth::smallint
FROM clock
WHERE task_position_is_top(@user_id::text, @position::text)
RETURNING *;

-- name: TaskRepeatDue :many
-- The user's live tasks among ids that are completed, repeat, and have no next occurrence
-- yet: those a completion must give one (in the order of ids). The caller holds the user's
-- clock, so no other write of the user's runs until it commits.
SELECT * FROM tasks
WHERE user_id = @user_id AND id = ANY (@ids::uuid[]) AND deleted_at IS NULL
  AND completed AND repeat <> 'none' AND next_id IS NULL
ORDER BY array_position(@ids::uuid[], id);

-- name: TaskSetNext :execrows
-- Records the task's next occurrence, once: a task that has one keeps it (0 rows). It is
-- internal, so the task keeps its version and updated_at.
UPDATE tasks SET next_id = @next_id
WHERE user_id = @user_id AND id = @id AND next_id IS NULL;

-- name: TaskFirstPosition :one
-- The lowest position among all the user's rows, tombstones included (so that a restored
-- task never shares its position).
SELECT position FROM tasks
WHERE user_id = @user_id
ORDER BY position
LIMIT 1;

-- name: TaskPositionAfter :one
-- The lowest position above after (every position is above the empty string) among all the user's rows
-- but the task being moved.
SELECT position FROM tasks
WHERE user_id = @user_id AND position > @after::text AND id <> @id
ORDER BY position
LIMIT 1;

-- name: TaskMove :one
-- Gives the task its new position — the caller holds the user's clock and passes its value.
UPDATE tasks SET
    position   = @position,
    updated_at = @now::timestamptz,
    version    = version + 1
WHERE user_id = @user_id AND id = @id AND deleted_at IS NULL
RETURNING *;

-- name: TaskGet :one
SELECT * FROM tasks
WHERE user_id = @user_id AND id = @id AND deleted_at IS NULL;

-- name: TaskUpdate :one
-- Changes the fields whose set_ flag is true (PUT sets all, PATCH those present). With
-- if_versions, only a task whose version is one of them is changed (If-Match).
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
UPDATE tasks SET
    title        = CASE WHEN @set_title::bool THEN @title::text ELSE title END,
    description  = CASE WHEN @set_description::bool THEN sqlc.narg('description')::text ELSE description END,
    completed    = CASE WHEN @set_completed::bool THEN @completed::bool ELSE completed END,
    completed_at = CASE WHEN NOT @set_completed::bool THEN completed_at
                        WHEN @completed::bool THEN coalesce(completed_at, (SELECT last FROM clock))
                        ELSE NULL END,
    priority     = CASE WHEN @set_priority::bool THEN @priority::task_priority ELSE priority END,
    due_date     = CASE WHEN @set_due_date::bool THEN sqlc.narg('due_date')::date ELSE due_date END,
    -- A due time needs a due date: clearing the date clears the time too.
    due_time     = CASE WHEN @set_due_time::bool THEN sqlc.narg('due_time')::time
                        WHEN @set_due_date::bool AND sqlc.narg('due_date')::date IS NULL THEN NULL
                        ELSE due_time END,
    tags         = CASE WHEN @set_tags::bool THEN @tags::text[] ELSE tags END,
    -- A schedule needs a due date: clearing the date ends the repeat too.
    repeat       = CASE WHEN @set_repeat::bool THEN @repeat::task_repeat
                        WHEN @set_due_date::bool AND sqlc.narg('due_date')::date IS NULL THEN 'none'
                        ELSE repeat END,
    -- A series' day is the due date's once the due date moves.
    repeat_anchor = CASE WHEN @set_due_date::bool AND due_date IS DISTINCT FROM sqlc.narg('due_date')::date THEN NULL
                         ELSE repeat_anchor END,
    updated_at   = (SELECT last FROM clock),
    version      = version + 1
WHERE (SELECT last FROM clock) IS NOT NULL -- the clock first (see the end of this file)
  AND tasks.user_id = @user_id AND tasks.id = @id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('if_versions')::bigint[] IS NULL OR version = ANY (sqlc.narg('if_versions')::bigint[]))
RETURNING *;

-- name: TaskToggle :one
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
UPDATE tasks SET
    completed    = NOT completed,
    completed_at = CASE WHEN completed THEN NULL ELSE (SELECT last FROM clock) END,
    updated_at   = (SELECT last FROM clock),
    version      = version + 1
WHERE (SELECT last FROM clock) IS NOT NULL -- the clock first (see the end of this file)
  AND tasks.user_id = @user_id AND tasks.id = @id AND tasks.deleted_at IS NULL
RETURNING *;

-- name: TaskSetCompleted :one
-- Sets completed — a task that already has the value keeps its timestamps and version
-- (idempotent). One UPDATE, so concurrent callers each get the row as it now is.
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
UPDATE tasks SET
    completed    = @completed::bool,
    completed_at = CASE WHEN completed = @completed::bool THEN completed_at
                        WHEN @completed::bool THEN (SELECT last FROM clock) END,
    updated_at   = CASE WHEN completed = @completed::bool THEN updated_at ELSE (SELECT last FROM clock) END,
    version      = version + (completed <> @completed::bool)::int
WHERE (SELECT last FROM clock) IS NOT NULL -- the clock first (see the end of this file)
  AND tasks.user_id = @user_id AND tasks.id = @id AND tasks.deleted_at IS NULL
RETURNING *;

-- name: TaskChanges :many
-- The change feed: the user's tasks, tombstones included, in (updated_at, id) order after
-- the position (after_ts, after_id) — a position without an id is "after every change at
-- after_ts" (the exclusive updated_after).
SELECT sqlc.embed(tasks)
FROM tasks
WHERE user_id = @user_id
  AND (sqlc.narg('after_ts')::timestamptz IS NULL
       OR (updated_at, id) > (sqlc.narg('after_ts')::timestamptz,
                              coalesce(sqlc.narg('after_id')::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)))
ORDER BY updated_at, id
LIMIT @row_limit;

-- name: UserClockGet :one
-- The user's clock (null before the user's first write), where the user's purged tombstones
-- end (null before the first purge), how long tombstones are kept and the database's time.
SELECT now()::timestamptz AS now, c.last, c.purged_through,
       extract(epoch FROM tombstone_retention())::bigint AS retention_seconds
FROM (SELECT 1) AS one
LEFT JOIN user_clocks c ON c.user_id = @user_id;

-- name: TaskStats :one
-- The live tasks of every list the caller is a member of, or of one (list_id) — counted.
-- overdue: not completed, and due before now on the caller's wall clock: a task with a due
-- time once that time has passed, one without once its date has (today and now_local are
-- the current date and time in the caller's time zone).
SELECT count(*) AS total,
       count(*) FILTER (WHERE completed) AS completed,
       count(*) FILTER (WHERE NOT completed
                        AND (due_time IS NULL AND due_date < @today::date
                             OR due_time IS NOT NULL AND due_date + due_time < @now_local::timestamp)) AS overdue
FROM list_members m
JOIN tasks ON tasks.user_id = m.owner_id AND tasks.list_id = m.list_id
WHERE m.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('list_id')::uuid IS NULL OR m.list_id = sqlc.narg('list_id')::uuid);

-- name: TaskSearchIDs :one
-- The ids of up to max_ids of the user's tasks (tombstones included) whose title or
-- description contains q, found through the trigram index (see task_search_ids in
-- 0009_quotas_search.sql).
SELECT task_search_ids(@user_id::text, @q::text, @max_ids::integer)::uuid[] AS ids;

-- The `clock` CTE: every statement that writes a user's tasks starts with it (or follows
-- UserClockTick in its transaction). It calls
-- user_clock_tick (user_clock_tick_purging on the delete path, 0010_rule_functions.sql), which
-- takes the user's row in user_clocks (locked until commit, so the user's writes serialise)
-- and yields a time later than any of the user's earlier writes. That value stamps updated_at
-- (and created_at, completed_at, deleted_at where they change). See 0003_sync_order.sql.
--
-- Lock order: the clock, then task rows. A SET expression's (SELECT last FROM clock) may not
-- be evaluated before the row is locked (a CASE that keeps the old value, or no row at all),
-- so each UPDATE also has `WHERE (SELECT last FROM clock) IS NOT NULL`: planned as a
-- one-time filter above the scan, it takes the clock before any task row is read
-- (internal/store's TestWritesTakeTheClockFirst checks every plan). Without it, a no-op
-- TaskSetCompleted (row locked, clock at the end) deadlocks with a TaskToggle (clock, then
-- row).
