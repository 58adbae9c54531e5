-- voxrelay schema v10: lifecycle webhooks, delivered at least once from an outbox.
-- webhook_outbox: each event, queued in the transaction of the change it reports, with its JSON body as it
-- is signed and sent (event_id is its idempotency key), numbered per session (session_seq: they are sent in
-- that order), until delivered, or dropped past the age or count bound.
-- webhook_lease: the one instance that delivers, for as long as its lease runs.
-- sessions.upstream_failures: how many times a relay gave up reopening the upstream (upstream.failed).
-- sessions.webhook_seq: the session_seq of the session's last queued event.
CREATE TABLE webhook_outbox (
  event_id        VARCHAR(64)  PRIMARY KEY,
  session_id      VARCHAR(64)  NOT NULL,
  session_seq     BIGINT       NOT NULL,
  type            VARCHAR(40)  NOT NULL,
  body            TEXT         NOT NULL,
  created_at      BIGINT       NOT NULL,
  attempts        INTEGER      NOT NULL,
  next_attempt_at BIGINT       NOT NULL
);
CREATE UNIQUE INDEX webhook_outbox_by_session ON webhook_outbox (session_id, session_seq);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at);
CREATE INDEX webhook_outbox_by_age ON webhook_outbox (created_at);
CREATE TABLE webhook_lease (
  id         INTEGER      PRIMARY KEY,
  holder     VARCHAR(128),
  expires_at BIGINT       NOT NULL
);
INSERT INTO webhook_lease (id, holder, expires_at) VALUES (1, NULL, 0);
ALTER TABLE sessions ADD COLUMN upstream_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN webhook_seq BIGINT NOT NULL DEFAULT 0;
