-- voxrelay schema v9: the session API.
-- state: live, awaiting_resume, terminated or ended (SessionState#of, from the flags), written with every
-- change so that sessions are listed by state, newest first, through an index rather than a scan.
-- metadata: the app backend's own JSON object.
ALTER TABLE sessions ADD COLUMN state VARCHAR(16) NOT NULL DEFAULT 'live';
ALTER TABLE sessions ADD COLUMN metadata TEXT;
UPDATE sessions SET state = CASE
  WHEN ended = 1 THEN 'ended'
  WHEN awaiting_resume = 1 AND termination_reason IS NOT NULL THEN 'terminated'
  WHEN awaiting_resume = 1 THEN 'awaiting_resume'
  ELSE 'live' END;
CREATE INDEX sessions_by_state ON sessions (state, created_at, session_id);
CREATE INDEX sessions_by_creation ON sessions (created_at, session_id);
