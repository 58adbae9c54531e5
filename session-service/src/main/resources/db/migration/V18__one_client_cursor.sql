-- voxrelay schema v18: one client cursor. sessions.last_client_seq is moved in the transaction that stores what a
-- client message did: by the relay carrying it out (the typed turn, or the control with its event), or by the
-- session service for a session no relay holds. The second cursor (the highest message a relay carried out) goes.
ALTER TABLE sessions DROP COLUMN applied_client_seq;
