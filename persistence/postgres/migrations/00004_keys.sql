-- +goose Up
-- API keys (policies/access): one row per key, revoked ones kept for the record. hash is the
-- SHA-256 of the key's secret; the secret itself is never stored. revoked_at and last_used_at
-- are NULL until the key is revoked or used.
CREATE TABLE keys (
    id           text        PRIMARY KEY,
    name         text        NOT NULL,
    role         text        NOT NULL,
    hash         bytea       NOT NULL,
    rate_limit   integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- +goose Down
DROP TABLE keys;
