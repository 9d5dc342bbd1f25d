-- name: TaskCreate :one
INSERT INTO tasks (user_id, id, title, description, completed, priority, due_date, tags, completed_at)
VALUES (@user_id, @id, @title, sqlc.narg('description'), @completed, @priority, sqlc.narg('due_date'), @tags,
        CASE WHEN @completed::bool THEN now() END)
RETURNING *;

-- name: TaskGet :one
SELECT * FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskUpdate :one
-- Changes the fields whose set_ flag is true (PUT sets all, PATCH those present). With
-- if_versions, only a task whose version is one of them is changed (If-Match).
UPDATE tasks SET
    title        = CASE WHEN @set_title::bool THEN @title::text ELSE title END,
    description  = CASE WHEN @set_description::bool THEN sqlc.narg('description')::text ELSE description END,
    completed    = CASE WHEN @set_completed::bool THEN @completed::bool ELSE completed END,
    completed_at = CASE WHEN NOT @set_completed::bool THEN completed_at
                        WHEN @completed::bool THEN coalesce(completed_at, now())
                        ELSE NULL END,
    priority     = CASE WHEN @set_priority::bool THEN @priority::task_priority ELSE priority END,
    due_date     = CASE WHEN @set_due_date::bool THEN sqlc.narg('due_date')::date ELSE due_date END,
    tags         = CASE WHEN @set_tags::bool THEN @tags::text[] ELSE tags END,
    updated_at   = now(),
    version      = version + 1
WHERE user_id = @user_id AND id = @id
  AND (sqlc.narg('if_versions')::bigint[] IS NULL OR version = ANY (sqlc.narg('if_versions')::bigint[]))
RETURNING *;

-- name: TaskToggle :one
UPDATE tasks SET
    completed    = NOT completed,
    completed_at = CASE WHEN completed THEN NULL ELSE now() END,
    updated_at   = now(),
    version      = version + 1
WHERE user_id = @user_id AND id = @id
RETURNING *;

-- name: TaskSetCompleted :one
-- Sets completed; a task that already has the value keeps its timestamps and version
-- (idempotent). One UPDATE, so concurrent callers each get the row as it now is.
UPDATE tasks SET
    completed    = @completed::bool,
    completed_at = CASE WHEN completed = @completed::bool THEN completed_at
                        WHEN @completed::bool THEN now() END,
    updated_at   = CASE WHEN completed = @completed::bool THEN updated_at ELSE now() END,
    version      = version + (completed <> @completed::bool)::int
WHERE user_id = @user_id AND id = @id
RETURNING *;

-- name: TaskDelete :execrows
DELETE FROM tasks
WHERE user_id = @user_id AND id = @id
  AND (sqlc.narg('if_versions')::bigint[] IS NULL OR version = ANY (sqlc.narg('if_versions')::bigint[]));

-- name: TaskStats :one
SELECT count(*) AS total,
       count(*) FILTER (WHERE completed) AS completed,
       count(*) FILTER (WHERE NOT completed AND due_date < (now() AT TIME ZONE 'UTC')::date) AS overdue
FROM tasks
WHERE user_id = @user_id;

-- name: TagList :many
SELECT tag::text AS name, count(*) AS count
FROM tasks, unnest(tasks.tags) AS tag
WHERE tasks.user_id = @user_id
GROUP BY tag
ORDER BY tag COLLATE "C";
