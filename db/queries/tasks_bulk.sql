-- name: TaskBulkSetCompleted :many
-- Bulk complete / uncomplete: sets completed on the user's live tasks among ids — a task that
-- already has the value keeps its timestamps and version. Returns every task found.
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
UPDATE tasks SET
    completed    = @completed::bool,
    completed_at = CASE WHEN completed = @completed::bool THEN completed_at
                        WHEN @completed::bool THEN (SELECT last FROM clock) END,
    updated_at   = CASE WHEN completed = @completed::bool THEN updated_at ELSE (SELECT last FROM clock) END,
    version      = version + (completed <> @completed::bool)::int
WHERE (SELECT last FROM clock) IS NOT NULL -- the clock first (see the end of tasks.sql)
  AND tasks.user_id = @user_id AND tasks.id = ANY (@ids::uuid[]) AND tasks.deleted_at IS NULL
RETURNING tasks.id;

-- name: TaskBulkAddTags :many
-- Bulk add_tags: appends the tags a task lacks (in the order given). A task that would then
-- have more than 10 keeps its tags and comes back with fits = false — a task that has them
-- all keeps its timestamps and version. Returns every live task found.
-- (The merged list is written out in full each time rather than computed once in a CTE:
-- a CTE would read the tags as of the statement's start, before the clock's lock was
-- granted, and overwrite a concurrent change. Expressions on the row are re-evaluated on
-- the row's latest version.)
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
UPDATE tasks SET
    tags       = CASE WHEN cardinality(tags) + (SELECT count(*) FROM unnest(@tags::text[]) AS n(x) WHERE x <> ALL (tags)) <= 10
                      THEN tags || ARRAY(SELECT x FROM unnest(@tags::text[]) WITH ORDINALITY AS n(x, i) WHERE x <> ALL (tags) ORDER BY i)
                      ELSE tags END,
    updated_at = CASE WHEN NOT tags @> @tags::text[]
                       AND cardinality(tags) + (SELECT count(*) FROM unnest(@tags::text[]) AS n(x) WHERE x <> ALL (tags)) <= 10
                      THEN (SELECT last FROM clock) ELSE updated_at END,
    version    = version + (NOT tags @> @tags::text[]
                            AND cardinality(tags) + (SELECT count(*) FROM unnest(@tags::text[]) AS n(x) WHERE x <> ALL (tags)) <= 10)::int
WHERE (SELECT last FROM clock) IS NOT NULL -- the clock first (see the end of tasks.sql)
  AND tasks.user_id = @user_id AND tasks.id = ANY (@ids::uuid[]) AND tasks.deleted_at IS NULL
RETURNING tasks.id, (tags @> @tags::text[])::bool AS fits;

-- name: TaskBulkRemoveTags :many
-- Bulk remove_tags: drops the given tags from the user's live tasks among ids — a task that
-- has none of them keeps its timestamps and version. Returns every task found.
WITH clock AS (SELECT user_clock_tick(@user_id) AS last)
UPDATE tasks SET
    tags       = ARRAY(SELECT x FROM unnest(tags) WITH ORDINALITY AS n(x, i) WHERE x <> ALL (@tags::text[]) ORDER BY i),
    updated_at = CASE WHEN tags && @tags::text[] THEN (SELECT last FROM clock) ELSE updated_at END,
    version    = version + (tags && @tags::text[])::int
WHERE (SELECT last FROM clock) IS NOT NULL -- the clock first (see the end of tasks.sql)
  AND tasks.user_id = @user_id AND tasks.id = ANY (@ids::uuid[]) AND tasks.deleted_at IS NULL
RETURNING tasks.id;
