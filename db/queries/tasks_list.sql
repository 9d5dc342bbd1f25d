-- name: TaskListCreatedAsc :many
-- Lists the caller's live (not deleted) tasks ordered by created_at ASC, id ASC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (created_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (created_at, id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
ORDER BY created_at ASC, id ASC
LIMIT @row_limit;

-- name: TaskListKeyCreatedAsc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListCreatedAsc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (created_at)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListCreatedDesc :many
-- Lists the caller's live (not deleted) tasks ordered by created_at DESC, id DESC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (created_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (created_at, id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @row_limit;

-- name: TaskListKeyCreatedDesc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListCreatedDesc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (created_at)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListUpdatedAsc :many
-- Lists the caller's live (not deleted) tasks ordered by updated_at ASC, id ASC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (updated_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (updated_at, id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
ORDER BY updated_at ASC, id ASC
LIMIT @row_limit;

-- name: TaskListKeyUpdatedAsc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListUpdatedAsc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (updated_at)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListUpdatedDesc :many
-- Lists the caller's live (not deleted) tasks ordered by updated_at DESC, id DESC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (updated_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (updated_at, id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
ORDER BY updated_at DESC, id DESC
LIMIT @row_limit;

-- name: TaskListKeyUpdatedDesc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListUpdatedDesc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (updated_at)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListTitleAsc :many
-- Lists the caller's live (not deleted) tasks ordered by title_key ASC, id ASC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (title_key)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (title_key, id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
ORDER BY title_key ASC, id ASC
LIMIT @row_limit;

-- name: TaskListKeyTitleAsc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListTitleAsc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (title_key)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListTitleDesc :many
-- Lists the caller's live (not deleted) tasks ordered by title_key DESC, id DESC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (title_key)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (title_key, id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
ORDER BY title_key DESC, id DESC
LIMIT @row_limit;

-- name: TaskListKeyTitleDesc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListTitleDesc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (title_key)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListDueDateAsc :many
-- Lists the caller's live (not deleted) tasks ordered by due_key_asc ASC, id ASC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (due_key_asc)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (due_key_asc, id) > (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))
ORDER BY due_key_asc ASC, id ASC
LIMIT @row_limit;

-- name: TaskListKeyDueDateAsc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListDueDateAsc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (due_key_asc)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListDueDateDesc :many
-- Lists the caller's live (not deleted) tasks ordered by due_key_desc DESC, id DESC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (due_key_desc)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (due_key_desc, id) < (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))
ORDER BY due_key_desc DESC, id DESC
LIMIT @row_limit;

-- name: TaskListKeyDueDateDesc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListDueDateDesc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (due_key_desc)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListPriorityAsc :many
-- Lists the caller's live (not deleted) tasks ordered by priority_rank ASC, id ASC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (priority_rank)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (priority_rank, id) > (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))
ORDER BY priority_rank ASC, id ASC
LIMIT @row_limit;

-- name: TaskListKeyPriorityAsc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListPriorityAsc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (priority_rank)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListPriorityDesc :many
-- Lists the caller's live (not deleted) tasks ordered by priority_rank DESC, id DESC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (priority_rank)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (priority_rank, id) < (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))
ORDER BY priority_rank DESC, id DESC
LIMIT @row_limit;

-- name: TaskListKeyPriorityDesc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListPriorityDesc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (priority_rank)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListPositionAsc :many
-- Lists the caller's live (not deleted) tasks ordered by position ASC, id ASC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (position)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (position, id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
ORDER BY position ASC, id ASC
LIMIT @row_limit;

-- name: TaskListKeyPositionAsc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListPositionAsc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (position)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- name: TaskListPositionDesc :many
-- Lists the caller's live (not deleted) tasks ordered by position DESC, id DESC — after_key/after_id
-- (the last row's sort_key and id) continue after a page. Each row carries the caller's clock
-- (null before the first write) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (position)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       now()::timestamptz AS clock_now
FROM tasks
WHERE user_id = @user_id AND deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('priority')::task_priority IS NULL OR priority = sqlc.narg('priority')::task_priority)
  AND (sqlc.narg('q')::text IS NULL
       OR strpos(lower(title), lower(sqlc.narg('q')::text)) > 0
       OR strpos(lower(description), lower(sqlc.narg('q')::text)) > 0)
  AND (sqlc.narg('ids')::uuid[] IS NULL OR id = ANY (sqlc.narg('ids')::uuid[]))
  AND (sqlc.narg('tags')::text[] IS NULL OR tags && sqlc.narg('tags')::text[])
  AND (sqlc.narg('due_before')::date IS NULL OR due_date <= sqlc.narg('due_before')::date)
  AND (sqlc.narg('due_after')::date IS NULL OR due_date >= sqlc.narg('due_after')::date)
  AND (sqlc.narg('overdue')::bool IS NULL
       OR (NOT completed AND coalesce(due_time IS NULL AND due_date < sqlc.narg('today')::date
                                      OR due_time IS NOT NULL AND due_date + due_time < sqlc.narg('now_local')::timestamp,
                                      false)) = sqlc.narg('overdue')::bool)
  AND (sqlc.narg('list_id')::uuid IS NULL OR list_id = sqlc.narg('list_id')::uuid)
  AND (sqlc.narg('parent_id')::uuid IS NULL OR parent_id = sqlc.narg('parent_id')::uuid)
  AND (sqlc.narg('top_level')::bool IS NULL OR (parent_id IS NULL) = sqlc.narg('top_level')::bool)
  AND (sqlc.narg('after_key')::text IS NULL
       OR (position, id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
ORDER BY position DESC, id DESC
LIMIT @row_limit;

-- name: TaskListKeyPositionDesc :one
-- The sort key of one of the caller's tasks, tombstones included, as TaskListPositionDesc prints
-- it: where a page that ended on the task continues, when its cursor could not carry the key.
SELECT (position)::text AS sort_key
FROM tasks
WHERE user_id = @user_id AND id = @id;

-- Code generated by db/listgen; DO NOT EDIT.
