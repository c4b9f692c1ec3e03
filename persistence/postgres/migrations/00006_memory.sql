-- +goose Up
-- What entities remember (persistence/memory): one row per item, seq in the order remembered.
-- embedding holds dims float32s, little-endian. An entity keeps at most a fixed number of items
-- (memory.DefaultMaxItems); the earliest by (at, seq) go first.
CREATE TABLE memory (
    seq       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind      text        NOT NULL,
    id        text        NOT NULL,
    text      text        NOT NULL,
    source    text        NOT NULL DEFAULT '',
    at        timestamptz NOT NULL,
    dims      integer     NOT NULL,
    embedding bytea       NOT NULL
);
CREATE INDEX memory_entity ON memory (kind, id, at, seq);

-- +goose Down
DROP TABLE memory;
