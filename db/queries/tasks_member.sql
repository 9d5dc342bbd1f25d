-- Statements that reach tasks through the caller's membership (issue 16): the caller's own
-- rows of list_members (user_id = @user_id) joined on (owner_id, list_id) to the lists and
-- tasks they open, whoever owns them. tasks.user_id is the owner of the task's list.

-- name: TaskGetAsMember :one
-- A live task of a list the caller is a member of, and the caller's role there: tasks_id
-- (0016_task_membership.sql) finds the task, list_members' primary key the membership.
SELECT sqlc.embed(tasks), m.role
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id AND tasks.deleted_at IS NULL;

-- name: MemberClockGet :one
-- The clock of the lists the caller is a member of, or of one of them (list_id): what the
-- collections' ETags hash, and the database's time. The caller's own clock (last, null before
-- the first write) when those are the caller's own lists only, else also their view
-- (shared_clock_view of 0020_listing_own.sql, member_clock_view of 0016_task_membership.sql) —
-- as the listing statements read them (db/listgen).
SELECT now()::timestamptz AS now,
       (SELECT last FROM user_clock_last(@user_id::text) AS last) AS last,
       (SELECT v FROM shared_clock_view(@user_id::text, sqlc.narg('list_id')::uuid) AS v) AS view;

-- name: ListMembershipHeld :one
-- ListMembership under the list owner's clock: the caller's role in a live list, where they
-- create a task or move one to. The caller's transaction holds the owner's clock (taken
-- after ListMembership named the owner), and FOR SHARE holds the caller's membership until
-- commit, so a removal (or leave) waits for the write, and a write after it finds no row.
SELECT m.owner_id, m.role FROM list_members m
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND m.list_id = @id AND l.deleted_at IS NULL
FOR SHARE OF m;

-- name: TaskAccess :one
-- The owner and list of a task (tombstones included) of a live list the caller is a member
-- of, and the caller's role there. Read without a lock: it names the owner whose clock a
-- write of the task takes, and TaskAccessHeld reads it again under that clock (a move to
-- another owner's list may have changed it meanwhile: the store then tries again).
SELECT tasks.user_id AS owner_id, tasks.list_id, m.role
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND tasks.id = @id AND l.deleted_at IS NULL;

-- name: TaskAccessHeld :one
-- TaskAccess under the owner's clock, holding the caller's membership FOR SHARE until commit
-- (as ListMembershipHeld does): the task's list and the caller's role as they stay while
-- the write runs.
SELECT tasks.user_id AS owner_id, tasks.list_id, m.role
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND tasks.id = @id AND l.deleted_at IS NULL
FOR SHARE OF m;

-- name: TaskBulkAccess :many
-- TaskAccess for the tasks among ids: those of live lists the caller is a member of
-- (tombstones included), with their owners and the caller's role. Without a lock: it names
-- the owners whose clocks a bulk action takes, and tells a replayed bulk action which ids
-- the caller still reaches.
SELECT tasks.id, tasks.user_id AS owner_id, m.role
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND tasks.id = ANY (@ids::uuid[]) AND l.deleted_at IS NULL;

-- name: TaskBulkAccessHeld :many
-- TaskBulkAccess under the owners' clocks, holding the caller's memberships FOR SHARE until
-- commit, for the tasks among ids of other owners' lists (owner_id <> the caller).
SELECT tasks.id, tasks.user_id AS owner_id, m.role
FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id
WHERE m.user_id = @user_id AND tasks.id = ANY (@ids::uuid[]) AND l.deleted_at IS NULL
  AND tasks.user_id <> @user_id
FOR SHARE OF m;

-- name: MemberTaskPlace :one
-- The list and parent of a task (tombstones included) of a list the caller is a member of:
-- what a replay of the task's create checks (the caller may have lost the list since) and
-- shows (a create's saved response, taskV1, predates lists).
SELECT tasks.list_id, tasks.parent_id FROM tasks
JOIN list_members m ON m.owner_id = tasks.user_id AND m.list_id = tasks.list_id
WHERE m.user_id = @user_id AND tasks.id = @id;
