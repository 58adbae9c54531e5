package io.voxrelay.common.bus;

import java.util.List;

/**
 * Server events a client must not miss, in order: the session service numbers and stores them (for replay
 * until acknowledged) and answers {@link EmittedEvents}; the sender then delivers them. A sender keeps at
 * most one batch per session in flight, so numbering follows the order it emitted in.
 *
 * <p>The finished turns whose {@code transcript.done} events are in the batch travel with it and join the
 * session's history in the same transaction as the events: the history and the event stream never disagree.
 *
 * @param emitKey          the batch's idempotency key, unique per sender and batch: a batch sent again (its
 *                         reply was lost) is answered with the seqs it got the first time, never stored twice
 * @param relayEpoch       the sending relay's claim epoch, or 0 from a sender that holds no claim (a gateway):
 *                         a stale epoch fails with {@link BusFailure#FENCED} and nothing is stored
 * @param turns            finished turns to append to the history, in order (each at most once per item id)
 * @param clientSeq        the typed turn among {@code turns} that carried out a client message, by its client seq
 *                         (0: none): the session's client cursor moves to it in the same transaction, so a typed
 *                         turn is either recorded or still to do
 * @param control          a client's control the batch carries instead of events (null: none): its state change,
 *                         its event and the cursor are stored together, and the reply says the session after it
 * @param closeCode        when not 0, the client is to be closed with it after the last event
 */
public record EmitEvents(String sessionId, String emitKey, long relayEpoch, List<String> events, List<Turn> turns,
                         long clientSeq, ClientControl control, int closeCode) {
  public EmitEvents {
    events = List.copyOf(events);
    turns = turns == null ? List.of() : List.copyOf(turns);
  }
}
