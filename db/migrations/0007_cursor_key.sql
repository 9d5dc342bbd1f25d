-- +goose Up
-- The key the service signs pagination cursors with (HMAC-SHA-256, see
-- internal/httpapi/cursor.go): one random value per database, so every replica of the
-- service signs and checks with the same key and nothing has to be configured. A client
-- cannot compute a valid cursor; it can only hand back one the service issued.
--
-- The table holds no user's data, hence no user_id and no row-level security; the service
-- reads it once (internal/store's CursorKey) and never writes it. sha256 over two
-- gen_random_uuid() values (PostgreSQL's strong random source, 244 random bits) needs no
-- extension.
CREATE TABLE cursor_keys (
    id  smallint PRIMARY KEY CHECK (id = 1),
    key bytea    NOT NULL CHECK (octet_length(key) = 32)
);
INSERT INTO cursor_keys (id, key)
VALUES (1, sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

-- +goose Down
DROP TABLE cursor_keys;
