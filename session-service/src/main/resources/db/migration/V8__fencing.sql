-- voxrelay schema v8: exactly once under partial failure.
-- relay_epoch: the fencing token of the session's relay claim. Each grant raises it; the session service
-- refuses anything a relay sends under an older epoch, so a relay that lost its claim (a stall, a partition)
-- can neither store events nor change the session.
-- session_emits: the idempotency keys of stored event batches. A batch sent again (its reply was lost) is
-- answered with the seqs it got the first time instead of being stored twice. Kept as long as events are.
-- voxrelay_store: the store's identity, created with its schema: every session-service instance of a
-- cluster must use one store, and they compare these ids.
ALTER TABLE sessions ADD COLUMN relay_epoch BIGINT NOT NULL DEFAULT 0;
CREATE TABLE session_emits (
  session_id VARCHAR(64)  NOT NULL,
  emit_key   VARCHAR(100) NOT NULL,
  first_seq  BIGINT       NOT NULL,
  last_seq   BIGINT       NOT NULL,
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (session_id, emit_key)
);
CREATE INDEX session_emits_by_age ON session_emits (created_at);
CREATE TABLE voxrelay_store (
  id         INTEGER      PRIMARY KEY,
  store_id   VARCHAR(64)  NOT NULL,
  created_at BIGINT       NOT NULL
);
