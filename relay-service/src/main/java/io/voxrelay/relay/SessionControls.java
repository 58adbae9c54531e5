package io.voxrelay.relay;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.ControlFit;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One relay session's controls, in one pass: a client's control is stored with its event and the client cursor
 * (the session service checks it against the stored state), then carried out upstream; a typed turn is checked
 * here ({@link ControlFit}) and waits for its moment ({@link TurnTaking}), to be stored when it enters the
 * conversation. Each client seq is carried out once: the cursor is mirrored here, and a resend while its control
 * is being stored waits for that. Typed turns that could not enter in time are taken back. Confined to the relay
 * verticle's event loop.
 */
final class SessionControls {

  private static final Logger LOG = LoggerFactory.getLogger(SessionControls.class);
  /** Controls being stored at once, at most: a gateway sends one connection's controls one after another. */
  static final int MAX_STORING = 8;

  /** What the controls need from their session. */
  interface Host {
    /** Sends the client an event (stored and replayed), then closes its socket with {@code closeCode} (0: none). */
    void toClient(String json, int closeCode);

    /**
     * Stores {@code control} after every event sent before it: its state change, its event (delivered, then a
     * close with {@code closeCode} if not 0) and the client cursor, in one transaction. Completes with the session
     * after it; fails with the store's refusal.
     */
    Future<SessionControlReply> storeControl(ClientControl control, int closeCode);

    /** The client connection events go to now, or null while none is attached. */
    String connectionId();

    /** The session ends by {@code exit} ({@link SessionLife}). */
    void end(SessionLife.Exit exit);

    /** The client did something: the guard's idle clock starts again. */
    void active();
  }

  private final String sessionId;
  private final UpstreamOptions defaults;
  private final ConversationState state;
  private final TurnTaking turns;
  private final Runnable cancelToolCalls;
  private final SessionLife life;
  private final Supplier<UpstreamChannel> link;
  private final Host host;
  private final Map<Long, Future<SessionControlReply>> storing = new HashMap<>();

  /**
   * @param defaults        the relay's upstream session options (a session's own override them)
   * @param cancelToolCalls cancels the tool calls under way (a pause)
   * @param link            the current upstream link, or null while there is none
   */
  SessionControls(UpstreamOptions defaults, ConversationState state, TurnTaking turns, Runnable cancelToolCalls,
                  SessionLife life, Supplier<UpstreamChannel> link, Host host) {
    this.sessionId = state.sessionId();
    this.defaults = defaults;
    this.state = state;
    this.turns = turns;
    this.cancelToolCalls = cancelToolCalls;
    this.life = life;
    this.link = link;
    this.host = host;
  }

  /**
   * Carries out a client's control, once per client seq.
   *
   * @return the session after it; a failed future when it cannot be carried out now ({@link Moving} while the
   *         session is handed over; a {@link ReplyException} with a {@link BusFailure} code when it does not fit
   *         the session; otherwise no upstream link, or too many controls or typed turns waiting)
   */
  Future<SessionControlReply> apply(RelayControlRequest request) {
    if (life.isLeaving()) {
      return Future.failedFuture(new Moving());
    }
    host.active();
    long seq = request.clientSeq();
    Future<SessionControlReply> underWay = storing.get(seq);
    if (underWay != null) {
      return underWay;
    }
    if (turns.seen(seq)) {
      return Future.succeededFuture(new SessionControlReply(state.snapshot(), true));
    }
    String attached = host.connectionId();
    if (request.connectionId() != null && attached != null && !request.connectionId().equals(attached)) {
      return refused(BusFailure.SUPERSEDED, "a newer connection took this session over");
    }
    return request.control() == Control.TEXT ? acceptText(request.text(), seq) : store(request.control(), seq,
        request.connectionId());
  }

  private Future<SessionControlReply> acceptText(String text, long seq) {
    ControlFit.Refusal refusal = ControlFit.check(Control.TEXT, state.snapshot());
    if (refusal != null) {
      return refused(refusal.code(), refusal.message());
    }
    if (!turns.acceptText(text, seq)) {
      return Future.failedFuture("too many typed turns are waiting for an answer");
    }
    turns.progress(link.get());
    return Future.succeededFuture(new SessionControlReply(state.snapshot(), false));
  }

  private Future<SessionControlReply> store(Control control, long seq, String connectionId) {
    if (control != Control.END && link.get() == null) {
      // Nothing is stored: the client sends it again, and it is carried out on the link that opens.
      return Future.failedFuture("the AI service is reconnecting");
    }
    if (storing.size() >= MAX_STORING) {
      return Future.failedFuture("too many controls are under way");
    }
    Future<SessionControlReply> stored = host.storeControl(new ClientControl(control, seq, connectionId),
            control == Control.END ? CloseCode.NORMAL.code() : 0)
        .map(reply -> carryOut(control, seq, reply))
        .recover(e -> Future.failedFuture(asReply(e)));
    if (seq > 0 && !stored.isComplete()) {
      storing.put(seq, stored);
      stored.onComplete(ar -> storing.remove(seq));
    }
    return stored;
  }

  /** The control is stored (its event is on its way to the client): the upstream follows the new state. */
  private SessionControlReply carryOut(Control control, long seq, SessionControlReply reply) {
    turns.accepted(seq);
    if (reply.duplicate() || life.isClosed()) {
      return reply;
    }
    state.update(reply.session());
    if (control == Control.END) {
      LOG.info("[Relay] interview {} ended by the client", sessionId);
      host.end(SessionLife.Exit.ENDED);
      return reply;
    }
    UpstreamChannel current = link.get();
    if (current != null) {
      // A link that opens later is configured from the state, which has the control already.
      UpstreamControls.apply(current, control, state, defaults, turns);
    }
    if (control == Control.PAUSE) {
      cancelToolCalls.run();
    }
    turns.progress(current);
    return reply;
  }

  /**
   * Takes back typed turns that could not enter the conversation in time: none is stored, so the client cursor
   * is below them; the client is told of each (a stored error carrying its seq) and sends it again.
   */
  void withdraw(List<Long> seqs) {
    seqs.forEach(seq -> host.toClient(ServerEvents.turnWithdrawn(seq), 0));
  }

  /**
   * A failure as the gateway reads it: the store's refusal keeps its code; a fenced claim says this relay does
   * not hold the session ({@link BusFailure#NOT_FOUND}), so the control goes where the session moves.
   */
  private static Throwable asReply(Throwable e) {
    if (BusFailure.is(e, BusFailure.FENCED)) {
      return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.NOT_FOUND, "this relay lost the session");
    }
    return e;
  }

  private static Future<SessionControlReply> refused(int code, String message) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message));
  }

  /** A control refused because the session is moving to another relay: the gateway sends it there. */
  static final class Moving extends RuntimeException {
    Moving() {
      super("this relay is handing the session over", null, false, false);
    }
  }
}
