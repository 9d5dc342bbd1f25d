-- +goose Up
-- What keeps one user from starving everyone: per-user quotas, counted where every write
-- already serialises, and a substring search served by a trigram index that row-level
-- security does not switch off.
--
-- pg_trgm (trigram indexes for LIKE '%…%') and btree_gin (user_id in the same GIN index) are
-- contrib extensions that Debian's postgresql-15 package ships; both are trusted, so the
-- database's owner creates them (this migration runs as that role in `todo-api serve`, in the
-- tests and on Neon). Elsewhere an administrator runs the two CREATE EXTENSION statements
-- first.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Quotas. user_quota is the one place their numbers live in SQL (internal/store's
-- MaxLiveTasks and MaxTags say the same; TestQuotaLimitsAgree holds them together).
--   tasks  live (not deleted) tasks per user
--   tags   distinct tags on a user's live tasks
CREATE FUNCTION user_quota(resource text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE resource WHEN 'tasks' THEN 20000 WHEN 'tags' THEN 500 END;

-- A user's usage sits in the user's clock row, which every write of the user's tasks takes
-- first and holds until commit (0003_sync_order.sql): the counters change under that lock,
-- so concurrent writes of one user cannot both pass a check, and no write reads more than
-- this one row to know where the user stands.
ALTER TABLE user_clocks
    ADD COLUMN live_tasks integer NOT NULL DEFAULT 0 CHECK (live_tasks >= 0),
    ADD COLUMN live_tags  integer NOT NULL DEFAULT 0 CHECK (live_tags >= 0);

-- user_tags: the distinct tags on a user's live tasks, each with the number of live tasks
-- that carry it — what GET /api/tags answers, read in name order from the primary key
-- instead of unnesting every task, and what the tag quota counts. A tag leaves when its
-- last task drops it.
CREATE TABLE user_tags (
    user_id text             NOT NULL,
    tag     text COLLATE "C" NOT NULL,
    tasks   integer          NOT NULL CHECK (tasks >= 0), -- 0 only inside the statement that drops it
    PRIMARY KEY (user_id, tag)
);
ALTER TABLE user_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY user_tags_owner ON user_tags
    USING (user_id = current_setting('app.user_id', true))
    WITH CHECK (user_id = current_setting('app.user_id', true));

-- tasks_count_usage keeps user_clocks' counters and user_tags in step with tasks, for every
-- statement that changes which tasks are live or what tags they carry: create, the next
-- occurrence of a repeating task, delete, restore, the bulk actions, the tombstone purge
-- (tombstones count for nothing, so purging them changes nothing) and any SQL run by hand.
-- It runs once per statement over the statement's changed rows (transition tables), with
-- the caller's rights, so row-level security applies to what it writes as to the statement.
--
-- A statement that raises a count above its quota fails with check_violation naming the
-- constraint user_quota_tasks or user_quota_tags (internal/store's Translate makes that a
-- quota error, the API a 409): nothing of it is written. A count that goes down, or stays
-- above a quota it was over before this migration, is never refused, so a user over a quota
-- can always delete.
-- +goose StatementBegin
CREATE FUNCTION tasks_count_usage() RETURNS trigger
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

-- Search. Under row-level security PostgreSQL turns a statement's own condition into an
-- index condition only when its operator is LEAKPROOF, and LIKE, ILIKE and pg_trgm's
-- operators are not (only a superuser could mark them): a trigram index on tasks would be
-- ignored, the search a filter over every one of the user's rows (measured on 30,000 tasks
-- with 2000-character descriptions: seq scan, 1.5 s, with the index in place).
--
-- So the searchable text lives in task_search, lower-cased, with a trigram index that starts
-- with user_id (btree_gin), and is read only by task_search_ids, which runs as the owner of
-- both (SECURITY DEFINER). task_search has row-level security enabled but NOT forced: it
-- binds every role but the owner, so the function's own conditions stay index conditions.
-- The function applies the user itself — the caller's app.user_id, the very setting the
-- policies trust (see its body) — and returns ids only: the listing then reads those tasks
-- from tasks, under the caller's own predicates and policies. The service's role needs no
-- privilege on task_search (the triggers below write it, also as its owner); TestTaskSearch…
-- in internal/store checks that nobody else reads it.
CREATE TABLE task_search (
    user_id     text NOT NULL,
    id          uuid NOT NULL,
    title       text NOT NULL,  -- lower(tasks.title)
    description text,           -- lower(tasks.description)
    PRIMARY KEY (user_id, id)
);
ALTER TABLE task_search ENABLE ROW LEVEL SECURITY;
CREATE POLICY task_search_owner ON task_search
    USING (user_id = current_setting('app.user_id', true))
    WITH CHECK (user_id = current_setting('app.user_id', true));

-- tasks_copy_search mirrors the searchable text of every task, tombstones included (the
-- listing skips those itself), into task_search.
-- +goose StatementBegin
CREATE FUNCTION tasks_copy_search() RETURNS trigger
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

-- task_search_ids returns the ids of up to max_ids of the user's tasks whose title or
-- description contains q (case-insensitive; %, _ and \ in q are literal), tombstones
-- included, in no particular order. It answers only for the user in app.user_id — or, with
-- no app.user_id, for a session whose role row-level security does not bind at all (a
-- superuser or BYPASSRLS role, which reads every task anyway, and to which the service then
-- sends no app.user_id): it tells nobody anything the policies would hide.
--
-- Its query is planned for each call's user and pattern (PL/pgSQL plans go through the plan
-- cache, which plan_cache_mode governs; a SQL function's body would get one generic plan,
-- which took the primary key for user_id and filtered every one of the user's rows). With
-- LIMIT, a pattern the planner expects to match often makes a sequential scan of
-- task_search — every user's rows — look cheapest: it may only use bitmap scans, which read
-- this user's entries of the trigram index, or at worst this user's rows.
-- +goose StatementBegin
CREATE FUNCTION task_search_ids(user_id text, q text, max_ids integer) RETURNS uuid[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public, pg_temp
    SET plan_cache_mode = force_custom_plan
    SET enable_seqscan = off
    SET enable_indexscan = off
    AS $$
BEGIN
    RETURN (
        SELECT coalesce(array_agg(m.id), '{}')
        FROM (
            SELECT s.id
            FROM public.task_search s,
                 (SELECT '%' || replace(replace(replace(lower($2), '\', '\\'), '%', '\%'), '_', '\_') || '%' AS pattern) p
            WHERE s.user_id = $1
              AND (s.title LIKE p.pattern OR s.description LIKE p.pattern)
              AND (current_setting('app.user_id', true) = $1
                   OR coalesce(current_setting('app.user_id', true), '') = ''
                      AND (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = session_user))
            LIMIT $3
        ) m
    );
END
$$;
-- +goose StatementEnd

-- Triggers: statement-level, over the changed rows. They take SHARE ROW EXCLUSIVE on tasks,
-- held to the end of this migration, so no write slips between them and the backfill.
CREATE TRIGGER tasks_count_usage_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_usage();
CREATE TRIGGER tasks_count_usage_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_usage();
CREATE TRIGGER tasks_count_usage_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_count_usage();
CREATE TRIGGER tasks_copy_search_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_copy_search();
CREATE TRIGGER tasks_copy_search_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_copy_search();
CREATE TRIGGER tasks_copy_search_delete AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tasks_copy_search();

-- Backfill: a backfill reads existing rows, so row-level security is lifted around it (see
-- 0005_row_level_security.sql). Users already over a quota keep what they have (see
-- tasks_count_usage).
ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_clocks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_tags NO FORCE ROW LEVEL SECURITY;
INSERT INTO task_search (user_id, id, title, description)
SELECT user_id, id, lower(title), lower(description) FROM tasks;
INSERT INTO user_tags (user_id, tag, tasks)
SELECT user_id, tag, count(DISTINCT id) FROM tasks, unnest(tags) tag WHERE deleted_at IS NULL GROUP BY 1, 2;
INSERT INTO user_clocks AS uc (user_id, last, live_tasks, live_tags)
SELECT u.user_id, now(),
       (SELECT count(*) FROM tasks t WHERE t.user_id = u.user_id AND t.deleted_at IS NULL),
       (SELECT count(*) FROM user_tags g WHERE g.user_id = u.user_id)
FROM (SELECT DISTINCT user_id FROM tasks) u
ON CONFLICT (user_id) DO UPDATE SET live_tasks = EXCLUDED.live_tasks, live_tags = EXCLUDED.live_tags;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
ALTER TABLE user_clocks FORCE ROW LEVEL SECURITY;
ALTER TABLE user_tags FORCE ROW LEVEL SECURITY;

-- Built after the backfill: one pass instead of one insertion per row. New rows go to the
-- index's pending list, which every search reads whole until it is merged (by the insert that
-- fills it, or vacuum): 1 MB (128 pages) instead of the default 4 MB bounds that read; smaller
-- lists made inserts of long descriptions markedly slower (fastupdate off: 3.5 times).
CREATE INDEX task_search_trgm ON task_search USING gin (user_id, title gin_trgm_ops, description gin_trgm_ops)
    WITH (gin_pending_list_limit = 1024);

-- +goose Down
DROP TRIGGER tasks_copy_search_delete ON tasks;
DROP TRIGGER tasks_copy_search_update ON tasks;
DROP TRIGGER tasks_copy_search_insert ON tasks;
DROP TRIGGER tasks_count_usage_delete ON tasks;
DROP TRIGGER tasks_count_usage_update ON tasks;
DROP TRIGGER tasks_count_usage_insert ON tasks;
DROP FUNCTION task_search_ids(text, text, integer);
DROP FUNCTION tasks_copy_search();
DROP FUNCTION tasks_count_usage();
DROP TABLE task_search;
DROP TABLE user_tags;
ALTER TABLE user_clocks DROP COLUMN live_tasks, DROP COLUMN live_tags;
DROP FUNCTION user_quota(text);
-- The extensions stay: an administrator may have created them, and other objects may use them.
