-- Migration 4: idempotency keys are scoped to the caller and the operation
-- (the `key` column now holds a hash of caller, method, path and the
-- client's key), records expire, and anonymous ballots leave no ballot in
-- any record. Old records are dropped: they held ballots in fingerprints.
DELETE FROM idempotency;
CREATE INDEX idempotency_created ON idempotency(created_at);
