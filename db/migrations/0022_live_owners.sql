-- +goose NO TRANSACTION
-- +goose Up
-- Notify only owners someone listens to (issue 17, docs/live-updates.md). 0019 made every write
-- notify: each NOTIFY takes PostgreSQL's one notification-queue lock at commit and wakes every
-- listening process, which cost a task create +44% of PostgreSQL's CPU with no stream open
-- anywhere (docs/performance.md). Most writes happen with no stream open.
--
-- live_owners holds a lease per (owner, process): a process's event hub (internal/events)
-- keeps a row for every owner whose writes one of its streams must hear — each stream's user
-- and the owners of the lists it is a member of — renews it well inside expires_at, and
-- deletes it once no stream needs it. A process that dies without cleaning up stops counting
-- at expires_at; a later renewal (of any process) sweeps its rows. user_clock_tick notifies
-- only when the owner has a live row: one primary-key probe otherwise.
--
-- Nothing missed. A stream commits its lease rows, then, for each owner, waits in
-- user_clock_wait for a write that holds the owner's clock (or is creating it) to end, and
-- only then reads (its catch-up, or the client's first sync after the first event). A writer
-- checks the lease in user_clock_tick AFTER it took the owner's clock row, in a statement of
-- its own (a fresh snapshot under READ COMMITTED, the writes' isolation). So a writer either
-- took the clock before the stream's wait, and the wait lets the stream read only after the
-- writer ended (its rows are in what the stream reads), or took it after the wait began, so
-- after the lease committed, and its check sees the lease and notifies.
-- (TestLeaseWaitsForAWriterHoldingTheClock, internal/store.)
--
-- Who is online does not leak: the service's role has no privilege on live_owners, which has
-- row-level security enabled but not forced, like list_access (0015): its owner, the role the
-- functions run as, reads it; anyone else at most an owner's own rows. The SECURITY DEFINER
-- functions that write it return nothing about other hubs' rows, and live_owner_notify, the
-- check, returns nothing at all.
--
-- The membership triggers of 0019 keep notifying always: such writes are rare, and the
-- lease is per owner's clock, which a membership change does not take — so the wait above
-- would not order them (a hub learns of a new owner to lease from exactly that notification).
--
-- NO TRANSACTION, one lock a statement (like 0015, 0019).
SET lock_timeout = '5s';

CREATE TABLE IF NOT EXISTS live_owners (
    owner_id   text        NOT NULL,
    hub_id     uuid        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, hub_id)
);
ALTER TABLE live_owners ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS live_owners_owner ON live_owners;
CREATE POLICY live_owners_owner ON live_owners
    USING (owner_id = current_setting('app.user_id', true))
    WITH CHECK (owner_id = current_setting('app.user_id', true));

-- live_owner_notify notifies owner's clock tick when a live lease names owner (called by
-- user_clock_tick, after it took the clock row: a statement of its own, so a snapshot taken
-- after the row lock). It runs on every write, so it has no SET search_path (saving the
-- configuration change of each call: 372 against 332 µs of PostgreSQL's CPU a clock-tick
-- transaction, docs/performance.md); instead every name in it is schema-qualified, operators
-- and casts included, so that no caller's search_path can redirect a SECURITY DEFINER body.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION live_owner_notify(owner text, tick timestamptz) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.live_owners l
               WHERE l.owner_id OPERATOR(pg_catalog.=) owner AND l.expires_at OPERATOR(pg_catalog.>) pg_catalog.now()) THEN
        PERFORM pg_catalog.pg_notify('todo_events',
            'c:' OPERATOR(pg_catalog.||) pg_catalog.int8(pg_catalog.extract('epoch', tick) OPERATOR(pg_catalog.*) 1000000::pg_catalog.numeric)::pg_catalog.text
                 OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) owner);
    END IF;
END
$$;
-- +goose StatementEnd

-- user_clock_tick (0010, 0019): the notify only for a live owner, checked after the upsert.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_tick(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick timestamptz;
BEGIN
    INSERT INTO user_clocks AS c (user_id, last) VALUES (owner, clock_timestamp())
    ON CONFLICT (user_id) DO UPDATE SET last = greatest(clock_timestamp(), c.last + interval '1 microsecond')
    RETURNING c.last INTO tick;
    PERFORM live_owner_notify(owner, tick);
    RETURN tick;
END
$$;
-- +goose StatementEnd

-- user_clock_wait returns once no transaction holds owner's clock row or is creating it, as it
-- was when called: the ordering point after a lease commits (see above). It takes nothing
-- lasting: the row it may insert to wait for a creator, and its share lock, are undone with
-- its subtransaction. Run as owner (app.user_id = owner), whose own row the policies admit.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_wait(owner text) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
    BEGIN
        INSERT INTO user_clocks (user_id, last) VALUES (owner, clock_timestamp()) ON CONFLICT (user_id) DO NOTHING;
        PERFORM 1 FROM user_clocks c WHERE c.user_id = owner FOR SHARE;
        RAISE SQLSTATE 'TD001';
    EXCEPTION WHEN SQLSTATE 'TD001' THEN
        NULL;
    END;
END
$$;
-- +goose StatementEnd

-- live_owners_hold commits (when its statement does) hub's leases of owners until now() + ttl.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION live_owners_hold(hub uuid, owners text[], ttl interval) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    INSERT INTO live_owners (owner_id, hub_id, expires_at)
    SELECT DISTINCT o, hub, now() + ttl FROM unnest(owners) AS o
    ON CONFLICT (owner_id, hub_id) DO UPDATE SET expires_at = EXCLUDED.expires_at;
$$;
-- +goose StatementEnd

-- live_owners_renew extends hub's leases of owners and returns those that had lapsed (expired
-- or swept: writes meanwhile rang no bell), then sweeps every expired row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION live_owners_renew(hub uuid, owners text[], ttl interval) RETURNS text[]
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    lapsed text[];
BEGIN
    SELECT coalesce(array_agg(o), '{}') INTO lapsed FROM unnest(owners) AS o
    WHERE NOT EXISTS (SELECT 1 FROM live_owners l WHERE l.owner_id = o AND l.hub_id = hub AND l.expires_at > now());
    PERFORM live_owners_hold(hub, owners, ttl);
    DELETE FROM live_owners WHERE expires_at <= now();
    RETURN lapsed;
END
$$;
-- +goose StatementEnd

-- live_owners_release deletes hub's leases of owners.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION live_owners_release(hub uuid, owners text[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DELETE FROM live_owners WHERE hub_id = hub AND owner_id = ANY (owners);
$$;
-- +goose StatementEnd
RESET lock_timeout;

-- +goose Down
SET lock_timeout = '5s';
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION user_clock_tick(owner text) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
DECLARE
    tick timestamptz;
BEGIN
    INSERT INTO user_clocks AS c (user_id, last) VALUES (owner, clock_timestamp())
    ON CONFLICT (user_id) DO UPDATE SET last = greatest(clock_timestamp(), c.last + interval '1 microsecond')
    RETURNING c.last INTO tick;
    PERFORM pg_notify('todo_events', 'c:' || (extract(epoch FROM tick) * 1000000)::bigint || ':' || owner);
    RETURN tick;
END
$$;
-- +goose StatementEnd
DROP FUNCTION IF EXISTS live_owners_release(uuid, text[]);
DROP FUNCTION IF EXISTS live_owners_renew(uuid, text[], interval);
DROP FUNCTION IF EXISTS live_owners_hold(uuid, text[], interval);
DROP FUNCTION IF EXISTS user_clock_wait(text);
DROP FUNCTION IF EXISTS live_owner_notify(text, timestamptz);
DROP TABLE IF EXISTS live_owners;
RESET lock_timeout;
