-- voxrelay schema v3: lossless delivery.
-- session_events: the server events a client must not miss, numbered per session, kept until acknowledged
-- (bounded by count and age). event_floor: the lowest seq still kept; below it a client must redraw from history.
-- connection_id: the one live client connection. previous_token_hash: the token a rotation replaced, valid
-- until the client confirms it received the new one. applied_client_seq: the highest client message a relay
-- has carried out upstream (a relay taking a session over carries out what came after).
CREATE TABLE session_events (
  session_id VARCHAR(64) NOT NULL,
  seq        BIGINT      NOT NULL,
  created_at BIGINT      NOT NULL,
  event      TEXT        NOT NULL,
  PRIMARY KEY (session_id, seq)
);
ALTER TABLE sessions ADD COLUMN last_event_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN event_floor BIGINT NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN connection_id VARCHAR(64);
ALTER TABLE sessions ADD COLUMN previous_token_hash VARCHAR(64);
ALTER TABLE sessions ADD COLUMN applied_client_seq BIGINT NOT NULL DEFAULT 0;
