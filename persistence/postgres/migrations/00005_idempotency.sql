-- +goose Up
-- Idempotency keys of POST requests (edge/idempotency): one row per (scope, key), running
-- (done false) while the first request runs, then holding its answer. fingerprint is the hex
-- SHA-256 of the request. Rows are purged by created_at.
CREATE TABLE idempotency (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    fingerprint  text        NOT NULL,
    status       integer     NOT NULL DEFAULT 0,
    content_type text        NOT NULL DEFAULT '',
    location     text        NOT NULL DEFAULT '',
    body         bytea       NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    done         boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- +goose Down
DROP TABLE idempotency;
