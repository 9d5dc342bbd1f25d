-- +goose Up
-- Sort keys that row-level security lets an index seek on. Under the policies of
-- 0005_row_level_security.sql PostgreSQL makes a statement's own condition an index condition
-- only when every function it applies to a column is LEAKPROOF (otherwise it runs after the
-- policy, as a filter). A keyset seek on lower(title), coalesce(due_date + …) or the enum
-- priority (enum_gt is not leakproof) would therefore be a filter: a page deep in those
-- orders would read and discard every row of the user before its position.
--
-- Each of those sort keys is a STORED generated column of a type whose comparison is
-- leakproof (text_gt, int2gt, timestamp_gt, with uuid_gt for the id), computed on every
-- write from the expression that defines the order; db/listgen sorts, seeks and prints
-- cursor keys from these columns, and the order's index is (user_id, column, id).
--
--   title_key      lower(title), in title's collation (the database default)
--   priority_rank  0 low, 1 medium, 2 high: task_priority's order (0001). NOT NULL, so a value
--                  added to the enum without a rank here fails loudly on write: give it one
--                  (drop and re-add the column) in the migration that adds it.
--   due_key_asc    the due moment: due_date + due_time, a task without a time at the end of
--   due_key_desc   its day (24:00); without a date, last: infinity ascending, -infinity
--                  descending. sqlc maps timestamp to time.Time, which cannot hold infinity,
--                  and every SELECT * / RETURNING * of tasks returns these columns: sqlc.yaml
--                  maps these two to pgtype.Timestamp.
--
-- A priority cursor's key is the rank ('1'), not the name ('medium'): cursors are signed
-- (0007), opaque to clients and checked before use, and nothing outside the store reads
-- their keys.
--
-- ADD COLUMN … STORED rewrites the table (and rebuilds its indexes) under an ACCESS EXCLUSIVE
-- lock: tasks is unavailable for the duration, in proportion to its size. On a large table,
-- add nullable plain columns, backfill them in batches and swap instead. The indexes on the
-- previous sort expressions are dropped first so that the rewrite does not rebuild them.
-- Row-level security does not apply to the rewrite (it computes every row, whatever the
-- policies), and this migration reads or updates no row, so it needs no NO FORCE / FORCE
-- pair (see 0005).
DROP INDEX tasks_user_title;
DROP INDEX tasks_user_priority;
DROP INDEX tasks_user_due_asc;
DROP INDEX tasks_user_due_desc;

ALTER TABLE tasks
    ADD COLUMN title_key     text      NOT NULL GENERATED ALWAYS AS (lower(title)) STORED,
    ADD COLUMN priority_rank smallint  NOT NULL GENERATED ALWAYS AS (
        CASE priority WHEN 'low' THEN 0::smallint WHEN 'medium' THEN 1::smallint WHEN 'high' THEN 2::smallint END) STORED,
    ADD COLUMN due_key_asc   timestamp NOT NULL GENERATED ALWAYS AS (
        coalesce(due_date + coalesce(due_time, time '24:00'), 'infinity'::timestamp)) STORED,
    ADD COLUMN due_key_desc  timestamp NOT NULL GENERATED ALWAYS AS (
        coalesce(due_date + coalesce(due_time, time '24:00'), '-infinity'::timestamp)) STORED;

CREATE INDEX tasks_user_title ON tasks (user_id, title_key, id);
CREATE INDEX tasks_user_priority ON tasks (user_id, priority_rank, id);
CREATE INDEX tasks_user_due_asc ON tasks (user_id, due_key_asc, id);
CREATE INDEX tasks_user_due_desc ON tasks (user_id, due_key_desc, id);

-- +goose Down
DROP INDEX tasks_user_title;
DROP INDEX tasks_user_priority;
DROP INDEX tasks_user_due_asc;
DROP INDEX tasks_user_due_desc;
ALTER TABLE tasks
    DROP COLUMN title_key,
    DROP COLUMN priority_rank,
    DROP COLUMN due_key_asc,
    DROP COLUMN due_key_desc;
CREATE INDEX tasks_user_title ON tasks (user_id, lower(title), id);
CREATE INDEX tasks_user_priority ON tasks (user_id, priority, id);
CREATE INDEX tasks_user_due_asc ON tasks (user_id, coalesce(due_date + coalesce(due_time, time '24:00'), 'infinity'::timestamp), id);
CREATE INDEX tasks_user_due_desc ON tasks (user_id, coalesce(due_date + coalesce(due_time, time '24:00'), '-infinity'::timestamp), id);
