-- voxrelay schema v7: events past the replay age are pruned by the retention sweep, for every session,
-- ended ones included (an append prunes only its own session). The sweep reads them through this index.
CREATE INDEX session_events_by_age ON session_events (created_at);
