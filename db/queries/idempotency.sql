-- name: IdempotencyClaim :one
-- Claims the key (in the operation's namespace) for this request. Returns no row when a live
-- claim exists (younger than idempotency_key_lifetime(), 0010_rule_functions.sql) — a
-- concurrent claim of the same key waits here until the other transaction ends.
INSERT INTO idempotency_keys (user_id, namespace, key, request_hash)
VALUES (@user_id, @namespace, @key, @request_hash)
ON CONFLICT (user_id, namespace, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, response = 'null', created_at = now()
    WHERE idempotency_keys.created_at < now() - idempotency_key_lifetime()
RETURNING key;

-- name: IdempotencyGet :one
SELECT request_hash, response FROM idempotency_keys
WHERE user_id = @user_id AND namespace = @namespace AND key = @key;

-- name: IdempotencySaveResponse :exec
UPDATE idempotency_keys SET response = @response
WHERE user_id = @user_id AND namespace = @namespace AND key = @key;

-- name: IdempotencyPurgeExpired :exec
DELETE FROM idempotency_keys
WHERE user_id = @user_id AND created_at < now() - idempotency_key_lifetime();

-- name: IdempotencyCount :one
-- How many keys the user holds (all namespaces), counting no further than row_limit.
SELECT count(*) FROM (
    SELECT 1 FROM idempotency_keys WHERE user_id = @user_id LIMIT @row_limit
) held;
