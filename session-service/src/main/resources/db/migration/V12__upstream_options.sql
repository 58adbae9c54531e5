-- voxrelay schema v12: a session's own upstream session options (UpstreamOptions as JSON), fixed at creation;
-- null when it sets none (the relay's defaults apply).
ALTER TABLE sessions ADD COLUMN upstream_options TEXT;
