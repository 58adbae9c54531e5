-- voxrelay schema v5: the number of live sessions (connected at least once, not ended, not awaiting resume),
-- kept up to date in the transaction of every change that makes a session live or not, so the watchdog's
-- "Active sessions: N" costs one row read instead of a scan of every live session.
CREATE TABLE session_counts (
  id   INTEGER PRIMARY KEY,
  live BIGINT  NOT NULL
);
INSERT INTO session_counts (id, live)
  SELECT 1, COUNT(*) FROM sessions WHERE ended = 0 AND awaiting_resume = 0 AND connections > 0;
