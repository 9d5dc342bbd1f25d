-- name: TagList :many
-- A page of the user's tags with the number of live tasks carrying each, by name (byte
-- order), after the name after when it is set.
SELECT tag AS name, tasks::bigint AS count
FROM user_tags
WHERE user_id = @user_id
  AND (sqlc.narg('after')::text IS NULL OR tag > sqlc.narg('after')::text)
ORDER BY tag
LIMIT @row_limit;

-- name: TagListInList :many
-- TagList over one list the caller is a member of: its live tasks' tags with the number of
-- those tasks carrying each, counted from the list's rows (tasks_user_list_position: a list
-- holds at most its owner's MaxLiveTasks), by name, after the name after when it is set.
SELECT x.tag::text AS name, count(*)::bigint AS count
FROM list_members m
JOIN tasks ON tasks.user_id = m.owner_id AND tasks.list_id = m.list_id,
     unnest(tasks.tags) AS x(tag)
WHERE m.user_id = @user_id AND m.list_id = @list_id AND tasks.deleted_at IS NULL
  AND (sqlc.narg('after')::text IS NULL OR x.tag COLLATE "C" > sqlc.narg('after')::text COLLATE "C")
GROUP BY x.tag
ORDER BY x.tag COLLATE "C"
LIMIT @row_limit;
