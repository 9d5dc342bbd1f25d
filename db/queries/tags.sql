-- name: TagList :many
-- A page of the tags on the live tasks of every list the caller is a member of, with the
-- number of those tasks carrying each, by name (byte order), after the name after when it is
-- set. The caller's own lists: the per-owner counts the database keeps (user_tags), a page
-- read from its primary key. Other owners' lists shared with the caller: counted from their
-- rows (a list holds at most its owner's MaxLiveTasks) through the caller's memberships
-- (list_members_of_others, 0020, finds none for a caller who is a member of no other
-- owner's list). Both sum by name, and the first page of the sum is exact: a tag of the
-- caller's own among the first row_limit of the sum is among the first row_limit of the own
-- page, and its shared count is whole.
SELECT t.name::text AS name, sum(t.n)::bigint AS count
FROM (
    (SELECT own.tag AS name, own.tasks::bigint AS n
     FROM user_tags own
     WHERE own.user_id = @user_id
       AND (sqlc.narg('after')::text IS NULL OR own.tag > sqlc.narg('after')::text)
     ORDER BY own.tag
     LIMIT @row_limit)
    UNION ALL
    (SELECT x.tag COLLATE "C" AS name, count(*)::bigint AS n
     FROM list_members m
     JOIN tasks ON tasks.user_id = m.owner_id AND tasks.list_id = m.list_id,
          unnest(tasks.tags) AS x(tag)
     WHERE m.user_id = @user_id AND m.owner_id <> m.user_id AND tasks.deleted_at IS NULL
       AND (sqlc.narg('after')::text IS NULL OR x.tag COLLATE "C" > sqlc.narg('after')::text COLLATE "C")
     GROUP BY x.tag COLLATE "C")
) t
GROUP BY t.name
ORDER BY t.name COLLATE "C"
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
