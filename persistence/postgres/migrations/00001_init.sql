-- +goose Up
-- Times are timestamptz (microseconds); empty index strings are NULL; score -1 is NULL.
CREATE TABLE entities (
    kind       text        NOT NULL,
    id         text        NOT NULL,
    version    bigint      NOT NULL,
    state      jsonb       NOT NULL,
    status     text,
    source     text,
    owner      text,
    unique_key text,
    score      integer,
    amount     numeric,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE UNIQUE INDEX entities_unique_key ON entities (kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX entities_list ON entities (kind, created_at DESC, id DESC);
CREATE INDEX entities_status ON entities (kind, status, created_at DESC, id DESC);
CREATE INDEX entities_source ON entities (kind, source, created_at DESC, id DESC);
CREATE INDEX entities_owner ON entities (kind, owner, created_at DESC, id DESC);
CREATE INDEX entities_score ON entities (kind, score);

-- seq is the commit sequence: the outbox is read in seq order. data is json (kept byte for byte).
-- No foreign key to entities: Append writes a journal row only in the transaction that writes its
-- entity's snapshot, and the per-row check cost more than half of a batch's insert time.
CREATE TABLE journal (
    seq       bigint      GENERATED ALWAYS AS IDENTITY,
    kind      text        NOT NULL,
    id        text        NOT NULL,
    version   bigint      NOT NULL,
    event_id  text        NOT NULL,
    type      text        NOT NULL,
    actor     text        NOT NULL DEFAULT '',
    time      timestamptz NOT NULL,
    data      json        NOT NULL,
    published boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (kind, id, version),
    CONSTRAINT journal_event_id_key UNIQUE (event_id)
);
CREATE INDEX journal_unpublished ON journal (seq) WHERE NOT published;

-- +goose Down
DROP TABLE journal;
DROP TABLE entities;
