-- +goose Up
-- Shared lists (issue 16): the access model in SQL. docs/sharing.md describes it for people.
--
-- Membership is the one rule. A user reaches a list, its members, its invites and its tasks
-- through a row of list_members (owner_id, list_id, user_id = the user, role): owner (the
-- creator, exactly one), editor (reads and writes the tasks), viewer (reads them). Every
-- row stays keyed by the list's OWNER (tasks.user_id, lists.owner_id, …): the clock, the
-- quotas and the distribution column of a sharded PostgreSQL stay per owner.
--
-- The statements carry the rule themselves (a membership predicate: the caller's id reaches
-- the rows through list_members.user_id = the caller). Row-level security says it again:
-- every policy keeps its owner's branch first (owner_id = app.user_id: an owner's own rows
-- never call a function) and adds a member's branch through the functions below.
--
-- Why a mirror (list_access). A policy on list_members cannot query list_members: the
-- policy would apply to its own subquery (infinite recursion), and a SECURITY DEFINER
-- function does not help, because FORCE ROW LEVEL SECURITY binds the tables' owner — the
-- role such a function runs as — too. So the membership the policies consult lives in
-- list_access, a copy of list_members (plus whether the list is live) kept by triggers,
-- with row-level security enabled but NOT forced, like task_search (0009): its owner, the
-- role the functions run as, reads it; the service's role has no privilege on it at all.
--
-- The functions (all SECURITY DEFINER, search_path pinned, reading the caller from
-- app.user_id as the policies do):
--   app_list_role(owner, list)      the caller's role in a live list, or NULL
--   app_reads_owner(owner)          the caller is owner, or a member of one of owner's live lists
--   app_writes_owner(owner)         the caller is owner, or an owner/editor of one of them
--   app_invite_admits(owner, list, role)  the caller used an unrevoked invite to list with role
-- The per-owner tables a task write touches (user_clocks: the owner's clock and usage
-- counters; user_tags and task_search: the usage and search triggers of 0009; the subtask
-- counts of 0012 update tasks themselves) let an editor of one of the owner's lists write.
--
-- Invites: only a hash of the token is stored (sha256 of ≥ 128 random bits). A token's
-- bearer is not a member yet, so looking an invite up and accepting it go through two
-- SECURITY DEFINER functions, invite_lookup and invite_accept, which answer only for the
-- caller in app.user_id and return only what the contract shows; invites has row-level
-- security enabled but not forced (so that those functions, running as its owner, read
-- it), with the owner's policy for every other statement. Accepting uses the invite up in
-- the statement that checks it (one row lock: of 50 concurrent accepts one wins), and at
-- most max_list_members() people are members of a list.

-- One row per (list, member): a list-scoped statement resolves the list's owner from
-- (list_id, caller) with it.
CREATE UNIQUE INDEX list_members_list_user ON list_members (list_id, user_id);

-- max_list_members is the most members (the owner included) a list may have. The store's
-- MaxListMembers says the same (TestMaxListMembersAgrees).
CREATE FUNCTION max_list_members() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 50;

-- list_access: who may reach which list — list_members' (owner_id, list_id, user_id, role)
-- and whether the list is live (a member of a deleted list reaches nothing; its owner still
-- reaches it through the owner's branch of each policy, to restore it). Written only by the
-- triggers below; read only by the functions below.
CREATE TABLE list_access (
    owner_id text    NOT NULL,
    user_id  text    NOT NULL,
    list_id  uuid    NOT NULL,
    role     text    NOT NULL,
    live     boolean NOT NULL,
    PRIMARY KEY (owner_id, user_id, list_id)
);
ALTER TABLE list_access ENABLE ROW LEVEL SECURITY;
CREATE POLICY list_access_owner ON list_access
    USING (owner_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true));

-- +goose StatementBegin
CREATE FUNCTION app_list_role(owner text, list uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN (SELECT a.role FROM list_access a
            WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true)
              AND a.list_id = list AND a.live);
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION app_reads_owner(owner text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN owner = current_setting('app.user_id', true)
        OR EXISTS (SELECT 1 FROM list_access a
                   WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true) AND a.live);
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION app_writes_owner(owner text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN owner = current_setting('app.user_id', true)
        OR EXISTS (SELECT 1 FROM list_access a
                   WHERE a.owner_id = owner AND a.user_id = current_setting('app.user_id', true) AND a.live
                     AND a.role IN ('owner', 'editor'));
-- +goose StatementEnd

-- list_access_sync keeps list_access in step with list_members (a row's keys never change;
-- its role may). A new member takes the list's liveness from the owner's row (the member
-- cannot read lists yet). A member who leaves or is removed loses the invite they joined
-- with too (revoked), so that not even a statement without its predicates could put them
-- back with it.
--
-- Every change of the list's members — a member joins, leaves, is removed, gets another
-- role, or moves the list in their own order — changes the list as some member sees it
-- (member_count, role, position), so it moves the list's version, its ETag: a client never
-- keeps a stale copy under an old ETag. The list is the owner's, whom the row-level
-- security of lists lets alone write it; the trigger acts as the owner for that one UPDATE
-- — except for the owner's own row when the list is created.
-- +goose StatementBegin
CREATE FUNCTION list_access_sync() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    r      list_members := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    caller text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM list_access a
        WHERE a.owner_id = OLD.owner_id AND a.user_id = OLD.user_id AND a.list_id = OLD.list_id;
        UPDATE invites i SET revoked_at = now()
        WHERE i.owner_id = OLD.owner_id AND i.list_id = OLD.list_id AND i.used_by = OLD.user_id AND i.revoked_at IS NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE list_access a SET role = NEW.role
        WHERE a.owner_id = NEW.owner_id AND a.user_id = NEW.user_id AND a.list_id = NEW.list_id;
    ELSE
        INSERT INTO list_access (owner_id, user_id, list_id, role, live)
        VALUES (NEW.owner_id, NEW.user_id, NEW.list_id, NEW.role,
                coalesce((SELECT a.live FROM list_access a
                          WHERE a.owner_id = NEW.owner_id AND a.user_id = NEW.owner_id AND a.list_id = NEW.list_id), true));
        IF NEW.role = 'owner' THEN
            RETURN NULL;
        END IF;
    END IF;
    -- As the owner, for this statement only (an error in between aborts the transaction).
    caller := coalesce(current_setting('app.user_id', true), '');
    PERFORM set_config('app.user_id', r.owner_id, true);
    UPDATE lists l SET version = l.version + 1 WHERE l.owner_id = r.owner_id AND l.id = r.list_id;
    PERFORM set_config('app.user_id', caller, true);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER list_members_access AFTER INSERT OR DELETE OR UPDATE OF role, position ON list_members
    FOR EACH ROW EXECUTE FUNCTION list_access_sync();

-- list_access_live follows a list's delete and restore.
-- +goose StatementBegin
CREATE FUNCTION list_access_live() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE list_access a SET live = NEW.deleted_at IS NULL
    WHERE a.owner_id = NEW.owner_id AND a.list_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER lists_access_live AFTER UPDATE OF deleted_at ON lists
    FOR EACH ROW WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at) EXECUTE FUNCTION list_access_live();

-- invites: a list's pending and used invitations. token_hash is sha256 of the token, which
-- is shown once, to the owner who creates it. An invite is pending while used_by,
-- revoked_at are null and expires_at is ahead.
CREATE TABLE invites (
    owner_id        text        NOT NULL,
    list_id         uuid        NOT NULL,
    id              uuid        NOT NULL,
    token_hash      bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    role            text        NOT NULL CHECK (role IN ('editor', 'viewer')),
    created_by      text        NOT NULL,
    created_by_name text        CHECK (char_length(created_by_name) <= 255),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_by         text,
    used_at         timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (owner_id, list_id, id),
    FOREIGN KEY (owner_id, list_id) REFERENCES lists (owner_id, id) ON DELETE CASCADE,
    CONSTRAINT invites_used CHECK ((used_by IS NULL) = (used_at IS NULL))
);
ALTER TABLE invites ENABLE ROW LEVEL SECURITY;
CREATE POLICY invites_owner ON invites
    USING (owner_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true));

-- +goose StatementBegin
CREATE FUNCTION app_invite_admits(owner text, list uuid, member_role text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    RETURN EXISTS (SELECT 1 FROM invites i
                   WHERE i.owner_id = owner AND i.list_id = list AND i.role = member_role
                     AND i.used_by = current_setting('app.user_id', true) AND i.revoked_at IS NULL);
-- +goose StatementEnd

-- app_caller_is reports whether caller is the user app.user_id names — or, with no
-- app.user_id, whether the session's role is one row-level security does not bind anyway (a
-- superuser or BYPASSRLS role, to which the service sends no app.user_id): the rule of
-- task_search_ids (0009), for the functions that act for a caller.
-- +goose StatementBegin
CREATE FUNCTION app_caller_is(caller text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, public
    RETURN current_setting('app.user_id', true) = caller
        OR coalesce(current_setting('app.user_id', true), '') = ''
           AND (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = session_user);
-- +goose StatementEnd

-- app_list_name is a live list's name, read as its owner: the one place a non-member reads
-- a list (invite_lookup, for the invite's bearer). It puts the caller's app.user_id back
-- before it returns (a function's SET clause would, but a placeholder setting there needs a
-- superuser; an error in between aborts the transaction, and the setting with it). Only its
-- owner may call it.
-- +goose StatementBegin
CREATE FUNCTION app_list_name(owner text, list uuid) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    caller text := coalesce(current_setting('app.user_id', true), '');
    name   text;
BEGIN
    PERFORM set_config('app.user_id', owner, true);
    SELECT l.name INTO name FROM lists l WHERE l.owner_id = owner AND l.id = list AND l.deleted_at IS NULL;
    PERFORM set_config('app.user_id', caller, true);
    RETURN name;
END
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION app_list_name(text, uuid) FROM PUBLIC;

-- invite_lookup is what a pending invite offers, for caller (the user in app.user_id):
-- no row for a token that is unknown, used, revoked or expired, or whose list is gone.
-- +goose StatementBegin
CREATE FUNCTION invite_lookup(caller text, hash bytea)
    RETURNS TABLE (list_name text, role text, invited_by text, invited_by_name text, expires_at timestamptz)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    i invites;
    name text;
BEGIN
    IF NOT app_caller_is(caller) THEN
        RETURN;
    END IF;
    SELECT * INTO i FROM invites WHERE token_hash = hash
        AND used_by IS NULL AND revoked_at IS NULL AND invites.expires_at > now();
    IF NOT FOUND THEN
        RETURN;
    END IF;
    name := app_list_name(i.owner_id, i.list_id);
    IF name IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT name, i.role, i.created_by, i.created_by_name, i.expires_at;
END
$$;
-- +goose StatementEnd

-- invite_accept makes caller (the user in app.user_id) a member of the invite's list with
-- its role, named member_name, at member_position in caller's own order, and uses the
-- invite up. Its answer (one row, or none: unknown, used by someone else, revoked, expired,
-- or the list is gone — all 404) says which list and what happened:
--   joined   caller became a member
--   member   caller already was one (the owner, or a member retrying): nothing changed,
--            the invite stays as it was
--   full     the list has max_list_members() members: nothing changed
-- The invite's row lock serialises concurrent accepts of one invite (the first uses it up,
-- the others find it used); a lock on the list serialises joins to one list, which the
-- member count needs.
-- +goose StatementBegin
CREATE FUNCTION invite_accept(caller text, hash bytea, member_name text, member_position text)
    RETURNS TABLE (owner_id text, list_id uuid, outcome text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    i       invites;
    members integer;
BEGIN
    IF coalesce(caller, '') = '' OR NOT app_caller_is(caller) THEN
        RETURN;
    END IF;
    SELECT * INTO i FROM invites WHERE token_hash = hash FOR UPDATE;
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM list_access a
                                WHERE a.owner_id = i.owner_id AND a.user_id = i.owner_id AND a.list_id = i.list_id AND a.live) THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('list_members:' || i.list_id::text, 0));
    IF EXISTS (SELECT 1 FROM list_access a
               WHERE a.owner_id = i.owner_id AND a.user_id = caller AND a.list_id = i.list_id) THEN
        RETURN QUERY SELECT i.owner_id, i.list_id, 'member'::text;
        RETURN;
    END IF;
    IF i.used_by IS NOT NULL OR i.revoked_at IS NOT NULL OR i.expires_at <= now() THEN
        RETURN;
    END IF;
    SELECT count(*) INTO members FROM list_access a WHERE a.owner_id = i.owner_id AND a.list_id = i.list_id;
    IF members >= max_list_members() THEN
        RETURN QUERY SELECT i.owner_id, i.list_id, 'full'::text;
        RETURN;
    END IF;
    UPDATE invites SET used_by = caller, used_at = now()
    WHERE invites.owner_id = i.owner_id AND invites.list_id = i.list_id AND invites.id = i.id;
    -- As caller: list_members' join policy admits the row through the invite just used.
    INSERT INTO list_members (owner_id, list_id, user_id, role, position, name)
    VALUES (i.owner_id, i.list_id, caller, i.role, member_position, member_name);
    RETURN QUERY SELECT i.owner_id, i.list_id, 'joined'::text;
END
$$;
-- +goose StatementEnd

-- task_departures: a task that left a list (moved to another), for that list's change feed,
-- where it is a tombstone from departed_at (the owner's clock value of the move) on. Purged
-- with the tombstones (user_clock_tick_purging below).
CREATE TABLE task_departures (
    owner_id    text        NOT NULL,
    list_id     uuid        NOT NULL,
    task_id     uuid        NOT NULL,
    departed_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, list_id, task_id),
    FOREIGN KEY (owner_id, list_id) REFERENCES lists (owner_id, id) ON DELETE CASCADE
);
CREATE INDEX task_departures_feed ON task_departures (owner_id, list_id, departed_at, task_id);
ALTER TABLE task_departures ENABLE ROW LEVEL SECURITY;
ALTER TABLE task_departures FORCE ROW LEVEL SECURITY;
CREATE POLICY task_departures_owner ON task_departures
    USING (owner_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true));
CREATE POLICY task_departures_member_read ON task_departures FOR SELECT
    USING (owner_id = current_setting('app.user_id', true) OR app_list_role(owner_id, list_id) IS NOT NULL);
CREATE POLICY task_departures_editor_write ON task_departures
    USING (owner_id = current_setting('app.user_id', true) OR app_list_role(owner_id, list_id) IN ('owner', 'editor'))
    WITH CHECK (owner_id = current_setting('app.user_id', true) OR app_list_role(owner_id, list_id) IN ('owner', 'editor'));

-- The policies' member branches (permissive policies add to the owner's of 0005, 0009, 0011).
CREATE POLICY lists_member_read ON lists FOR SELECT
    USING (owner_id = current_setting('app.user_id', true) OR app_list_role(owner_id, id) IS NOT NULL);

-- list_members: a member reads every member of the lists they are in; joins only through an
-- invite they used; leaves (deletes their own row, never the owner's); reorders their own
-- sidebar (updates their own row, keeping its role: the mirror still holds the old one
-- when WITH CHECK runs). The owner's policy (0011) covers everything the owner does.
CREATE POLICY list_members_member_read ON list_members FOR SELECT
    USING (owner_id = current_setting('app.user_id', true) OR user_id = current_setting('app.user_id', true)
           OR app_list_role(owner_id, list_id) IS NOT NULL);
CREATE POLICY list_members_join ON list_members FOR INSERT
    WITH CHECK (owner_id = current_setting('app.user_id', true)
                OR user_id = current_setting('app.user_id', true) AND role IN ('editor', 'viewer')
                   AND app_invite_admits(owner_id, list_id, role));
CREATE POLICY list_members_leave ON list_members FOR DELETE
    USING (owner_id = current_setting('app.user_id', true)
           OR user_id = current_setting('app.user_id', true) AND role <> 'owner');
CREATE POLICY list_members_reorder ON list_members FOR UPDATE
    USING (owner_id = current_setting('app.user_id', true) OR user_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true)
                OR user_id = current_setting('app.user_id', true) AND role = app_list_role(owner_id, list_id));

CREATE POLICY tasks_member_read ON tasks FOR SELECT
    USING (user_id = current_setting('app.user_id', true) OR app_list_role(user_id, list_id) IS NOT NULL);
CREATE POLICY tasks_editor_write ON tasks
    USING (user_id = current_setting('app.user_id', true) OR app_list_role(user_id, list_id) IN ('owner', 'editor'))
    WITH CHECK (user_id = current_setting('app.user_id', true) OR app_list_role(user_id, list_id) IN ('owner', 'editor'));

-- The owner's clock: read by every member (the feeds and listings stamp with it), taken and
-- counted on by every editor's write.
CREATE POLICY user_clocks_member_read ON user_clocks FOR SELECT
    USING (user_id = current_setting('app.user_id', true) OR app_reads_owner(user_id));
CREATE POLICY user_clocks_editor_write ON user_clocks
    USING (user_id = current_setting('app.user_id', true) OR app_writes_owner(user_id))
    WITH CHECK (user_id = current_setting('app.user_id', true) OR app_writes_owner(user_id));
CREATE POLICY user_tags_editor_write ON user_tags
    USING (user_id = current_setting('app.user_id', true) OR app_writes_owner(user_id))
    WITH CHECK (user_id = current_setting('app.user_id', true) OR app_writes_owner(user_id));
CREATE POLICY task_search_editor_write ON task_search
    USING (user_id = current_setting('app.user_id', true) OR app_writes_owner(user_id))
    WITH CHECK (user_id = current_setting('app.user_id', true) OR app_writes_owner(user_id));

-- task_search_ids (0009) answers a member of one of owner's lists too: it returns ids, which
-- the listing then reads from tasks under its membership predicate and the policies.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION task_search_ids(user_id text, q text, max_ids integer) RETURNS uuid[]
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
              AND (public.app_caller_is($1) OR public.app_reads_owner($1))
            LIMIT $3
        ) m
    );
END
$$;
-- +goose StatementEnd

-- user_clock_tick_purging (0010) purges the departures with the tombstones.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_tick_purging(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick   timestamptz := user_clock_tick(owner);
    purged boolean;
BEGIN
    DELETE FROM tasks WHERE tasks.user_id = owner AND tasks.deleted_at < now() - tombstone_retention();
    purged := FOUND;
    DELETE FROM task_departures d WHERE d.owner_id = owner AND d.departed_at < now() - tombstone_retention();
    IF purged OR FOUND THEN
        UPDATE user_clocks SET purged_through = greatest(purged_through, now() - tombstone_retention())
        WHERE user_clocks.user_id = owner;
    END IF;
    RETURN tick;
END
$$;
-- +goose StatementEnd

-- The mirror of today's members (the owners' rows): a backfill reads every owner's rows, so
-- row-level security is lifted around it (0005_row_level_security.sql).
ALTER TABLE list_members NO FORCE ROW LEVEL SECURITY;
ALTER TABLE lists NO FORCE ROW LEVEL SECURITY;
INSERT INTO list_access (owner_id, user_id, list_id, role, live)
SELECT m.owner_id, m.user_id, m.list_id, m.role, l.deleted_at IS NULL
FROM list_members m JOIN lists l ON l.owner_id = m.owner_id AND l.id = m.list_id;
ALTER TABLE list_members FORCE ROW LEVEL SECURITY;
ALTER TABLE lists FORCE ROW LEVEL SECURITY;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_tick_purging(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick timestamptz := user_clock_tick(owner);
BEGIN
    DELETE FROM tasks WHERE tasks.user_id = owner AND tasks.deleted_at < now() - tombstone_retention();
    IF FOUND THEN
        UPDATE user_clocks SET purged_through = greatest(purged_through, now() - tombstone_retention())
        WHERE user_clocks.user_id = owner;
    END IF;
    RETURN tick;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION task_search_ids(user_id text, q text, max_ids integer) RETURNS uuid[]
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
DROP POLICY task_search_editor_write ON task_search;
DROP POLICY user_tags_editor_write ON user_tags;
DROP POLICY user_clocks_editor_write ON user_clocks;
DROP POLICY user_clocks_member_read ON user_clocks;
DROP POLICY tasks_editor_write ON tasks;
DROP POLICY tasks_member_read ON tasks;
DROP POLICY list_members_reorder ON list_members;
DROP POLICY list_members_leave ON list_members;
DROP POLICY list_members_join ON list_members;
DROP POLICY list_members_member_read ON list_members;
DROP POLICY lists_member_read ON lists;
DROP TABLE task_departures;
DROP FUNCTION invite_accept(text, bytea, text, text);
DROP FUNCTION invite_lookup(text, bytea);
DROP FUNCTION app_list_name(text, uuid);
DROP FUNCTION app_caller_is(text);
DROP FUNCTION app_invite_admits(text, uuid, text);
DROP TABLE invites;
DROP TRIGGER lists_access_live ON lists;
DROP FUNCTION list_access_live();
DROP TRIGGER list_members_access ON list_members;
DROP FUNCTION list_access_sync();
DROP FUNCTION app_writes_owner(text);
DROP FUNCTION app_reads_owner(text);
DROP FUNCTION app_list_role(text, uuid);
DROP TABLE list_access;
DROP FUNCTION max_list_members();
DROP INDEX list_members_list_user;
