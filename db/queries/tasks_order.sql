-- name: TaskPositionsUpTo :many
-- The positions of the user's rows (tombstones included) at or before key, but the task being
-- moved, nearest first: the upper side of the window a respacing rewrites (TaskMove).
SELECT id, position FROM tasks
WHERE user_id = @user_id AND position <= @key::text AND id <> @id
ORDER BY position DESC
LIMIT @row_limit;

-- name: TaskPositionsFrom :many
-- The positions of the user's rows (tombstones included) at or after key, but the task being
-- moved, nearest first: the lower side of the window a respacing rewrites.
SELECT id, position FROM tasks
WHERE user_id = @user_id AND position >= @key::text AND id <> @id
ORDER BY position
LIMIT @row_limit;

-- name: TaskPositionsPark :exec
-- The first step of a respacing: each task of ids gets its new position with '0' appended, a
-- key fracindex never makes (a fraction never ends in '0'), so it is no row's. This frees the
-- old positions before TaskPositionsSet takes them, since the unique constraint is checked
-- row by row. The caller holds the user's clock.
UPDATE tasks SET position = v.position || '0'
FROM (SELECT unnest(@ids::uuid[]) AS id, unnest(@positions::text[]) AS position) AS v
WHERE tasks.user_id = @user_id AND tasks.id = v.id;

-- name: TaskPositionsSet :exec
-- The second step: the new positions. A live task is a changed task — the clock's time and a
-- new version, so the change feed reports its new position. A tombstone keeps its
-- updated_at, which is its deleted_at, and gets its position back on restore.
UPDATE tasks SET
    position   = v.position,
    updated_at = CASE WHEN tasks.deleted_at IS NULL THEN @now::timestamptz ELSE tasks.updated_at END,
    version    = CASE WHEN tasks.deleted_at IS NULL THEN tasks.version + 1 ELSE tasks.version END
FROM (SELECT unnest(@ids::uuid[]) AS id, unnest(@positions::text[]) AS position) AS v
WHERE tasks.user_id = @user_id AND tasks.id = v.id;
