-- voxrelay schema v13: what each session cost upstream, across every upstream it had.
-- session_usage: each finished response counted once (its id), whoever reports it again.
-- session_upstreams: each upstream connection, open from opened_at until at least until_at (the latest report).
-- The totals on sessions move in the transaction that adds a response or extends an upstream.
CREATE TABLE session_usage (
  session_id  VARCHAR(64)  NOT NULL,
  response_id VARCHAR(128) NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (session_id, response_id)
);
CREATE TABLE session_upstreams (
  session_id  VARCHAR(64)  NOT NULL,
  upstream_id VARCHAR(128) NOT NULL,
  opened_at   BIGINT       NOT NULL,
  until_at    BIGINT       NOT NULL,
  PRIMARY KEY (session_id, upstream_id)
);
ALTER TABLE sessions ADD COLUMN usage_input_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN usage_output_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN usage_cached_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN usage_input_text_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN usage_input_audio_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN usage_output_text_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN usage_output_audio_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN upstream_ms BIGINT NOT NULL DEFAULT 0;
