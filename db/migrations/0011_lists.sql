-- +goose NO TRANSACTION
-- +goose Up
-- Lists and subtasks (issue 14), designed for sharing (issue 16): every task belongs to one
-- list, every user has exactly one inbox list, a task may have a parent in the same list.
--
-- Keys. lists and list_members are keyed by the list's owner first, like tasks by user_id: the
-- owner is the distribution column (a sharded PostgreSQL would keep a list, its members and
-- its tasks on one node). tasks.user_id keeps meaning "the owner of the task's list": the
-- clock key, the key of the row-level security policy and of the quotas.
--
-- Safe on a large tasks table: this migration runs outside a transaction (goose NO
-- TRANSACTION), one statement at a time, and never holds an exclusive lock on tasks for more
-- than a catalogue change:
--   1. ADD COLUMN without a volatile default: a catalogue change only (ACCESS EXCLUSIVE for
--      milliseconds; lock_timeout makes a statement that would queue behind a long
--      transaction fail instead of blocking every other query — run it again).
--   2. A BEFORE INSERT OR UPDATE trigger fills a NULL list_id with the owner's inbox, creating
--      it: from here on a v1.0 binary still running (rolling deploy) writes tasks with a list.
--      Then the constraints NOT VALID (catalogue changes too), which check new and updated
--      rows at once: before the trigger they would refuse the v1.0 binary's writes.
--   3. The backfill: one procedure call that COMMITs every ~500 rows, each batch a plain
--      UPDATE (row locks on those rows only). Small batches because the statement-level
--      triggers of 0009 join a statement's old and new rows by a nested loop, quadratic in
--      the batch: 7 000 tasks took 14 s in 5 000-row batches, 1.3 s in 1 000, 1.0 s in 500. It runs each user's rows under that user's
--      app.user_id, so row-level security stays FORCEd on tasks throughout: no gap in which
--      the owner role sees every user's rows (only user_clocks, one row per user, is read
--      unforced, inside one short transaction that nobody else sees).
--   4. VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on), then SET NOT NULL,
--      which PostgreSQL ≥ 12 proves from the validated check without scanning.
--   5. Indexes with CREATE INDEX CONCURRENTLY (writes go on).
-- Every step is idempotent (IF NOT EXISTS, ON CONFLICT DO NOTHING, list_id IS NULL): a run that
-- stopped half-way is finished by running `todo-api migrate up` again. (A CONCURRENTLY index
-- that failed is left INVALID: drop it before running again.)
SET lock_timeout = '5s';


-- lists: a user's lists. The inbox (inbox = true) is every user's first list, exactly one per
-- owner (lists_one_inbox), never renamed nor deleted. A deleted list is a tombstone for the
-- tombstone retention, like a task: deleted_at = updated_at, the value the list's tasks
-- deleted with it carry too, which is how a restore finds them.
CREATE TABLE IF NOT EXISTS lists (
    owner_id   text        NOT NULL CHECK (char_length(owner_id) BETWEEN 1 AND 255),
    id         uuid        NOT NULL UNIQUE,
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100 AND name = btrim(name)),
    color      text        CHECK (color ~ '^#[0-9a-f]{6}$'),
    inbox      boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    -- version increases with every modification; it is the list's ETag.
    version    bigint      NOT NULL DEFAULT 1,
    PRIMARY KEY (owner_id, id),
    CONSTRAINT lists_deleted_at_is_updated_at CHECK (deleted_at IS NULL OR deleted_at = updated_at),
    CONSTRAINT lists_inbox_is_never_deleted CHECK (NOT (inbox AND deleted_at IS NOT NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS lists_one_inbox ON lists (owner_id) WHERE inbox;

-- list_members: who is a member of a list, with which role, and where the list sits in that
-- member's sidebar (position: a fractional-index key, internal/fracindex). Issue 14 writes
-- the owner's row only; issue 16 adds editors and viewers, so "my lists" is already
-- list_members WHERE user_id = me, and each member orders their lists independently.
-- name is the member's display name when they joined (issue 16).
CREATE TABLE IF NOT EXISTS list_members (
    owner_id  text             NOT NULL,
    list_id   uuid             NOT NULL,
    user_id   text             NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 255),
    -- A member's role: text with a check rather than an enum type, which a run of this
    -- migration again could not create IF NOT EXISTS.
    role      text             NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    position  text COLLATE "C" NOT NULL CHECK (position ~ '^[A-Za-z][0-9A-Za-z]*$'),
    name      text             CHECK (char_length(name) <= 255),
    joined_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, list_id, user_id),
    FOREIGN KEY (owner_id, list_id) REFERENCES lists (owner_id, id) ON DELETE CASCADE,
    CONSTRAINT list_members_owner_role CHECK ((role = 'owner') = (user_id = owner_id))
);
CREATE INDEX IF NOT EXISTS list_members_user_position ON list_members (user_id, position);

-- Row-level security (0005_row_level_security.sql): a list and its members' rows are the
-- owner's. Issue 16 widens the read side to members; the expressions stay in these policies.
ALTER TABLE lists ENABLE ROW LEVEL SECURITY;
ALTER TABLE lists FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS lists_owner ON lists;
CREATE POLICY lists_owner ON lists
    USING (owner_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true));
ALTER TABLE list_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE list_members FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS list_members_owner ON list_members;
CREATE POLICY list_members_owner ON list_members
    USING (owner_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true));

-- The tasks' new columns. list_id is NOT NULL once backfilled (step 4). depth is the task's
-- level: 0 top-level, at most 3 (four levels). subtasks_total and subtasks_completed count
-- its direct, live subtasks.
ALTER TABLE tasks
    ADD COLUMN IF NOT EXISTS list_id            uuid,
    ADD COLUMN IF NOT EXISTS parent_id          uuid,
    ADD COLUMN IF NOT EXISTS depth              smallint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS subtasks_total     integer  NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS subtasks_completed integer  NOT NULL DEFAULT 0;

-- user_inbox returns owner's inbox, creating it (and the owner's membership row) when owner
-- has none: an INSERT … ON CONFLICT DO NOTHING on lists_one_inbox, then a read. Concurrent
-- first calls for one owner create exactly one inbox: the second INSERT waits for the first
-- to commit and then does nothing; the read (a VOLATILE function's own snapshot, taken after
-- the wait) sees the winner's row. It runs with the caller's rights: app.user_id must be
-- owner, as for every write of owner's rows. The inbox's position is the first key
-- (fracindex.First); the API shows the inbox first whatever its position.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_inbox(owner text) RETURNS uuid
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    inbox_id uuid;
BEGIN
    SELECT l.id INTO inbox_id FROM lists l WHERE l.owner_id = owner AND l.inbox;
    IF FOUND THEN
        RETURN inbox_id;
    END IF;
    INSERT INTO lists (owner_id, id, name, inbox) VALUES (owner, gen_random_uuid(), 'Inbox', true)
    ON CONFLICT (owner_id) WHERE inbox DO NOTHING
    RETURNING id INTO inbox_id;
    IF inbox_id IS NOT NULL THEN
        INSERT INTO list_members (owner_id, list_id, user_id, role, position)
        VALUES (owner, inbox_id, owner, 'owner', 'a0');
        RETURN inbox_id;
    END IF;
    SELECT l.id INTO inbox_id FROM lists l WHERE l.owner_id = owner AND l.inbox;
    RETURN inbox_id;
END
$$;
-- +goose StatementEnd

-- tasks_default_list puts a task written without a list into its owner's inbox: a v1.0
-- binary's create during a rolling deploy, and any SQL run by hand. The service always
-- names the list.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tasks_default_list() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.list_id := user_inbox(NEW.user_id);
    RETURN NEW;
END
$$;
-- +goose StatementEnd
DROP TRIGGER IF EXISTS tasks_default_list ON tasks;
CREATE TRIGGER tasks_default_list BEFORE INSERT OR UPDATE ON tasks
    FOR EACH ROW WHEN (NEW.list_id IS NULL) EXECUTE FUNCTION tasks_default_list();

-- +goose StatementBegin
DO $$
BEGIN
    -- Constraints NOT VALID: existing rows are checked by VALIDATE below, without blocking writes.
    -- New rows and updated ones are checked at once, so the trigger above comes first: a
    -- v1.0 binary's insert (list_id NULL), or its update of a row not yet backfilled, would
    -- break tasks_list_id_not_null in between (422s in TestRollingDeploy).
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tasks_list_fkey' AND conrelid = 'tasks'::regclass) THEN
        ALTER TABLE tasks
            ADD CONSTRAINT tasks_depth CHECK (depth BETWEEN 0 AND 3) NOT VALID,
            ADD CONSTRAINT tasks_subtasks_counts CHECK (subtasks_completed BETWEEN 0 AND subtasks_total) NOT VALID,
            ADD CONSTRAINT tasks_parent_is_not_self CHECK (parent_id <> id) NOT VALID,
            ADD CONSTRAINT tasks_top_level_depth CHECK ((parent_id IS NULL) = (depth = 0)) NOT VALID,
            ADD CONSTRAINT tasks_list_id_not_null CHECK (list_id IS NOT NULL) NOT VALID,
            ADD CONSTRAINT tasks_list_fkey FOREIGN KEY (user_id, list_id) REFERENCES lists (owner_id, id) NOT VALID,
            -- The tombstone purge removes a subtree together.
            ADD CONSTRAINT tasks_parent_fkey FOREIGN KEY (user_id, parent_id) REFERENCES tasks (user_id, id) ON DELETE CASCADE NOT VALID;
    END IF;
END
$$;
-- +goose StatementEnd

-- lists_backfill_inboxes moves every existing task into its owner's inbox, in transactions of
-- about batch_rows rows (see the header). The owners are the users with a clock: every user
-- with tasks has one (0003 created them, every write and the usage trigger of 0009 take
-- it). It touches list_id only: no task's updated_at or version moves (the change is not a
-- change of the task a v1.0 client knows).
-- +goose StatementBegin
CREATE OR REPLACE PROCEDURE lists_backfill_inboxes(batch_rows integer)
    LANGUAGE plpgsql AS $$
DECLARE
    owners  text[];
    owner   text;
    last_id uuid;
    scanned integer;
    n_moved integer;
    pending integer := 0;
BEGIN
    -- The one unforced read: the owners' ids, in a transaction of its own.
    ALTER TABLE user_clocks NO FORCE ROW LEVEL SECURITY;
    SELECT coalesce(array_agg(user_id ORDER BY user_id), '{}') INTO owners FROM user_clocks;
    ALTER TABLE user_clocks FORCE ROW LEVEL SECURITY;
    COMMIT;
    FOREACH owner IN ARRAY owners LOOP
        last_id := NULL;
        LOOP
            -- Local to the transaction: set again after every COMMIT.
            PERFORM set_config('app.user_id', owner, true);
            -- The owner's clock row first, as every write of the service takes it first: a
            -- request that holds the owner's task rows (or is about to create the owner's
            -- inbox) finishes before the batch locks them. Without it, the batch (the inbox,
            -- then rows) and a previous release's request (rows, then the inbox through the
            -- trigger) deadlocked (TestRollingDeploy).
            PERFORM 1 FROM user_clocks WHERE user_id = owner FOR UPDATE;
            -- The owner's next batch_rows tasks in primary key order (an index range, however
            -- many the owner has), and of those the ones still without a list.
            WITH batch AS (
                SELECT t.id FROM tasks t
                WHERE t.user_id = owner AND (last_id IS NULL OR t.id > last_id)
                ORDER BY t.id LIMIT batch_rows
            ), moved AS (
                UPDATE tasks SET list_id = (SELECT user_inbox(owner))
                FROM batch
                WHERE tasks.user_id = owner AND tasks.id = batch.id AND tasks.list_id IS NULL
                RETURNING 1
            )
            SELECT (SELECT b.id FROM batch b ORDER BY b.id DESC LIMIT 1), (SELECT count(*) FROM batch), (SELECT count(*) FROM moved)
            INTO last_id, scanned, n_moved;
            pending := pending + scanned;
            IF pending >= batch_rows THEN
                COMMIT;
                pending := 0;
            END IF;
            EXIT WHEN scanned < batch_rows;
        END LOOP;
    END LOOP;
    COMMIT;
END
$$;
-- +goose StatementEnd
CALL lists_backfill_inboxes(500);
DROP PROCEDURE IF EXISTS lists_backfill_inboxes(integer);

-- Step 4: the scans run under SHARE UPDATE EXCLUSIVE; SET NOT NULL then uses the validated
-- check and scans nothing. (The check goes once it has served: a run again skips it.)
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tasks_list_id_not_null' AND conrelid = 'tasks'::regclass) THEN
        ALTER TABLE tasks VALIDATE CONSTRAINT tasks_list_id_not_null;
    END IF;
END
$$;
-- +goose StatementEnd
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_list_fkey;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_parent_fkey;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_depth;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_subtasks_counts;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_parent_is_not_self;
ALTER TABLE tasks VALIDATE CONSTRAINT tasks_top_level_depth;
ALTER TABLE tasks ALTER COLUMN list_id SET NOT NULL;
ALTER TABLE tasks DROP CONSTRAINT IF EXISTS tasks_list_id_not_null;

-- Step 5. One list in manual order (and the list's tasks for a delete or restore); a task's
-- direct subtasks (subtree walks, the counts).
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_user_list_position ON tasks (user_id, list_id, position, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_user_parent ON tasks (user_id, parent_id) WHERE parent_id IS NOT NULL;
RESET lock_timeout;

-- +goose Down
-- Lists and subtasks go: every task stays, as the flat list of v1.0 (tombstones stay
-- tombstones; a subtask becomes a task of its own).
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_parent;
DROP INDEX CONCURRENTLY IF EXISTS tasks_user_list_position;
DROP TRIGGER IF EXISTS tasks_default_list ON tasks;
DROP FUNCTION IF EXISTS tasks_default_list();
DROP FUNCTION IF EXISTS user_inbox(text);
ALTER TABLE tasks
    DROP CONSTRAINT IF EXISTS tasks_parent_fkey,
    DROP CONSTRAINT IF EXISTS tasks_list_fkey,
    DROP CONSTRAINT IF EXISTS tasks_list_id_not_null,
    DROP CONSTRAINT IF EXISTS tasks_top_level_depth,
    DROP CONSTRAINT IF EXISTS tasks_parent_is_not_self,
    DROP CONSTRAINT IF EXISTS tasks_subtasks_counts,
    DROP CONSTRAINT IF EXISTS tasks_depth,
    DROP COLUMN IF EXISTS subtasks_completed,
    DROP COLUMN IF EXISTS subtasks_total,
    DROP COLUMN IF EXISTS depth,
    DROP COLUMN IF EXISTS parent_id,
    DROP COLUMN IF EXISTS list_id;
DROP TABLE IF EXISTS list_members;
DROP TABLE IF EXISTS lists;
RESET lock_timeout;
