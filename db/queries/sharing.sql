-- Sharing (db/migrations/0015_sharing.sql): members and invites. A member's statements find
-- the list through the member's own row (list_members.user_id = the user: the membership
-- predicate), and the owner's statements key the list by the caller as owner (owner_id = the
-- user). Owner-only writes take the owner's clock first (internal/store's member.go,
-- invite.go).

-- name: ListMembership :one
-- The user's membership of a live list: the list's owner and the user's role. No row: the
-- user is no member of such a list (or it does not exist, or is deleted).
SELECT m.owner_id, m.role FROM list_members m
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.list_id = @list_id AND m.user_id = @user_id AND l.deleted_at IS NULL;

-- name: MemberList :many
-- The members of a live list the user is a member of: the owner first, then in the order
-- they joined.
SELECT o.user_id, o.role, o.name, o.joined_at
FROM list_members m
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
JOIN list_members o ON o.owner_id = m.owner_id AND o.list_id = m.list_id
WHERE m.list_id = @list_id AND m.user_id = @user_id AND l.deleted_at IS NULL
ORDER BY o.role = 'owner' DESC, o.joined_at, o.user_id;

-- name: MemberCount :one
-- How many members a list the user owns has, the owner included.
SELECT count(*)::integer FROM list_members WHERE owner_id = @user_id AND list_id = @list_id;

-- name: MemberSetRole :one
-- Gives a member of a list the user owns another role (never the owner's row).
UPDATE list_members SET role = @role::text
WHERE owner_id = @user_id AND list_id = @list_id AND user_id = @member_id::text AND role <> 'owner'
RETURNING user_id, role, name, joined_at;

-- name: MemberRemove :execrows
-- Removes a member (never the owner) from a list the user owns.
DELETE FROM list_members
WHERE owner_id = @user_id AND list_id = @list_id AND user_id = @member_id::text AND role <> 'owner';

-- name: MemberLeave :execrows
-- The user leaves a list they are a member of but do not own.
DELETE FROM list_members
WHERE list_id = @list_id AND user_id = @user_id AND role <> 'owner';

-- name: InviteCreate :exec
-- A new invite to a list the user owns: only the token's hash is stored.
INSERT INTO invites (owner_id, list_id, id, token_hash, role, created_by, created_by_name, created_at, expires_at)
VALUES (@user_id::text, @list_id::uuid, @id::uuid, @token_hash::bytea, @role::text, @user_id::text,
        sqlc.narg('created_by_name')::text, @now::timestamptz, @expires_at::timestamptz);

-- name: InvitePendingCount :one
-- How many pending invites (not used, revoked or expired) a list the user owns has.
SELECT count(*) FROM invites
WHERE owner_id = @user_id AND list_id = @list_id AND used_by IS NULL AND revoked_at IS NULL AND expires_at > now();

-- name: InvitePrune :exec
-- Deletes the invites of a list the user owns that are no longer pending (used, revoked or
-- expired) and were made before @before.
DELETE FROM invites
WHERE owner_id = @user_id AND list_id = @list_id AND created_at < @before::timestamptz
  AND (used_by IS NOT NULL OR revoked_at IS NOT NULL OR expires_at <= now());

-- name: InviteListPending :many
-- The pending invites (not used, revoked or expired) of a list the user owns, oldest first.
SELECT id, role, expires_at FROM invites
WHERE owner_id = @user_id AND list_id = @list_id AND used_by IS NULL AND revoked_at IS NULL AND expires_at > now()
ORDER BY created_at, id;

-- name: InviteRevoke :execrows
-- Revokes an invite to a list the user owns (a revoked one keeps its first revocation time).
UPDATE invites SET revoked_at = coalesce(revoked_at, now())
WHERE owner_id = @user_id AND list_id = @list_id AND id = @id;

-- name: InviteLookup :one
-- What the pending invite with this token hash offers (invite_lookup), invited_by_name "" for none.
SELECT i.list_name::text AS list_name, i.role::text AS role, i.invited_by::text AS invited_by,
       coalesce(i.invited_by_name::text, '')::text AS invited_by_name, i.expires_at::timestamptz AS expires_at
FROM invite_lookup(@user_id::text, @token_hash::bytea) i;

-- name: InviteAccept :one
-- Makes the user a member through the invite with this token hash (invite_accept).
SELECT a.owner_id::text AS owner_id, a.list_id::uuid AS list_id, a.outcome::text AS outcome
FROM invite_accept(@user_id::text, @token_hash::bytea, sqlc.narg('name')::text, @position::text) a;

-- name: MemberNameOwner :exec
-- Records the owner's display name on the owner's membership row of a list the user owns,
-- if it has none yet (the owner's name when they first share the list).
UPDATE list_members SET name = sqlc.narg('name')::text
WHERE owner_id = @user_id AND list_id = @list_id AND user_id = @user_id AND name IS NULL;
