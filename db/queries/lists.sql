-- The caller's lists (db/migrations/0011_lists.sql, 0015_sharing.sql): the lists the caller is
-- a member of. A read finds them through the caller's membership rows (list_members.user_id =
-- the user, the membership predicate: the list's owner_id then comes from that row) — what
-- only the owner may do keys lists and list_members by the caller as owner (owner_id = the
-- user). Writes take the caller's clock first (internal/store's list_write.go), as task
-- writes do.

-- name: ListInboxEnsure :one
-- The user's inbox, created (with the user's membership row) if the user has none yet:
-- user_inbox, 0011_lists.sql.
SELECT user_inbox(@user_id)::uuid AS id;

-- name: ListAll :many
-- The live lists the user is a member of, with the user's role and position: the inbox first
-- (only the user's own inbox is among them: an inbox is never shared), then by position.
SELECT sqlc.embed(l), m.role, m.position,
       (SELECT count(*) FROM list_members c WHERE c.owner_id = m.owner_id AND c.list_id = m.list_id)::integer AS member_count
FROM list_members m
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND l.deleted_at IS NULL
ORDER BY l.inbox DESC, m.position, l.id;

-- name: ListGet :one
-- One live list the user is a member of, as ListAll reads it.
SELECT sqlc.embed(l), m.role, m.position,
       (SELECT count(*) FROM list_members c WHERE c.owner_id = m.owner_id AND c.list_id = m.list_id)::integer AS member_count
FROM list_members m
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.list_id = @id AND m.user_id = @user_id AND l.deleted_at IS NULL;

-- name: ListRow :one
-- One of the user's lists, live or a tombstone that is still restorable (deleted less than
-- tombstone_retention() ago), locked until the caller's transaction ends.
SELECT * FROM lists
WHERE owner_id = @user_id AND id = @id
  AND (deleted_at IS NULL OR deleted_at >= now() - tombstone_retention())
FOR UPDATE;

-- name: ListCountLive :one
-- How many live lists the user owns, the inbox included (the lists quota).
SELECT count(*)::integer FROM lists WHERE owner_id = @user_id AND deleted_at IS NULL;

-- name: ListLastPosition :one
-- The highest position among the lists the user is a member of, tombstones included.
SELECT position FROM list_members
WHERE user_id = @user_id
ORDER BY position DESC
LIMIT 1;

-- name: ListPositionAfter :one
-- The lowest position above after (every position is above the empty string) among the
-- lists the user is a member of but list_id and the inbox (which comes first whatever its
-- position), tombstones included.
SELECT m.position FROM list_members m
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id
  AND m.position > @after::text AND m.list_id <> @list_id AND NOT l.inbox
ORDER BY m.position
LIMIT 1;

-- name: ListCreate :exec
-- A new list owned by the user.
INSERT INTO lists (owner_id, id, name, color, created_at, updated_at)
VALUES (@user_id::text, @id::uuid, @name::text, sqlc.narg('color')::text, @now::timestamptz, @now::timestamptz);

-- name: ListMemberAdd :exec
-- The user's membership of a list the user owns (role owner), at position.
INSERT INTO list_members (owner_id, list_id, user_id, role, position, joined_at)
VALUES (@user_id::text, @list_id::uuid, @user_id::text, 'owner', @position::text, @now::timestamptz);

-- name: ListUpdate :execrows
-- Changes the fields whose set_ flag is true, stamped now.
UPDATE lists SET
    name       = CASE WHEN @set_name::bool THEN @name::text ELSE name END,
    color      = CASE WHEN @set_color::bool THEN sqlc.narg('color')::text ELSE color END,
    updated_at = @now::timestamptz,
    version    = version + 1
WHERE owner_id = @user_id AND id = @id AND deleted_at IS NULL;

-- name: ListMovePosition :execrows
-- Gives the user's membership row of the list a new position. The list's version moves (its
-- representation, position included, changed: list_access_sync, 0015_sharing.sql) but not
-- its updated_at.
UPDATE list_members SET position = @position::text
WHERE list_id = @id AND user_id = @user_id;

-- name: ListMarkDeleted :execrows
-- Deletes a list that is not the inbox: a tombstone stamped now (deleted_at = updated_at).
UPDATE lists SET deleted_at = @now::timestamptz, updated_at = @now::timestamptz, version = version + 1
WHERE owner_id = @user_id AND id = @id AND deleted_at IS NULL AND NOT inbox;

-- name: ListTasksDelete :execrows
-- Deletes the list's live tasks with the list: each a tombstone stamped now, the list's
-- deleted_at, which is how ListTasksRestore finds them.
UPDATE tasks SET deleted_at = @now::timestamptz, updated_at = @now::timestamptz, version = version + 1
WHERE user_id = @user_id AND list_id = @list_id AND deleted_at IS NULL;

-- name: ListMarkRestored :execrows
-- Brings back a list deleted at deleted_at, stamped now.
UPDATE lists SET deleted_at = NULL, updated_at = @now::timestamptz, version = version + 1
WHERE owner_id = @user_id AND id = @id AND deleted_at = @deleted_at::timestamptz;

-- name: ListTasksRestore :execrows
-- Brings back the list's tasks deleted with it (deleted_at equal to the list's), stamped
-- now: not those deleted before it.
UPDATE tasks SET deleted_at = NULL, updated_at = @now::timestamptz, version = version + 1
WHERE user_id = @user_id AND list_id = @list_id AND deleted_at = @deleted_at::timestamptz;

-- name: ListPurge :exec
-- Purges the user's list tombstones older than tombstone_retention() that no task refers to
-- any more (their tasks, deleted with them, are purged by user_clock_tick_purging first).
DELETE FROM lists
WHERE lists.owner_id = @user_id AND lists.deleted_at < now() - tombstone_retention()
  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.user_id = @user_id AND t.list_id = lists.id);

-- name: ListDeleteClockTick :one
-- Takes the user's clock on the delete path: user_clock_tick_purging (0010_rule_functions.sql).
SELECT user_clock_tick_purging(@user_id)::timestamptz AS last;
