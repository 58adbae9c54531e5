-- voxrelay schema v11: server-side function tools.
-- tools: the session's function tools and tool choice (SessionTools as JSON), fixed at creation; null for none.
ALTER TABLE sessions ADD COLUMN tools TEXT;
