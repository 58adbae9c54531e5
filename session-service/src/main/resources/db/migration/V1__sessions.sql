-- voxrelay schema v1: sessions and their conversation history.
-- Shared by SQLite and PostgreSQL: flags are INTEGER 0/1, times are epoch milliseconds.
CREATE TABLE sessions (
  session_id             VARCHAR(64)  PRIMARY KEY,
  version                BIGINT       NOT NULL,
  instructions           TEXT         NOT NULL,
  questions              TEXT         NOT NULL,
  created_at             BIGINT       NOT NULL,
  token_hash             VARCHAR(64)  NOT NULL,
  token_expires_at       BIGINT       NOT NULL,
  current_question_index INTEGER      NOT NULL,
  paused                 INTEGER      NOT NULL,
  awaiting_resume        INTEGER      NOT NULL,
  text_only              INTEGER      NOT NULL,
  ended                  INTEGER      NOT NULL,
  termination_reason     VARCHAR(64),
  relay_node             VARCHAR(128),
  gateway_node           VARCHAR(128),
  connections            INTEGER      NOT NULL,
  last_heartbeat_at      BIGINT       NOT NULL,
  last_audio_activity_at BIGINT       NOT NULL,
  last_interaction_at    BIGINT       NOT NULL,
  last_client_seq        BIGINT       NOT NULL
);

CREATE TABLE session_turns (
  session_id VARCHAR(64)  NOT NULL,
  seq        INTEGER      NOT NULL,
  item_id    VARCHAR(128) NOT NULL,
  role       VARCHAR(16)  NOT NULL,
  text       TEXT         NOT NULL,
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (session_id, seq)
);
