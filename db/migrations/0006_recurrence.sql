-- +goose Up
-- Repeating tasks. repeat says how a task comes back: setting a repeating task completed
-- creates its next occurrence (a copy due one period later, internal/recurrence) in the same
-- transaction. A schedule runs from the due date, so repeat needs one, as due_time does.
--
-- next_id is the task's next occurrence, set once, in the transaction that creates it, by an
-- UPDATE … WHERE next_id IS NULL: a task gets at most one, so a retried, concurrent or
-- repeated completion (complete, uncomplete, complete) creates no second. It stays when the
-- occurrence is deleted or purged — never two — and is internal (not in the API's Task).
--
-- repeat_anchor is the day of the month a monthly or yearly series keeps when a month lacks
-- it: Jan 31 → Feb 28 (anchor 31) → Mar 31. NULL: the due date's own day. Only the
-- occurrences the service creates carry one; a write that moves due_date clears it.
--
-- New columns with constant defaults (or none): existing tasks need no backfill, and the
-- CHECK holds for every existing row (repeat = 'none').
CREATE TYPE task_repeat AS ENUM ('none', 'daily', 'weekdays', 'weekly', 'monthly', 'yearly');

ALTER TABLE tasks
    ADD COLUMN repeat        task_repeat NOT NULL DEFAULT 'none',
    ADD COLUMN repeat_anchor smallint,
    ADD COLUMN next_id       uuid,
    ADD CONSTRAINT tasks_repeat_needs_date CHECK (repeat = 'none' OR due_date IS NOT NULL),
    ADD CONSTRAINT tasks_repeat_anchor_day CHECK (repeat_anchor BETWEEN 29 AND 31);

-- A create replayed from its idempotency key answers with the task as first created: give
-- the saved responses the repeat their task has, none (every Task in the API has one).
-- A backfill, so row-level security is lifted around it (see 0005_row_level_security.sql):
-- as the tables' owner this UPDATE would otherwise see no row.
ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY;
UPDATE idempotency_keys SET response = response || '{"repeat": "none"}'::jsonb
WHERE namespace = 'tasks.create' AND jsonb_typeof(response) = 'object' AND response->'repeat' IS NULL;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;

-- +goose Down
ALTER TABLE idempotency_keys NO FORCE ROW LEVEL SECURITY;
UPDATE idempotency_keys SET response = response - 'repeat'
WHERE namespace = 'tasks.create' AND jsonb_typeof(response) = 'object';
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
ALTER TABLE tasks
    DROP COLUMN next_id,
    DROP COLUMN repeat_anchor,
    DROP COLUMN repeat;
DROP TYPE task_repeat;
