-- +goose Up
-- Idempotency keys of POST requests (edge/idempotency): one row per (scope, key), running
-- (done = 0) while the first request runs, then holding its answer. fingerprint is the hex
-- SHA-256 of the request. Times are unix microseconds in UTC; rows are purged by created_at.
CREATE TABLE idempotency (
    scope        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL DEFAULT '',
    location     TEXT    NOT NULL DEFAULT '',
    body         BLOB    NOT NULL DEFAULT x'',
    created_at   INTEGER NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- +goose Down
DROP TABLE idempotency;
