-- amiplace store, version 3: the operators' review of change sets that need one
-- (UpdateVisibility). '' = no review needed; PENDING waits in APPLYING; APPROVED / REJECTED
-- are decisions the worker has yet to apply (or has applied, once the set is terminal).
ALTER TABLE change_sets ADD COLUMN review TEXT NOT NULL DEFAULT '';
ALTER TABLE change_sets ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX change_sets_by_review ON change_sets (review) WHERE review <> '';
