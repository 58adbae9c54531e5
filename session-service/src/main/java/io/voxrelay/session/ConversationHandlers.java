package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.GetTranscript;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.SessionSnapshot;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;

import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;

import static io.voxrelay.session.BusReplies.answer;

/**
 * The session service's side of a conversation: a client's control applied to the state, the numbered events
 * stored and replayed, the session's snapshot and its whole transcript.
 */
final class ConversationHandlers {

  private final SessionStore store;
  private final Clock clock;

  ConversationHandlers(SessionStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Registers this instance's consumers on the shared session-service addresses. */
  List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
        bus.<SessionControlRequest>consumer(Addresses.SESSION_CONTROL, m -> answer(m, "control", control(m.body()))),
        bus.<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> answer(m, "emit", emit(m.body()))),
        bus.<ReplayRequest>consumer(Addresses.SESSION_REPLAY, m -> answer(m, "replay",
            store.events().replay(m.body().sessionId(), m.body().afterSeq()))),
        bus.<GetSession>consumer(Addresses.SESSION_GET, m -> answer(m, "get", get(m.body().sessionId()))),
        bus.<GetTranscript>consumer(Addresses.SESSION_TRANSCRIPT, m -> answer(m, "transcript",
            store.events().transcript(m.body().sessionId(), m.body().afterPosition(), m.body().limit()))));
  }

  /**
   * Applies a control to a session no relay holds, once per client seq: a resend of a seq processed already
   * changes nothing and is answered as a duplicate. Only the session's live connection may control it. A resume
   * does not move the client cursor: it opens a relay, which carries it out and stores it as any control. A
   * typed turn that fits is refused as unavailable: only a relay carries one out.
   */
  Future<SessionControlReply> control(SessionControlRequest request) {
    long now = clock.millis();
    ClientControl from = new ClientControl(request.control(), request.clientSeq(), request.connectionId());
    boolean[] duplicate = new boolean[1];
    return store.sessions().update(request.sessionId(), s -> {
          SessionRecord after = ControlRules.applyFrom(s, from, now);
          duplicate[0] = after == s;
          if (request.control() == Control.TEXT && !duplicate[0]) {
            // It fits, but only a relay can carry it out: refused unstored, so the client sends it again.
            throw new ControlRules.Refused(BusFailure.UNAVAILABLE, "no relay holds the session now; send it again");
          }
          return request.control() == Control.RESUME && !duplicate[0]
              ? after.toBuilder().lastClientSeq(s.lastClientSeq()).build() : after;
        })
        // Only a resume may open a new upstream (from the gateway), which needs the conversation to restore.
        .compose(session -> request.control() == Control.RESUME ? store.sessions().find(session.sessionId())
            : Future.succeededFuture(session))
        .map(session -> new SessionControlReply(session.snapshot(), duplicate[0]));
  }

  /** Events, with the turns they finish, or a client's control a relay carried out: stored in one transaction. */
  private Future<EmittedEvents> emit(EmitEvents request) {
    long now = clock.millis();
    return request.control() != null
        ? store.events().storeControl(request.sessionId(), request.emitKey(), request.relayEpoch(), request.control(),
            now)
        : store.events().appendEvents(request.sessionId(), request.emitKey(), request.relayEpoch(), request.events(),
            request.turns(), request.clientSeq(), now).map(EmittedEvents::new);
  }

  private Future<SessionSnapshot> get(String sessionId) {
    return store.sessions().find(sessionId).compose(s -> s == null ? Future.failedFuture(new NoSuchElementException())
        : Future.succeededFuture(s.snapshot()));
  }
}
