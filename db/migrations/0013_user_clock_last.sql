-- +goose Up
-- user_clock_last returns owner's write clock (0003_sync_order.sql): the time of owner's
-- latest write, or null for a user who never wrote. The listing statements of
-- db/queries/tasks_list.sql read it with every page, as
-- `(SELECT last FROM user_clock_last(@user_id) AS last)`: one call a statement (an InitPlan),
-- not one a row, and in FROM because sqlc types a function's result nullable only there.
--
-- A function rather than a subquery in the listing statement, for the database's CPU: the
-- listings are planned with their values on every execution (plan_cache_mode =
-- force_custom_plan, internal/store/exec.go), and a subquery in them was planned again with
-- every page too — the LEFT JOIN that lets sqlc type it nullable cost a list request 11–16%
-- more of PostgreSQL's CPU than reading the clock in a statement of its own
-- (docs/performance.md). This body is planned once per connection: PL/pgSQL caches its
-- statement's plan, and `SET plan_cache_mode = auto` keeps the listing's setting from forcing
-- a new plan on each call (the generic plan of a primary-key lookup is the custom one).
--
-- STABLE: it reads with the calling statement's snapshot, so a page and its clock still come
-- from one snapshot. SECURITY INVOKER: row-level security applies as to the caller's own
-- statement, and the body keeps to owner's row itself (user_id = owner).
-- +goose StatementBegin
CREATE FUNCTION user_clock_last(owner text) RETURNS timestamptz
    LANGUAGE plpgsql STABLE SECURITY INVOKER
    SET plan_cache_mode = auto AS $$
BEGIN
    RETURN (SELECT c.last FROM user_clocks c WHERE c.user_id = owner);
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION user_clock_last(text);
