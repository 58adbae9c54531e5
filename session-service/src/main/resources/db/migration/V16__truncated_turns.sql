-- voxrelay schema v16: an AI answer the user spoke over keeps the part that was heard. played_ms: how much of its
-- audio the client played (null: the turn was not cut short by the user); its text is cut to match.
ALTER TABLE session_turns ADD COLUMN played_ms BIGINT;
