-- +goose Up
-- Subtasks (issue 14): a task's counts of its direct subtasks, kept in SQL.
--
-- tasks.subtasks_total and tasks.subtasks_completed (0011_lists.sql) count a task's direct
-- subtasks that are not deleted, and of those the completed ones. tasks_count_subtasks keeps
-- them in step for every statement that changes which rows are live children of which task,
-- or whether they are completed: create, complete and its cascade, delete and restore of a
-- subtree, a move under another parent, the bulk actions, the tombstone purge (tombstones
-- count for nothing) and any SQL run by hand. It runs once per statement over the
-- statement's changed rows (transition tables), with the caller's rights, so row-level
-- security applies to what it writes as to the statement.
--
-- A change of counts is a change of the parent (the contract's SubtaskCounts): a live
-- parent gets a new version and the changed child's updated_at — the value of the owner's
-- clock that the statement took — so its ETag moves and the change feed reports it. A
-- tombstone keeps its updated_at (which is its deleted_at) and version, only its counts
-- follow (so a restore of the subtree together finds them right).
--
-- The trigger's own UPDATE of the parents changes none of the columns it counts, so the
-- trigger it fires in turn finds nothing to do and stops.
--
-- Transition tables need one trigger per event; the three share this function.
-- +goose StatementBegin
CREATE FUNCTION tasks_count_subtasks() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    changes jsonb;       -- [{user_id, parent_id, total (+1/-1), completed (+1/-1/0)}]
    stamp   timestamptz; -- the statement's clock value; null for a DELETE
BEGIN
    -- Each side on its own, no join of old and new rows (a join of transition tables is a
    -- nested loop, quadratic in the statement's rows: a list's delete of 20 000 tasks): a row
    -- that stays a live child of the same parent, as completed as before, adds -1 and +1.
    -- The stamp is the statement's: the latest updated_at it wrote (the clock's value).
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('user_id', user_id, 'parent_id', parent_id, 'total', 1,
                                            'completed', completed::int)), max(updated_at)
        INTO changes, stamp FROM new_rows WHERE parent_id IS NOT NULL AND deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_object('user_id', user_id, 'parent_id', parent_id, 'total', -1,
                                            'completed', -completed::int))
        INTO changes FROM old_rows WHERE parent_id IS NOT NULL AND deleted_at IS NULL;
    ELSE
        SELECT jsonb_agg(c) INTO changes FROM (
            SELECT jsonb_build_object('user_id', user_id, 'parent_id', parent_id, 'total', -1,
                                      'completed', -completed::int) AS c
            FROM old_rows WHERE parent_id IS NOT NULL AND deleted_at IS NULL
            UNION ALL
            SELECT jsonb_build_object('user_id', user_id, 'parent_id', parent_id, 'total', 1,
                                      'completed', completed::int)
            FROM new_rows WHERE parent_id IS NOT NULL AND deleted_at IS NULL) x;
        IF changes IS NOT NULL THEN
            SELECT max(updated_at) INTO stamp FROM new_rows;
        END IF;
    END IF;
    IF changes IS NULL THEN
        RETURN NULL;
    END IF;

    WITH delta AS (
        SELECT c->>'user_id' AS user_id, (c->>'parent_id')::uuid AS parent_id,
               sum((c->>'total')::integer)::integer AS total,
               sum((c->>'completed')::integer)::integer AS completed
        FROM jsonb_array_elements(changes) c
        GROUP BY 1, 2
        HAVING sum((c->>'total')::integer) <> 0 OR sum((c->>'completed')::integer) <> 0
    )
    UPDATE tasks p SET
        subtasks_total     = p.subtasks_total + d.total,
        subtasks_completed = p.subtasks_completed + d.completed,
        -- A hard DELETE of a live subtask (only SQL run by hand does that) has no stamp.
        updated_at = CASE WHEN p.deleted_at IS NULL THEN greatest(p.updated_at, coalesce(stamp, p.updated_at))
                          ELSE p.updated_at END,
        version    = p.version + (p.deleted_at IS NULL)::int
    FROM delta d
    WHERE p.user_id = d.user_id AND p.id = d.parent_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tasks_count_subtasks_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_subtasks();
CREATE TRIGGER tasks_count_subtasks_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_subtasks();
CREATE TRIGGER tasks_count_subtasks_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_subtasks();

-- +goose Down
DROP TRIGGER tasks_count_subtasks_delete ON tasks;
DROP TRIGGER tasks_count_subtasks_update ON tasks;
DROP TRIGGER tasks_count_subtasks_insert ON tasks;
DROP FUNCTION tasks_count_subtasks();
