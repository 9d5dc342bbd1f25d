-- +goose Up
-- What the change feed, manual order and bulk actions stand on: a per-user write clock, soft
-- delete with tombstones, a manual position per task, and idempotency key namespaces.
--
-- user_clocks holds, per user, the time of that user's latest write. Every statement that
-- writes a user's tasks first takes this row (INSERT … ON CONFLICT DO UPDATE, in the same
-- statement or transaction) and stamps what it writes with the value it got: the row lock
-- serialises a user's writes until commit, so their updated_at values strictly increase in
-- commit order and a client that syncs with updated_after=<the last updated_at it saw>
-- never misses a write. The same value is the user's collection ETag.
--
-- user_clocks holds per-user rows like tasks and idempotency_keys, and has the same
-- row-level security policy (0005_row_level_security.sql).
--
-- purged_through is where the user's purged tombstones end: the delete path removes
-- tombstones older than the retention (tombstone_retention(), 0010_rule_functions.sql) and
-- moves it to that cutoff. A feed request whose updated_after lies before it may have lost
-- deletions (410); one after it has not, however old it is (an idle user's client keeps
-- syncing incrementally).
CREATE TABLE user_clocks (
    user_id        text        PRIMARY KEY CHECK (char_length(user_id) BETWEEN 1 AND 255),
    last           timestamptz NOT NULL,
    purged_through timestamptz
);
-- Existing users start from their latest change, so new writes sort after every old one.
INSERT INTO user_clocks (user_id, last)
SELECT user_id, max(updated_at) FROM tasks GROUP BY user_id;

-- A deleted task stays as a tombstone (deleted_at set) for the retention so that the change
-- feed can report the deletion and the task can be restored; the delete path purges older
-- ones.
-- Deleting stamps deleted_at and updated_at with the same clock value: a tombstone's
-- deleted_at is its place in the feed.
ALTER TABLE tasks
    ADD COLUMN deleted_at timestamptz,
    ADD CONSTRAINT tasks_deleted_at_is_updated_at CHECK (deleted_at IS NULL OR deleted_at = updated_at);
-- The purge's lookup: one user's tombstones by age.
CREATE INDEX tasks_user_deleted ON tasks (user_id, deleted_at) WHERE deleted_at IS NOT NULL;

-- Manual order: position is a fractional-index key (internal/fracindex) compared byte by
-- byte, so that moving a task rewrites that task's key only. Keys are unique per user among
-- all rows, tombstones included (a restored task keeps its place). Existing tasks are
-- numbered newest first, as the default listing shows them: integer keys 'e' + 5 base-62
-- digits (up to 916 million per user), with room before them for new tasks at the top.
ALTER TABLE tasks ADD COLUMN position text COLLATE "C";
WITH ranked AS (
    SELECT user_id, id,
           row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) - 1 AS r
    FROM tasks
), digits (d) AS (
    VALUES ('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')
)
UPDATE tasks SET position = 'e'
    || substr(d, (r / 14776336 % 62)::int + 1, 1) || substr(d, (r / 238328 % 62)::int + 1, 1)
    || substr(d, (r / 3844 % 62)::int + 1, 1) || substr(d, (r / 62 % 62)::int + 1, 1)
    || substr(d, (r % 62)::int + 1, 1)
FROM ranked, digits
WHERE tasks.user_id = ranked.user_id AND tasks.id = ranked.id;
ALTER TABLE tasks
    ALTER COLUMN position SET NOT NULL,
    ADD CONSTRAINT tasks_position_key CHECK (position ~ '^[A-Za-z][0-9A-Za-z]*$'),
    ADD CONSTRAINT tasks_user_position_unique UNIQUE (user_id, position);
-- sort=position, keyset paged by (position, id) like every listing order.
CREATE INDEX tasks_user_position ON tasks (user_id, position, id);
-- A create replayed from its idempotency key answers with the task as first created: give
-- the saved responses their task's position, which every Task in the API has.
UPDATE idempotency_keys SET response = jsonb_set(response, '{position}', to_jsonb(tasks.position))
FROM tasks
WHERE jsonb_typeof(idempotency_keys.response) = 'object'
  AND tasks.user_id = idempotency_keys.user_id AND tasks.id = (idempotency_keys.response->>'id')::uuid;

-- Idempotency keys get a namespace per operation (tasks.create, tasks.bulk): the same key
-- sent to two operations is two keys. Existing keys belong to POST /api/tasks.
ALTER TABLE idempotency_keys ADD COLUMN namespace text NOT NULL DEFAULT 'tasks.create'
    CHECK (char_length(namespace) BETWEEN 1 AND 64);
ALTER TABLE idempotency_keys ALTER COLUMN namespace DROP DEFAULT;
ALTER TABLE idempotency_keys
    DROP CONSTRAINT idempotency_keys_pkey,
    ADD PRIMARY KEY (user_id, namespace, key);

-- +goose Down
DROP INDEX tasks_user_position;
ALTER TABLE tasks DROP COLUMN position;
DELETE FROM idempotency_keys WHERE namespace <> 'tasks.create';
ALTER TABLE idempotency_keys
    DROP CONSTRAINT idempotency_keys_pkey,
    ADD PRIMARY KEY (user_id, key);
ALTER TABLE idempotency_keys DROP COLUMN namespace;

-- Without soft delete a tombstone would come back as a live task: drop them.
DELETE FROM tasks WHERE deleted_at IS NOT NULL;
DROP INDEX tasks_user_deleted;
ALTER TABLE tasks
    DROP CONSTRAINT tasks_deleted_at_is_updated_at,
    DROP COLUMN deleted_at;
DROP TABLE user_clocks;
