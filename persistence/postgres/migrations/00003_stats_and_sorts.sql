-- +goose Up
-- level is the autonomy level (0: none), filled in from the snapshots' state once here and by
-- every append after.
ALTER TABLE entities ADD COLUMN level integer NOT NULL DEFAULT 0;
UPDATE entities SET level = coalesce(state->>'autonomyLevel', state->>'autonomy_level')::integer
    WHERE state ? 'autonomyLevel' OR state ? 'autonomy_level';

-- Aggregate groups a kind by (status, level) and sums amount and amount × score: the index holds
-- them all, so the counts and sums are an index-only scan (as far as the visibility map allows).
CREATE INDEX entities_stats ON entities (kind, status, level) INCLUDE (score, amount);

-- One index per list order (created_at uses entities_list, both ways). The sort keys of -score
-- and -amount count a missing value as -1, so that keyset paging compares no NULLs.
CREATE INDEX entities_updated ON entities (kind, updated_at DESC, id DESC);
CREATE INDEX entities_status_updated ON entities (kind, status, updated_at DESC, id DESC);
CREATE INDEX entities_score_order ON entities (kind, (coalesce(score, -1)) DESC, id DESC);
CREATE INDEX entities_amount_order ON entities (kind, (coalesce(amount, -1)) DESC, id DESC);

-- +goose Down
DROP INDEX entities_amount_order;
DROP INDEX entities_score_order;
DROP INDEX entities_status_updated;
DROP INDEX entities_updated;
DROP INDEX entities_stats;
ALTER TABLE entities DROP COLUMN level;
