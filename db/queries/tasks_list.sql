-- name: TaskListCreatedAsc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by created_at ASC, id ASC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.created_at, own.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.created_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListSharedCreatedAsc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by created_at ASC, id ASC (after_key/after_id as
-- TaskListCreatedAsc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.created_at, one.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.created_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListMemberCreatedAsc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- created_at ASC, id ASC (after_key/after_id as TaskListCreatedAsc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.created_at, own.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY own.created_at ASC, own.id ASC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.created_at, every.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY every.created_at ASC, every.id ASC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.created_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageCreatedAsc :many
-- The first page of the caller's own live tasks as TaskListCreatedAsc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.created_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageInListCreatedAsc :many
-- TaskFirstPageCreatedAsc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedCreatedAsc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.created_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListKeyCreatedAsc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListCreatedAsc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.created_at)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListCreatedDesc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by created_at DESC, id DESC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.created_at, own.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.created_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListSharedCreatedDesc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by created_at DESC, id DESC (after_key/after_id as
-- TaskListCreatedDesc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.created_at, one.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.created_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListMemberCreatedDesc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- created_at DESC, id DESC (after_key/after_id as TaskListCreatedDesc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.created_at, own.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY own.created_at DESC, own.id DESC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.created_at, every.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY every.created_at DESC, every.id DESC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.created_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageCreatedDesc :many
-- The first page of the caller's own live tasks as TaskListCreatedDesc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.created_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageInListCreatedDesc :many
-- TaskFirstPageCreatedDesc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedCreatedDesc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.created_at)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.created_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListKeyCreatedDesc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListCreatedDesc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.created_at)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListUpdatedAsc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by updated_at ASC, id ASC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.updated_at, own.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.updated_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListSharedUpdatedAsc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by updated_at ASC, id ASC (after_key/after_id as
-- TaskListUpdatedAsc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.updated_at, one.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.updated_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListMemberUpdatedAsc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- updated_at ASC, id ASC (after_key/after_id as TaskListUpdatedAsc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.updated_at, own.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY own.updated_at ASC, own.id ASC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.updated_at, every.id) > (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY every.updated_at ASC, every.id ASC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.updated_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageUpdatedAsc :many
-- The first page of the caller's own live tasks as TaskListUpdatedAsc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.updated_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageInListUpdatedAsc :many
-- TaskFirstPageUpdatedAsc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedUpdatedAsc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.updated_at ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListKeyUpdatedAsc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListUpdatedAsc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.updated_at)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListUpdatedDesc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by updated_at DESC, id DESC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.updated_at, own.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.updated_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListSharedUpdatedDesc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by updated_at DESC, id DESC (after_key/after_id as
-- TaskListUpdatedDesc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.updated_at, one.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.updated_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListMemberUpdatedDesc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- updated_at DESC, id DESC (after_key/after_id as TaskListUpdatedDesc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.updated_at, own.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY own.updated_at DESC, own.id DESC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.updated_at, every.id) < (sqlc.narg('after_key')::text::timestamptz, sqlc.narg('after_id')::uuid))
    ORDER BY every.updated_at DESC, every.id DESC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.updated_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageUpdatedDesc :many
-- The first page of the caller's own live tasks as TaskListUpdatedDesc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.updated_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageInListUpdatedDesc :many
-- TaskFirstPageUpdatedDesc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedUpdatedDesc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.updated_at)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.updated_at DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListKeyUpdatedDesc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListUpdatedDesc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.updated_at)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListTitleAsc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by title_key ASC, id ASC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.title_key, own.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.title_key ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListSharedTitleAsc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by title_key ASC, id ASC (after_key/after_id as
-- TaskListTitleAsc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.title_key, one.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.title_key ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListMemberTitleAsc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- title_key ASC, id ASC (after_key/after_id as TaskListTitleAsc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.title_key, own.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY own.title_key ASC, own.id ASC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.title_key, every.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY every.title_key ASC, every.id ASC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.title_key ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageTitleAsc :many
-- The first page of the caller's own live tasks as TaskListTitleAsc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.title_key ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageInListTitleAsc :many
-- TaskFirstPageTitleAsc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedTitleAsc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.title_key ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListKeyTitleAsc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListTitleAsc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.title_key)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListTitleDesc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by title_key DESC, id DESC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.title_key, own.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.title_key DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListSharedTitleDesc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by title_key DESC, id DESC (after_key/after_id as
-- TaskListTitleDesc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.title_key, one.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.title_key DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListMemberTitleDesc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- title_key DESC, id DESC (after_key/after_id as TaskListTitleDesc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.title_key, own.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY own.title_key DESC, own.id DESC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.title_key, every.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY every.title_key DESC, every.id DESC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.title_key DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageTitleDesc :many
-- The first page of the caller's own live tasks as TaskListTitleDesc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.title_key DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageInListTitleDesc :many
-- TaskFirstPageTitleDesc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedTitleDesc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.title_key)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.title_key DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListKeyTitleDesc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListTitleDesc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.title_key)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListDueDateAsc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by due_key_asc ASC, id ASC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_asc)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.due_key_asc, own.id) > (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.due_key_asc ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListSharedDueDateAsc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by due_key_asc ASC, id ASC (after_key/after_id as
-- TaskListDueDateAsc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_asc)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.due_key_asc, one.id) > (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.due_key_asc ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListMemberDueDateAsc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- due_key_asc ASC, id ASC (after_key/after_id as TaskListDueDateAsc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_asc)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.due_key_asc, own.id) > (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))
    ORDER BY own.due_key_asc ASC, own.id ASC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.due_key_asc, every.id) > (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))
    ORDER BY every.due_key_asc ASC, every.id ASC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.due_key_asc ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageDueDateAsc :many
-- The first page of the caller's own live tasks as TaskListDueDateAsc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_asc)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.due_key_asc ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageInListDueDateAsc :many
-- TaskFirstPageDueDateAsc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedDueDateAsc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_asc)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.due_key_asc ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListKeyDueDateAsc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListDueDateAsc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.due_key_asc)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListDueDateDesc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by due_key_desc DESC, id DESC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_desc)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.due_key_desc, own.id) < (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.due_key_desc DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListSharedDueDateDesc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by due_key_desc DESC, id DESC (after_key/after_id as
-- TaskListDueDateDesc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_desc)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.due_key_desc, one.id) < (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.due_key_desc DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListMemberDueDateDesc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- due_key_desc DESC, id DESC (after_key/after_id as TaskListDueDateDesc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_desc)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.due_key_desc, own.id) < (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))
    ORDER BY own.due_key_desc DESC, own.id DESC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.due_key_desc, every.id) < (sqlc.narg('after_key')::text::timestamp, sqlc.narg('after_id')::uuid))
    ORDER BY every.due_key_desc DESC, every.id DESC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.due_key_desc DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageDueDateDesc :many
-- The first page of the caller's own live tasks as TaskListDueDateDesc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_desc)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.due_key_desc DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageInListDueDateDesc :many
-- TaskFirstPageDueDateDesc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedDueDateDesc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.due_key_desc)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.due_key_desc DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListKeyDueDateDesc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListDueDateDesc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.due_key_desc)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListPriorityAsc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by priority_rank ASC, id ASC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.priority_rank, own.id) > (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.priority_rank ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListSharedPriorityAsc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by priority_rank ASC, id ASC (after_key/after_id as
-- TaskListPriorityAsc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.priority_rank, one.id) > (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.priority_rank ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListMemberPriorityAsc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- priority_rank ASC, id ASC (after_key/after_id as TaskListPriorityAsc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.priority_rank, own.id) > (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))
    ORDER BY own.priority_rank ASC, own.id ASC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.priority_rank, every.id) > (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))
    ORDER BY every.priority_rank ASC, every.id ASC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.priority_rank ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPagePriorityAsc :many
-- The first page of the caller's own live tasks as TaskListPriorityAsc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.priority_rank ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageInListPriorityAsc :many
-- TaskFirstPagePriorityAsc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedPriorityAsc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.priority_rank ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListKeyPriorityAsc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListPriorityAsc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.priority_rank)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListPriorityDesc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by priority_rank DESC, id DESC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.priority_rank, own.id) < (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.priority_rank DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListSharedPriorityDesc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by priority_rank DESC, id DESC (after_key/after_id as
-- TaskListPriorityDesc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.priority_rank, one.id) < (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.priority_rank DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListMemberPriorityDesc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- priority_rank DESC, id DESC (after_key/after_id as TaskListPriorityDesc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.priority_rank, own.id) < (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))
    ORDER BY own.priority_rank DESC, own.id DESC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.priority_rank, every.id) < (sqlc.narg('after_key')::text::smallint, sqlc.narg('after_id')::uuid))
    ORDER BY every.priority_rank DESC, every.id DESC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.priority_rank DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPagePriorityDesc :many
-- The first page of the caller's own live tasks as TaskListPriorityDesc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.priority_rank DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageInListPriorityDesc :many
-- TaskFirstPagePriorityDesc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedPriorityDesc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.priority_rank)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.priority_rank DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListKeyPriorityDesc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListPriorityDesc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.priority_rank)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListPositionAsc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by position ASC, id ASC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.position, own.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.position ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListSharedPositionAsc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by position ASC, id ASC (after_key/after_id as
-- TaskListPositionAsc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.position, one.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.position ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListMemberPositionAsc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- position ASC, id ASC (after_key/after_id as TaskListPositionAsc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.position, own.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY own.position ASC, own.id ASC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.position, every.id) > (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY every.position ASC, every.id ASC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.position ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPagePositionAsc :many
-- The first page of the caller's own live tasks as TaskListPositionAsc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.position ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskFirstPageInListPositionAsc :many
-- TaskFirstPagePositionAsc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedPositionAsc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.position ASC, tasks.id ASC
LIMIT @row_limit;

-- name: TaskListKeyPositionAsc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListPositionAsc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.position)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- name: TaskListPositionDesc :many
-- Lists the caller's own live (not deleted) tasks, or those of one own list (list_id),
-- ordered by position DESC, id DESC — after_key/after_id (the last row's sort_key and
-- id) continue after a page. Each row carries the caller's clock (null before the first
-- write), shared_clock_view (null when the caller is a member of no other owner's list, or
-- list_id is the caller's) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT last FROM user_clock_last(@user_id) AS last) AS clock_last,
       (SELECT v FROM shared_clock_view(@user_id, sqlc.narg('list_id')) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('list_id')::uuid IS NULL OR own.list_id = sqlc.narg('list_id')::uuid)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.position, own.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.position DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListSharedPositionDesc :many
-- Lists the live tasks of list_id, a list of list_owner's shared with the caller, if the
-- caller is a member of it, ordered by position DESC, id DESC (after_key/after_id as
-- TaskListPositionDesc). Each row carries the list's clock (member_clock_view) and the database's
-- time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (SELECT one.* FROM tasks one
    WHERE one.user_id = @list_owner::text AND one.list_id = @list_id::uuid
      AND EXISTS (SELECT 1 FROM list_members m
                  WHERE m.owner_id = @list_owner::text AND m.list_id = @list_id::uuid
                    AND m.user_id = @user_id AND m.owner_id <> @user_id)
      AND one.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR one.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR one.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(one.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(one.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR one.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR one.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR one.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT one.completed AND coalesce(one.due_time IS NULL AND one.due_date < sqlc.narg('today')::date
                                                 OR one.due_time IS NOT NULL AND one.due_date + one.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR one.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (one.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (one.position, one.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))) AS tasks
ORDER BY tasks.position DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListMemberPositionDesc :many
-- Lists the live tasks of every list the caller is a member of, own and shared, ordered by
-- position DESC, id DESC (after_key/after_id as TaskListPositionDesc): the first
-- row_limit of the caller's own tasks and of the shared lists' tasks, merged. Each row carries
-- the clock of those lists (member_clock_view) and the database's time, read with the page's
-- snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT v FROM member_clock_view(@user_id, NULL) AS v) AS clock_view,
       now()::timestamptz AS clock_now
FROM (
    (SELECT own.* FROM tasks own
    WHERE own.user_id = @user_id
      AND own.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR own.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR own.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('q')::text IS NULL
           OR strpos(lower(own.title), lower(sqlc.narg('q')::text)) > 0
           OR strpos(lower(own.description), lower(sqlc.narg('q')::text)) > 0)
      AND (sqlc.narg('ids')::uuid[] IS NULL OR own.id = ANY (sqlc.narg('ids')::uuid[]))
      AND (sqlc.narg('tags')::text[] IS NULL OR own.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR own.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR own.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT own.completed AND coalesce(own.due_time IS NULL AND own.due_date < sqlc.narg('today')::date
                                                 OR own.due_time IS NOT NULL AND own.due_date + own.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR own.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (own.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (own.position, own.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY own.position DESC, own.id DESC
    LIMIT @row_limit)
    UNION ALL
    (SELECT every.* FROM list_members m
    JOIN tasks every ON every.user_id = m.owner_id AND every.list_id = m.list_id
    WHERE m.user_id = @user_id AND m.owner_id <> m.user_id
      AND every.deleted_at IS NULL
      AND (sqlc.narg('completed')::bool IS NULL OR every.completed = sqlc.narg('completed')::bool)
      AND (sqlc.narg('priority')::task_priority IS NULL OR every.priority = sqlc.narg('priority')::task_priority)
      AND (sqlc.narg('shared_q')::text IS NULL
           OR strpos(lower(every.title), lower(sqlc.narg('shared_q')::text)) > 0
           OR strpos(lower(every.description), lower(sqlc.narg('shared_q')::text)) > 0)
      AND (sqlc.narg('tags')::text[] IS NULL OR every.tags && sqlc.narg('tags')::text[])
      AND (sqlc.narg('due_before')::date IS NULL OR every.due_date <= sqlc.narg('due_before')::date)
      AND (sqlc.narg('due_after')::date IS NULL OR every.due_date >= sqlc.narg('due_after')::date)
      AND (sqlc.narg('overdue')::bool IS NULL
           OR (NOT every.completed AND coalesce(every.due_time IS NULL AND every.due_date < sqlc.narg('today')::date
                                                 OR every.due_time IS NOT NULL AND every.due_date + every.due_time < sqlc.narg('now_local')::timestamp,
                                                 false)) = sqlc.narg('overdue')::bool)
      AND (sqlc.narg('parent_id')::uuid IS NULL OR every.parent_id = sqlc.narg('parent_id')::uuid)
      AND (sqlc.narg('top_level')::bool IS NULL OR (every.parent_id IS NULL) = sqlc.narg('top_level')::bool)
      AND (sqlc.narg('after_key')::text IS NULL
           OR (every.position, every.id) < (sqlc.narg('after_key')::text::text, sqlc.narg('after_id')::uuid))
    ORDER BY every.position DESC, every.id DESC
    LIMIT @row_limit)
) AS tasks
ORDER BY tasks.position DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPagePositionDesc :many
-- The first page of the caller's own live tasks as TaskListPositionDesc lists them, filtered at
-- most by completed and top_level, which no index serves: no catch-all predicate here picks an
-- index, so the generic plan is the right one, and the store has it planned once per
-- connection (internal/store/exec.go, mode cached). Each row carries the caller's clock (null
-- before the first write), shared (the caller is a member of another owner's list: the page is
-- then not the whole answer) and the database's time, read with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) AS clock_last,
       EXISTS (SELECT 1 FROM list_members m WHERE m.user_id = @user_id AND m.owner_id <> m.user_id) AS shared,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = @user_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.position DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskFirstPageInListPositionDesc :many
-- TaskFirstPagePositionDesc of one live list the caller is a member of (list_id), own or shared,
-- checked by the statement itself: no row for a list the caller may not read (nor for an empty
-- one). The list's owner, read first (an InitPlan), names the index range, so a shared list is
-- read as its owner's (as TaskListSharedPositionDesc). Each row carries, for an own list, the
-- caller's clock (null before the first write), for another owner's list its clock
-- (member_clock_view), each read only for the list it is for, and the database's time, read
-- with the page's snapshot.
SELECT sqlc.embed(tasks), (tasks.position)::text AS sort_key,
       CASE WHEN tasks.user_id = @user_id
            THEN (SELECT c.last FROM (SELECT 1) AS one LEFT JOIN user_clocks c ON c.user_id = @user_id) END AS clock_last,
       CASE WHEN tasks.user_id <> @user_id
            THEN (SELECT v FROM member_clock_view(@user_id, @list_id::uuid) AS v) END AS clock_view,
       now()::timestamptz AS clock_now
FROM tasks
WHERE tasks.user_id = (SELECT m.owner_id FROM list_members m
                       JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
                       WHERE m.user_id = @user_id AND m.list_id = @list_id::uuid AND l.deleted_at IS NULL)
  AND tasks.list_id = @list_id::uuid AND tasks.deleted_at IS NULL
  AND (sqlc.narg('completed')::bool IS NULL OR tasks.completed = sqlc.narg('completed')::bool)
  AND (sqlc.narg('top_level')::bool IS NULL OR (tasks.parent_id IS NULL) = sqlc.narg('top_level')::bool)
ORDER BY tasks.position DESC, tasks.id DESC
LIMIT @row_limit;

-- name: TaskListKeyPositionDesc :one
-- The sort key of a task of a list the caller is a member of, tombstones included, as
-- TaskListPositionDesc prints it: where a page that ended on the task continues, when its cursor
-- could not carry the key.
SELECT (tasks.position)::text AS sort_key
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;

-- Code generated by db/listgen. DO NOT EDIT.
