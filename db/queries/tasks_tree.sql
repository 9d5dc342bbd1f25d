-- Subtasks (issue 14): the statements that work on a task together with its subtree — the
-- task, its subtasks, theirs, theirs (at most 4 levels, tasks.depth 0..3). Each walks the
-- tree down from its roots through tasks_user_parent (user_id, parent_id) with a recursive
-- CTE, which the depth rule bounds to 4 levels. The caller's transaction holds the owner's
-- clock (UserClockTick, or UserClockTickPurging on the delete path) and passes its value as
-- now: the statement then reads a snapshot taken after every earlier write of the owner
-- committed, so no subtask created meanwhile escapes a cascade. The subtask counts of the
-- parents follow by trigger (tasks_count_subtasks, 0012_subtasks.sql).

-- name: UserClockTickPurging :one
-- The delete path's clock for a transaction of several statements (a subtree delete):
-- user_clock_tick_purging (0010_rule_functions.sql).
SELECT user_clock_tick_purging(@user_id)::timestamptz AS last;

-- name: UserClockAtLeast :exec
-- Moves the user's clock, which the caller's transaction holds, to at least at: the rows a
-- move to another owner's list stamps with the old owner's later clock become this user's,
-- and this user's next writes must be stamped after them (their feed's order).
UPDATE user_clocks SET last = greatest(last, @at::timestamptz) WHERE user_id = @user_id;

-- name: TaskTree :many
-- The live subtree of one of the user's live tasks, the task first, then level by level in
-- manual order: what a move checks the depth rule and cycles against, and what the next
-- occurrence of a repeating task copies.
WITH RECURSIVE tree AS (
    SELECT t.id FROM tasks t
    WHERE t.user_id = @user_id AND t.id = @id AND t.deleted_at IS NULL
    UNION ALL
    SELECT c.id FROM tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.user_id = @user_id AND c.deleted_at IS NULL
)
SELECT sqlc.embed(tasks) FROM tasks JOIN tree ON tasks.id = tree.id
WHERE tasks.user_id = @user_id
ORDER BY tasks.depth, tasks.position;

-- name: TaskTargetList :one
-- One of the user's live lists, by id: where a task may be created or moved to. The caller
-- holds the owner's clock, which every list write takes too, so it stays live until commit.
SELECT id FROM lists
WHERE owner_id = @user_id AND id = @id AND deleted_at IS NULL;

-- name: TaskTreeComplete :many
-- Completes the open live tasks in the subtrees of the user's live tasks among ids (a
-- completion's cascade: the roots are usually completed already). Returns the tasks it
-- completed.
WITH RECURSIVE tree AS (
    SELECT t.id FROM tasks t
    WHERE t.user_id = @user_id AND t.id = ANY (@ids::uuid[]) AND t.deleted_at IS NULL
    UNION
    SELECT c.id FROM tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.user_id = @user_id AND c.deleted_at IS NULL
)
UPDATE tasks SET
    completed    = true,
    completed_at = @now::timestamptz,
    updated_at   = @now::timestamptz,
    version      = version + 1
FROM tree
WHERE tasks.user_id = @user_id AND tasks.id = tree.id AND NOT tasks.completed
RETURNING tasks.id;

-- name: TaskTreeDelete :many
-- Deletes the user's live tasks among ids with their live subtrees: every one becomes a
-- tombstone with the same deleted_at, now, which is how TaskTreeRestore knows what was
-- deleted together. With if_versions, a root whose version is not one of them is left out
-- (If-Match). Returns the tasks deleted, roots and subtasks.
WITH RECURSIVE tree AS (
    SELECT t.id FROM tasks t
    WHERE t.user_id = @user_id AND t.id = ANY (@ids::uuid[]) AND t.deleted_at IS NULL
      AND (sqlc.narg('if_versions')::bigint[] IS NULL OR t.version = ANY (sqlc.narg('if_versions')::bigint[]))
    UNION
    SELECT c.id FROM tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.user_id = @user_id AND c.deleted_at IS NULL
)
UPDATE tasks SET
    deleted_at = @now::timestamptz,
    updated_at = @now::timestamptz,
    version    = version + 1
FROM tree
WHERE tasks.user_id = @user_id AND tasks.id = tree.id
RETURNING tasks.id;

-- name: TaskTreeRestore :many
-- Restores the user's tasks among ids deleted within tombstone_retention(), each with what
-- was deleted together with it: the tombstones of its subtree whose deleted_at is its own
-- (not subtasks deleted before). A live task among ids stays as it is. A task whose parent
-- is not live (deleted apart from it, and not restored by this statement) comes back
-- top-level, its subtree one level up per level it loses. A task of a deleted list stays
-- deleted: it comes back with its list (ListRestore). Returns the tasks now live among ids
-- and their restored subtasks.
WITH RECURSIVE roots AS (
    SELECT t.id, t.deleted_at,
           CASE WHEN t.parent_id IS NULL OR EXISTS (
                    SELECT 1 FROM tasks p
                    WHERE p.user_id = @user_id AND p.id = t.parent_id
                      AND (p.deleted_at IS NULL OR p.id = ANY (@ids::uuid[])))
                THEN 0 ELSE t.depth END AS shift
    FROM tasks t
    WHERE t.user_id = @user_id AND t.id = ANY (@ids::uuid[])
      AND (t.deleted_at IS NULL OR t.deleted_at >= now() - tombstone_retention())
      AND EXISTS (SELECT 1 FROM lists l WHERE l.owner_id = @user_id AND l.id = t.list_id AND l.deleted_at IS NULL)
), tree AS (
    SELECT roots.id, roots.deleted_at, roots.shift, true AS root FROM roots
    UNION
    SELECT c.id, tree.deleted_at, tree.shift, false FROM tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.user_id = @user_id AND tree.deleted_at IS NOT NULL AND c.deleted_at = tree.deleted_at
)
UPDATE tasks SET
    deleted_at = NULL,
    updated_at = CASE WHEN tasks.deleted_at IS NULL THEN tasks.updated_at ELSE @now::timestamptz END,
    version    = tasks.version + (tasks.deleted_at IS NOT NULL)::int,
    parent_id  = CASE WHEN tree.root AND tree.shift > 0 THEN NULL ELSE tasks.parent_id END,
    depth      = tasks.depth - tree.shift
FROM tree
WHERE tasks.user_id = @user_id AND tasks.id = tree.id
RETURNING tasks.id;

-- name: TaskTreeMove :many
-- Moves one of the user's live tasks, with its subtree (tombstones included, so that a
-- restore finds them beside their parent), to list_id under parent_id (null: top-level) at
-- position, the subtree's depths shifted by shift. The caller checked the target (list live,
-- parent live in that list, not in the subtree, depth rule). A live task whose list changes
-- is changed (now, a new version), the rest keep their stamps (depth is not visible).
-- Returns the tasks moved.
WITH RECURSIVE tree AS (
    SELECT t.id FROM tasks t
    WHERE t.user_id = @user_id AND t.id = @id AND t.deleted_at IS NULL
    UNION ALL
    SELECT c.id FROM tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.user_id = @user_id
)
UPDATE tasks SET
    list_id    = @list_id::uuid,
    parent_id  = CASE WHEN tasks.id = @id THEN sqlc.narg('parent_id')::uuid ELSE tasks.parent_id END,
    position   = CASE WHEN tasks.id = @id THEN @position::text ELSE tasks.position END,
    depth      = tasks.depth + @shift::smallint,
    updated_at = CASE WHEN tasks.deleted_at IS NULL AND (tasks.id = @id OR tasks.list_id <> @list_id::uuid)
                      THEN @now::timestamptz ELSE tasks.updated_at END,
    version    = tasks.version + (tasks.deleted_at IS NULL AND (tasks.id = @id OR tasks.list_id <> @list_id::uuid))::int
FROM tree
WHERE tasks.user_id = @user_id AND tasks.id = tree.id
RETURNING tasks.id;

-- name: TaskSubtreeIDs :many
-- The ids of one of the user's live tasks and of its whole subtree, tombstones included, in
-- the user's manual order: what a move to another owner's list re-keys (TaskTreeMoveOwner).
WITH RECURSIVE tree AS (
    SELECT t.id FROM tasks t
    WHERE t.user_id = @user_id AND t.id = @id AND t.deleted_at IS NULL
    UNION ALL
    SELECT c.id FROM tasks c JOIN tree ON c.parent_id = tree.id
    WHERE c.user_id = @user_id
)
SELECT tasks.id FROM tasks JOIN tree ON tasks.id = tree.id
WHERE tasks.user_id = @user_id
ORDER BY tasks.position;

-- name: TaskTreeMoveOwner :many
-- Moves one of the user's live tasks with its subtree (ids, from TaskSubtreeIDs) to list_id
-- of new_owner under parent_id (null: top-level): every row becomes new_owner's, with its
-- position from positions (new keys at the top of new_owner's order, in the subtree's
-- order), the depths shifted by shift. A live row gets now and a new version, a tombstone
-- keeps its stamps. The caller's transaction holds both owners' clocks and checked the
-- target (a live list of new_owner the caller may write, the parent in it, the depth rule).
-- The triggers move the counts, tags and search text with the rows (0018_cross_owner_moves.sql).
UPDATE tasks SET
    user_id    = @new_owner::text,
    list_id    = @list_id::uuid,
    parent_id  = CASE WHEN tasks.id = @id THEN sqlc.narg('parent_id')::uuid ELSE tasks.parent_id END,
    position   = v.position,
    depth      = tasks.depth + @shift::smallint,
    updated_at = CASE WHEN tasks.deleted_at IS NULL THEN @now::timestamptz ELSE tasks.updated_at END,
    version    = tasks.version + (tasks.deleted_at IS NULL)::int
FROM (SELECT unnest(@ids::uuid[]) AS id, unnest(@positions::text[]) AS position) AS v
WHERE tasks.user_id = @user_id AND tasks.id = v.id
RETURNING tasks.id;
