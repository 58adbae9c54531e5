-- voxrelay schema v14: a session's limits on what it may cost (Budget as JSON; null: none), set at creation and
-- changed by the app's backend.
ALTER TABLE sessions ADD COLUMN limits TEXT;
