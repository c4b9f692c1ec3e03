-- +goose Up
-- Reminders are the durable timers of entities, one row per (kind, id, name); Append sets and
-- cancels them in the transaction of the entity's events. due_at is unix microseconds in UTC.
-- The due index also orders ties (kind, id, name), so a page of due reminders is read from the
-- index without sorting every due row.
CREATE TABLE reminders (
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    token    TEXT    NOT NULL,
    due_at   INTEGER NOT NULL,
    payload  TEXT    NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, id, name)
);
CREATE INDEX reminders_due ON reminders (due_at, kind, id, name);

-- +goose Down
DROP TABLE reminders;
