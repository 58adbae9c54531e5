-- voxrelay schema v17: relay leases. Each relay node holds one lease, renewed once a second; a session's claim
-- (sessions.relay_node, sessions.relay_epoch) holds while its node's lease does. expires_at is the store's own
-- clock (milliseconds), so every session-service instance judges a lease alike. lease_id changes whenever a
-- lease is granted anew, so a relay learns that its lease ran out meanwhile.
-- relay_lease_clock: when the store took its last renewal of any relay; a silence longer than a lease's time to
-- live is an outage of the session service, after which every lease that was valid runs one more time to live.
CREATE TABLE relay_leases (
  relay_node VARCHAR(64) PRIMARY KEY,
  lease_id   BIGINT      NOT NULL,
  expires_at BIGINT      NOT NULL
);
CREATE TABLE relay_lease_clock (
  id              INTEGER PRIMARY KEY,
  last_renewal_at BIGINT  NOT NULL
);
INSERT INTO relay_lease_clock (id, last_renewal_at) VALUES (1, 0);
