-- name: TagList :many
-- A page of the user's tags with the number of live tasks carrying each, by name (byte
-- order), after the name after when it is set.
SELECT tag AS name, tasks::bigint AS count
FROM user_tags
WHERE user_id = @user_id
  AND (sqlc.narg('after')::text IS NULL OR tag > sqlc.narg('after')::text)
ORDER BY tag
LIMIT @row_limit;
