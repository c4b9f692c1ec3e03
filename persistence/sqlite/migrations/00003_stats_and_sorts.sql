-- +goose Up
-- level is the autonomy level (0: none), filled in from the snapshots' state once here and by
-- every append after.
ALTER TABLE entities ADD COLUMN level INTEGER NOT NULL DEFAULT 0;
UPDATE entities SET level = coalesce(json_extract(state, '$.autonomyLevel'), json_extract(state, '$.autonomy_level'), 0);

-- Aggregate groups a kind by (status, level) and sums score and amount: this index covers it, so
-- the counts and sums never read a snapshot row.
CREATE INDEX entities_stats ON entities (kind, status, level, score, amount);

-- One index per list order (created_at uses entities_list, both ways). The sort keys of -score
-- and -amount count a missing value as -1, so that keyset paging compares no NULLs. The amount's
-- key is its exact count of cents, the expression amountCents of query.go: the planner uses this
-- index only while the two are the same expression.
CREATE INDEX entities_updated ON entities (kind, updated_at DESC, id DESC);
CREATE INDEX entities_status_updated ON entities (kind, status, updated_at DESC, id DESC);
CREATE INDEX entities_score_order ON entities (kind, coalesce(score, -1) DESC, id DESC);
CREATE INDEX entities_amount_order ON entities (kind, coalesce(
    CASE WHEN instr(amount, '.') = 0 THEN CAST(amount AS INTEGER) * 100
    ELSE CAST(substr(amount, 1, instr(amount, '.') - 1) AS INTEGER) * 100
        + (CASE WHEN substr(amount, 1, 1) = '-' THEN -1 ELSE 1 END)
        * CAST(substr(substr(amount, instr(amount, '.') + 1) || '00', 1, 2) AS INTEGER)
    END, -1) DESC, id DESC);

-- +goose Down
DROP INDEX entities_amount_order;
DROP INDEX entities_score_order;
DROP INDEX entities_status_updated;
DROP INDEX entities_updated;
DROP INDEX entities_stats;
ALTER TABLE entities DROP COLUMN level;
