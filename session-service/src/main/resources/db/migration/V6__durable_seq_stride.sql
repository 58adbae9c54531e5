-- voxrelay schema v6: durable events are numbered 1 000 000, 2 000 000, … (EventSeq.STRIDE), so that the
-- transient events a relay sends between two of them have seqs in between without the store numbering them.
-- Stored seqs, the replay floor and the seq inside each stored event's JSON (it starts {"seq":N,) scale alike.
UPDATE session_events SET
  event = '{"seq":' || (seq * 1000000) || SUBSTR(event, LENGTH('{"seq":' || seq) + 1),
  seq = seq * 1000000;
UPDATE sessions SET last_event_seq = last_event_seq * 1000000, event_floor = event_floor * 1000000;
