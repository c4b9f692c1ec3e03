-- +goose Up
-- Times are unix microseconds in UTC; empty index strings are NULL; score -1 is NULL.
CREATE TABLE entities (
    kind       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    status     TEXT,
    source     TEXT,
    owner      TEXT,
    unique_key TEXT,
    score      INTEGER,
    amount     TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE UNIQUE INDEX entities_unique_key ON entities (kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX entities_list ON entities (kind, created_at DESC, id DESC);
CREATE INDEX entities_status ON entities (kind, status, created_at DESC, id DESC);
CREATE INDEX entities_source ON entities (kind, source, created_at DESC, id DESC);
CREATE INDEX entities_owner ON entities (kind, owner, created_at DESC, id DESC);
CREATE INDEX entities_score ON entities (kind, score);

-- seq is the commit sequence (the rowid, assigned in insert order by the one writer): the outbox
-- is read in seq order.
-- No foreign key to entities: Append writes a journal row only in the transaction that writes its
-- entity's snapshot, and the per-row check cost more than half of a batch's insert time.
CREATE TABLE journal (
    seq       INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,
    id        TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    event_id  TEXT    NOT NULL UNIQUE,
    type      TEXT    NOT NULL,
    actor     TEXT    NOT NULL DEFAULT '',
    time      INTEGER NOT NULL,
    data      TEXT    NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, id, version)
);
CREATE INDEX journal_unpublished ON journal (seq) WHERE published = 0;

-- +goose Down
DROP TABLE journal;
DROP TABLE entities;
