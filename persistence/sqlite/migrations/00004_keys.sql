-- +goose Up
-- API keys (policies/access): one row per key, revoked ones kept for the record. hash is the
-- SHA-256 of the key's secret; the secret itself is never stored. Times are unix microseconds
-- in UTC; revoked_at and last_used_at are NULL until the key is revoked or used.
CREATE TABLE keys (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    hash         BLOB    NOT NULL,
    rate_limit   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);

-- +goose Down
DROP TABLE keys;
