-- +goose Up
-- Tasks belong to exactly one user. The primary key starts with user_id: ownership is part
-- of every row's identity, every index serves one user's rows, and the table can later be
-- distributed by user without changing a query.
CREATE TYPE task_priority AS ENUM ('low', 'medium', 'high');

CREATE TABLE tasks (
    user_id      text          NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 255),
    id           uuid          NOT NULL,
    title        text          NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200 AND title = btrim(title)),
    description  text          CHECK (char_length(description) <= 2000),
    completed    boolean       NOT NULL DEFAULT false,
    priority     task_priority NOT NULL DEFAULT 'medium',
    due_date     date,
    tags         text[]        NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10 AND array_position(tags, NULL) IS NULL),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    completed_at timestamptz,
    -- version increases with every modification; it is the task's ETag.
    version      bigint        NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, id),
    CHECK (completed = (completed_at IS NOT NULL))
);

-- One index per listing order: (user, sort key, id). Backward scans serve the other direction,
-- except for due_date, where tasks without a date sort last in both directions.
CREATE INDEX tasks_user_created ON tasks (user_id, created_at, id);
CREATE INDEX tasks_user_updated ON tasks (user_id, updated_at, id);
CREATE INDEX tasks_user_title ON tasks (user_id, lower(title), id);
CREATE INDEX tasks_user_priority ON tasks (user_id, priority, id);
CREATE INDEX tasks_user_due_asc ON tasks (user_id, coalesce(due_date, 'infinity'::date), id);
CREATE INDEX tasks_user_due_desc ON tasks (user_id, coalesce(due_date, '-infinity'::date), id);
CREATE INDEX tasks_tags ON tasks USING gin (tags);

-- Idempotency keys remember the first response to a POST for 24 hours, per user. The primary
-- key makes concurrent retries with the same key serialise in the database.
CREATE TABLE idempotency_keys (
    user_id      text        NOT NULL,
    key          text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request_hash bytea       NOT NULL,
    response     jsonb       NOT NULL DEFAULT 'null',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE tasks;
DROP TYPE task_priority;
