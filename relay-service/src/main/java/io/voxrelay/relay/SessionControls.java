package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.ControlsWithdrawn;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.RelayControlDone;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.WithdrawControls;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * One relay session's controls: a client's control or typed turn carried out upstream once per client seq,
 * recorded in the store under the relay's claim, and typed turns taken back when they could not enter in time.
 * Confined to the relay verticle's event loop.
 */
final class SessionControls {

  private static final Logger LOG = LoggerFactory.getLogger(SessionControls.class);

  /** What the controls need from their session. */
  interface Host {
    /** Sends the client an event (stored and replayed), then closes its socket with {@code closeCode} (0: none). */
    void toClient(String json, int closeCode);

    /** The session ends by {@code exit} ({@link SessionLife}). */
    void end(SessionLife.Exit exit);

    /** The client did something: the guard's idle clock starts again. */
    void active();
  }

  private final Vertx vertx;
  private final String sessionId;
  private final long epoch;
  private final RelayConfig config;
  private final ConversationState state;
  private final TurnTaking turns;
  private final ToolCalls toolCalls;
  private final SessionLife life;
  private final Supplier<UpstreamLink> link;
  private final Host host;

  SessionControls(Vertx vertx, long epoch, RelayConfig config, ConversationState state, TurnTaking turns,
                  ToolCalls toolCalls, SessionLife life, Supplier<UpstreamLink> link, Host host) {
    this.vertx = vertx;
    this.sessionId = state.sessionId();
    this.epoch = epoch;
    this.config = config;
    this.state = state;
    this.turns = turns;
    this.toolCalls = toolCalls;
    this.life = life;
    this.link = link;
    this.host = host;
  }

  /**
   * Carries out a control upstream, given the session state after it.
   *
   * @return a failed future when the control cannot be carried out now ({@link Moving} while the session is
   *         handed over; otherwise no upstream link, or too many typed turns waiting)
   */
  Future<Void> apply(Control control, String text, long clientSeq, SessionSnapshot snapshot) {
    if (life.isLeaving()) {
      return Future.failedFuture(new Moving());
    }
    state.update(snapshot);
    host.active();
    if (turns.seen(clientSeq)) {
      return Future.succeededFuture();
    }
    if (control == Control.TEXT) {
      if (!turns.acceptText(text, clientSeq)) {
        return Future.failedFuture("too many typed turns are waiting for an answer");
      }
      turns.progress(link.get());
      return Future.succeededFuture();
    }
    if (control == Control.END) {
      turns.accepted(clientSeq);
      ServerEvents.afterControl(control, snapshot).ifPresent(e -> host.toClient(e, CloseCode.NORMAL.code()));
      LOG.info("[Relay] interview {} ended by the client", sessionId);
      host.end(SessionLife.Exit.ENDED);
      return Future.succeededFuture();
    }
    UpstreamLink current = link.get();
    if (current == null) {
      return Future.failedFuture("the AI service is reconnecting");
    }
    UpstreamControls.apply(current, control, state, config.upstreamDefaults(), turns);
    if (control == Control.PAUSE) {
      toolCalls.cancelAll("the user paused the interview", true);
    }
    turns.accepted(clientSeq);
    if (clientSeq > 0) {
      recordApplied(clientSeq);
    }
    ServerEvents.afterControl(control, snapshot).ifPresent(e -> host.toClient(e, 0));
    turns.progress(current);
    return Future.succeededFuture();
  }

  /**
   * Records in the store that this relay carried out {@code clientSeq}, retried until acknowledged: a relay
   * taking the session over later does not carry it out again. Refused as fenced: this relay lost the session.
   */
  private void recordApplied(long clientSeq) {
    DurableRequests.request(vertx, Addresses.SESSION_CONTROL_APPLIED, new RelayControlDone(sessionId, clientSeq,
            epoch), DurableRequests.Policy.standard(config.busTimeoutMs()))
        .onFailure(e -> {
          if (isFenced(e)) {
            host.end(SessionLife.Exit.FENCED);
          } else {
            LOG.warn("[Relay] carrying out client message {} of {} was not recorded: {}", clientSeq, sessionId,
                e.getMessage());
          }
        });
  }

  /**
   * Takes back typed turns that could not enter the conversation in time: the session service forgets it
   * processed {@code seqs}, then the client is told of each (a stored error carrying its seq) and sends it
   * again. Refused as fenced: this relay lost the session.
   */
  Future<Boolean> withdraw(List<Long> seqs) {
    return BusRequests.<ControlsWithdrawn>request(vertx, Addresses.SESSION_WITHDRAW_CONTROLS,
            new WithdrawControls(sessionId, epoch, seqs), new DeliveryOptions().setSendTimeout(config.busTimeoutMs()))
        .map(reply -> {
          if (reply.body().withdrawn()) {
            seqs.forEach(seq -> host.toClient(ServerEvents.turnWithdrawn(seq), 0));
          }
          return reply.body().withdrawn();
        })
        .onFailure(e -> {
          if (isFenced(e)) {
            host.end(SessionLife.Exit.FENCED);
          }
        });
  }

  private static boolean isFenced(Throwable e) {
    return e instanceof ReplyException re && re.failureCode() == BusFailure.FENCED;
  }

  /** A control refused because the session is moving to another relay: the gateway sends it there. */
  static final class Moving extends RuntimeException {
    Moving() {
      super("this relay is handing the session over", null, false, false);
    }
  }
}
