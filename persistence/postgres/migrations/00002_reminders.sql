-- +goose Up
-- Reminders are the durable timers of entities, one row per (kind, id, name); Append sets and
-- cancels them in the transaction of the entity's events. payload is json (kept byte for byte).
-- The due index also orders ties (kind, id, name), so a page of due reminders is read from the
-- index without sorting every due row.
CREATE TABLE reminders (
    kind     text        NOT NULL,
    id       text        NOT NULL,
    name     text        NOT NULL,
    token    text        NOT NULL,
    due_at   timestamptz NOT NULL,
    payload  json        NOT NULL,
    attempts integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, id, name)
);
CREATE INDEX reminders_due ON reminders (due_at, kind, id, name);

-- +goose Down
DROP TABLE reminders;
