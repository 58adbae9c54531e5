-- voxrelay schema v4: a turn is stored in the transaction that stores its transcript.done event, at most once
-- per item id (a batch stored twice adds nothing); this index makes that check a lookup.
CREATE INDEX session_turns_by_item ON session_turns (session_id, item_id);
