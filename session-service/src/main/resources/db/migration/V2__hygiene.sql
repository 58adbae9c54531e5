-- voxrelay schema v2: what the watchdog sweeps by, indexed so a sweep costs what expires, not what lives.
-- started_at: start of the current run (creation, or the last resume after a termination).
-- last_activity_at: the later of the last forwarded audio and the last interaction.
ALTER TABLE sessions ADD COLUMN started_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_activity_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET started_at = created_at,
  last_activity_at = CASE WHEN last_audio_activity_at > last_interaction_at
                          THEN last_audio_activity_at ELSE last_interaction_at END;
CREATE INDEX sessions_by_start ON sessions (ended, awaiting_resume, started_at);
CREATE INDEX sessions_by_heartbeat ON sessions (ended, awaiting_resume, last_heartbeat_at);
CREATE INDEX sessions_by_activity ON sessions (ended, awaiting_resume, paused, last_activity_at);
