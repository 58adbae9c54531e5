package io.voxrelay.session;

import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Future;

import java.util.List;

/** The store's numbered events, the history and replay ({@link EventLog}). Its I/O runs off the event loop. */
interface EventsStore {

  /**
   * Numbers and stores server events for replay, in order, and drops what is past the replay bound.
   * Returns the events with their {@code seq}.
   */
  default Future<List<NumberedEvent>> appendEvents(String sessionId, List<String> events, long now) {
    return appendEvents(sessionId, events, List.of(), 0, now);
  }

  /**
   * Numbers and stores server events as {@link #appendEvents(String, List, long)} does and, in the same
   * transaction, appends {@code turns} to the history (a turn whose item id is there already is skipped, so
   * a batch stored twice adds each turn once) and moves the client cursor ({@link ClientCursor}) to
   * {@code clientSeq}, the typed turn's client seq (0: none). Either all of it is stored, or none.
   */
  default Future<List<NumberedEvent>> appendEvents(String sessionId, List<String> events, List<Turn> turns,
                                                   long clientSeq, long now) {
    return appendEvents(sessionId, null, 0, events, turns, clientSeq, now);
  }

  /**
   * As {@link #appendEvents(String, List, List, long, long)}, applied once per {@code emitKey} (null: no key):
   * a batch stored under that key before is answered with the events it stored then (those still kept), and
   * nothing is written. With {@code relayEpoch} above 0 (a relay's batch), fails with {@link StaleClaim} and
   * writes nothing when the session has been claimed under a newer epoch since.
   */
  Future<List<NumberedEvent>> appendEvents(String sessionId, String emitKey, long relayEpoch, List<String> events,
                                           List<Turn> turns, long clientSeq, long now);

  /**
   * Applies a client's control, carried out by the relay of claim {@code relayEpoch}, and stores its event, in
   * one transaction: the state change ({@link ControlRules#applyFrom}), the client cursor and the numbered
   * event. Answers the event and the session after it; a control at or below the cursor changes nothing and is
   * answered as a duplicate, as is one whose {@code emitKey} was stored before. Fails with {@link StaleClaim}
   * (nothing written) under a stale claim, and with {@link ControlRules.Refused} when the control does not fit.
   */
  Future<EmittedEvents> storeControl(String sessionId, String emitKey, long relayEpoch, ClientControl control,
                                     long now);

  /** The stored events after {@code afterSeq}, and whether some of them are no longer kept. */
  default Future<Replay> replay(String sessionId, long afterSeq) {
    return replay(sessionId, afterSeq, false);
  }

  /**
   * As {@link #replay(String, long)}; with {@code withHistory}, the most recent turns too, read after the
   * session's latest seq, so they include every turn whose event has a seq at or below it.
   */
  Future<Replay> replay(String sessionId, long afterSeq, boolean withHistory);

  /**
   * A page of the whole history: up to {@code limit} turns after position {@code afterPosition}, oldest
   * first. Fails with {@link java.util.NoSuchElementException} when the session does not exist.
   */
  Future<TranscriptPage> transcript(String sessionId, long afterPosition, int limit);
}
