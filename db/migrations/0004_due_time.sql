-- +goose Up
-- Due times: an optional wall-clock time on the due date, in the user's own time zone,
-- stored as given (like due_date, a civil value, not an instant). "Overdue" compares it with
-- the current wall-clock time in the zone the request names (?tz=).
ALTER TABLE tasks
    ADD COLUMN due_time time,
    ADD CONSTRAINT tasks_due_time_needs_date CHECK (due_time IS NULL OR due_date IS NOT NULL),
    ADD CONSTRAINT tasks_due_time_minutes CHECK (extract(second FROM due_time) = 0);

-- sort=due_date orders by the due moment: the date, then the time; a task without a time
-- is due at the end of its day (24:00), after the day's timed tasks. Without a date, last.
DROP INDEX tasks_user_due_asc;
DROP INDEX tasks_user_due_desc;
CREATE INDEX tasks_user_due_asc ON tasks (user_id, coalesce(due_date + coalesce(due_time, time '24:00'), 'infinity'::timestamp), id);
CREATE INDEX tasks_user_due_desc ON tasks (user_id, coalesce(due_date + coalesce(due_time, time '24:00'), '-infinity'::timestamp), id);

-- +goose Down
DROP INDEX tasks_user_due_asc;
DROP INDEX tasks_user_due_desc;
CREATE INDEX tasks_user_due_asc ON tasks (user_id, coalesce(due_date, 'infinity'::date), id);
CREATE INDEX tasks_user_due_desc ON tasks (user_id, coalesce(due_date, '-infinity'::date), id);
ALTER TABLE tasks DROP COLUMN due_time;
