-- +goose NO TRANSACTION
-- +goose Up
-- A task moved to a list of another owner (issue 16: PUT/PATCH list_id by the owner, or an
-- editor of both lists) changes owner: one UPDATE rewrites user_id (and list_id, position,
-- depth) of the task and its subtree, under both owners' clocks. The statement-level triggers
-- of 0009 paired old and new rows on (user_id, id), so such a row would have been counted for
-- nobody and its search text left with the old owner. They now pair on id (a task's id is
-- its own: UUIDv7, made by the service) and treat a change of user_id as the task leaving
-- one owner (live tasks, tags: -1) and joining the other (+1, checked against the quotas);
-- its search text follows it. Nothing else changes: same results for every other UPDATE.
SET lock_timeout = '5s';

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tasks_count_usage() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    changes jsonb;  -- [{user_id, delta (+1 a task becomes live, -1 it stops), tags}]
    u       record;
    d_tags  integer;
    gone    text[];
    n_tasks integer;
    n_tags  integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('user_id', user_id, 'delta', 1, 'tags', tags))
        INTO changes FROM new_rows WHERE deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_object('user_id', user_id, 'delta', -1, 'tags', tags))
        INTO changes FROM old_rows WHERE deleted_at IS NULL;
    ELSE
        SELECT jsonb_agg(c) INTO changes
        FROM old_rows o JOIN new_rows n USING (id),
             LATERAL (SELECT jsonb_build_object('user_id', o.user_id, 'delta', -1, 'tags', o.tags) WHERE o.deleted_at IS NULL
                      UNION ALL
                      SELECT jsonb_build_object('user_id', n.user_id, 'delta', 1, 'tags', n.tags) WHERE n.deleted_at IS NULL) x(c)
        WHERE (o.deleted_at IS NULL) <> (n.deleted_at IS NULL) OR o.tags IS DISTINCT FROM n.tags
           OR o.user_id <> n.user_id;
    END IF;
    IF changes IS NULL THEN
        RETURN NULL;
    END IF;

    FOR u IN
        SELECT c->>'user_id' AS user_id, sum((c->>'delta')::integer)::integer AS d_tasks
        FROM jsonb_array_elements(changes) c GROUP BY 1
    LOOP
        -- The user's tags whose number of live tasks changes, and by how much.
        WITH delta AS (
            SELECT t.tag, sum((c->>'delta')::integer)::integer AS d
            FROM jsonb_array_elements(changes) c,
                 LATERAL (SELECT DISTINCT x.tag FROM jsonb_array_elements_text(c->'tags') AS x(tag)) t
            WHERE c->>'user_id' = u.user_id
            GROUP BY t.tag HAVING sum((c->>'delta')::integer) <> 0
        ), counted AS (
            UPDATE user_tags ut SET tasks = ut.tasks + delta.d
            FROM delta WHERE ut.user_id = u.user_id AND ut.tag = delta.tag
            RETURNING ut.tag, ut.tasks
        ), added AS (
            INSERT INTO user_tags (user_id, tag, tasks)
            SELECT u.user_id, delta.tag, delta.d FROM delta
            WHERE delta.d > 0 AND NOT EXISTS (SELECT 1 FROM counted WHERE counted.tag = delta.tag)
            RETURNING tag
        )
        SELECT (SELECT count(*) FROM added)::integer - (SELECT count(*) FROM counted WHERE tasks = 0)::integer,
               (SELECT array_agg(tag) FROM counted WHERE tasks = 0)
        INTO d_tags, gone;
        IF gone IS NOT NULL THEN
            DELETE FROM user_tags WHERE user_id = u.user_id AND tag = ANY (gone);
        END IF;
        IF u.d_tasks = 0 AND d_tags = 0 THEN
            CONTINUE;
        END IF;

        -- The service has taken the clock row already; SQL run by hand may not have.
        UPDATE user_clocks SET live_tasks = live_tasks + u.d_tasks, live_tags = live_tags + d_tags
        WHERE user_id = u.user_id
        RETURNING live_tasks, live_tags INTO n_tasks, n_tags;
        IF NOT FOUND THEN
            INSERT INTO user_clocks (user_id, last, live_tasks, live_tags)
            VALUES (u.user_id, clock_timestamp(), u.d_tasks, d_tags)
            RETURNING live_tasks, live_tags INTO n_tasks, n_tags;
        END IF;
        IF u.d_tasks > 0 AND n_tasks > user_quota('tasks') THEN
            RAISE EXCEPTION 'live task quota exceeded: % live tasks, at most %', n_tasks, user_quota('tasks')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'user_quota_tasks';
        END IF;
        IF d_tags > 0 AND n_tags > user_quota('tags') THEN
            RAISE EXCEPTION 'tag quota exceeded: % distinct tags, at most %', n_tags, user_quota('tags')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'user_quota_tags';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tasks_copy_search() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.task_search (user_id, id, title, description)
        SELECT user_id, id, lower(title), lower(description) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM public.task_search s USING old_rows o WHERE s.user_id = o.user_id AND s.id = o.id;
    ELSE
        UPDATE public.task_search s SET user_id = n.user_id, title = lower(n.title), description = lower(n.description)
        FROM old_rows o JOIN new_rows n USING (id)
        WHERE s.user_id = o.user_id AND s.id = o.id
          AND (o.user_id <> n.user_id OR o.title IS DISTINCT FROM n.title OR o.description IS DISTINCT FROM n.description);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
RESET lock_timeout;

-- +goose Down
-- The functions of 0009 (a task never changed owner before).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tasks_copy_search() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.task_search (user_id, id, title, description)
        SELECT user_id, id, lower(title), lower(description) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM public.task_search s USING old_rows o WHERE s.user_id = o.user_id AND s.id = o.id;
    ELSE
        UPDATE public.task_search s SET title = lower(n.title), description = lower(n.description)
        FROM old_rows o JOIN new_rows n USING (user_id, id)
        WHERE s.user_id = n.user_id AND s.id = n.id
          AND (o.title IS DISTINCT FROM n.title OR o.description IS DISTINCT FROM n.description);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION tasks_count_usage() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    changes jsonb;  -- [{user_id, delta (+1 a task becomes live, -1 it stops), tags}]
    u       record;
    d_tags  integer;
    gone    text[];
    n_tasks integer;
    n_tags  integer;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('user_id', user_id, 'delta', 1, 'tags', tags))
        INTO changes FROM new_rows WHERE deleted_at IS NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(jsonb_build_object('user_id', user_id, 'delta', -1, 'tags', tags))
        INTO changes FROM old_rows WHERE deleted_at IS NULL;
    ELSE
        SELECT jsonb_agg(c) INTO changes
        FROM old_rows o JOIN new_rows n USING (user_id, id),
             LATERAL (SELECT jsonb_build_object('user_id', o.user_id, 'delta', -1, 'tags', o.tags) WHERE o.deleted_at IS NULL
                      UNION ALL
                      SELECT jsonb_build_object('user_id', n.user_id, 'delta', 1, 'tags', n.tags) WHERE n.deleted_at IS NULL) x(c)
        WHERE (o.deleted_at IS NULL) <> (n.deleted_at IS NULL) OR o.tags IS DISTINCT FROM n.tags;
    END IF;
    IF changes IS NULL THEN
        RETURN NULL;
    END IF;

    FOR u IN
        SELECT c->>'user_id' AS user_id, sum((c->>'delta')::integer)::integer AS d_tasks
        FROM jsonb_array_elements(changes) c GROUP BY 1
    LOOP
        -- The user's tags whose number of live tasks changes, and by how much.
        WITH delta AS (
            SELECT t.tag, sum((c->>'delta')::integer)::integer AS d
            FROM jsonb_array_elements(changes) c,
                 LATERAL (SELECT DISTINCT x.tag FROM jsonb_array_elements_text(c->'tags') AS x(tag)) t
            WHERE c->>'user_id' = u.user_id
            GROUP BY t.tag HAVING sum((c->>'delta')::integer) <> 0
        ), counted AS (
            UPDATE user_tags ut SET tasks = ut.tasks + delta.d
            FROM delta WHERE ut.user_id = u.user_id AND ut.tag = delta.tag
            RETURNING ut.tag, ut.tasks
        ), added AS (
            INSERT INTO user_tags (user_id, tag, tasks)
            SELECT u.user_id, delta.tag, delta.d FROM delta
            WHERE delta.d > 0 AND NOT EXISTS (SELECT 1 FROM counted WHERE counted.tag = delta.tag)
            RETURNING tag
        )
        SELECT (SELECT count(*) FROM added)::integer - (SELECT count(*) FROM counted WHERE tasks = 0)::integer,
               (SELECT array_agg(tag) FROM counted WHERE tasks = 0)
        INTO d_tags, gone;
        IF gone IS NOT NULL THEN
            DELETE FROM user_tags WHERE user_id = u.user_id AND tag = ANY (gone);
        END IF;
        IF u.d_tasks = 0 AND d_tags = 0 THEN
            CONTINUE;
        END IF;

        -- The service has taken the clock row already; SQL run by hand may not have.
        UPDATE user_clocks SET live_tasks = live_tasks + u.d_tasks, live_tags = live_tags + d_tags
        WHERE user_id = u.user_id
        RETURNING live_tasks, live_tags INTO n_tasks, n_tags;
        IF NOT FOUND THEN
            INSERT INTO user_clocks (user_id, last, live_tasks, live_tags)
            VALUES (u.user_id, clock_timestamp(), u.d_tasks, d_tags)
            RETURNING live_tasks, live_tags INTO n_tasks, n_tags;
        END IF;
        IF u.d_tasks > 0 AND n_tasks > user_quota('tasks') THEN
            RAISE EXCEPTION 'live task quota exceeded: % live tasks, at most %', n_tasks, user_quota('tasks')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'user_quota_tasks';
        END IF;
        IF d_tags > 0 AND n_tags > user_quota('tags') THEN
            RAISE EXCEPTION 'tag quota exceeded: % distinct tags, at most %', n_tags, user_quota('tags')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'user_quota_tags';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

