-- +goose Up
-- What entities remember (persistence/memory): one row per item, seq in the order remembered.
-- embedding holds dims float32s, little-endian. at is unix microseconds in UTC. An entity keeps
-- at most a fixed number of items (memory.DefaultMaxItems); the earliest by (at, seq) go first.
CREATE TABLE memory (
    seq       INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    text      TEXT    NOT NULL,
    source    TEXT    NOT NULL DEFAULT '',
    at        INTEGER NOT NULL,
    dims      INTEGER NOT NULL,
    embedding BLOB    NOT NULL
);
CREATE INDEX memory_entity ON memory (kind, id, at, seq);

-- +goose Down
DROP TABLE memory;
