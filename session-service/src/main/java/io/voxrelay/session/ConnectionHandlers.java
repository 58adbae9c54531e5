package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientDisconnected;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.config.BudgetConfig;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;

import static io.voxrelay.session.BusReplies.answer;
import static io.voxrelay.session.BusReplies.fail;

/**
 * The session service's side of sessions and their resume tokens: a session created with its first token, a
 * client connecting with its token (rotated), confirming the new one, and leaving.
 */
final class ConnectionHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandlers.class);

  private final SessionStore store;
  private final BudgetConfig budgets;
  private final long tokenTtlMs;
  private final Clock clock;

  ConnectionHandlers(SessionStore store, BudgetConfig budgets, long tokenTtlMs, Clock clock) {
    this.store = store;
    this.budgets = budgets;
    this.tokenTtlMs = tokenTtlMs;
    this.clock = clock;
  }

  /** Registers this instance's consumers on the shared session-service addresses. */
  List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
        bus.<CreateSession>consumer(Addresses.SESSION_CREATE, this::create),
        bus.<ConnectSession>consumer(Addresses.SESSION_CONNECT, this::connect),
        bus.<ConfirmConnection>consumer(Addresses.SESSION_CONFIRM, m -> answer(m, "confirm", confirm(m.body()))),
        bus.<ClientDisconnected>consumer(Addresses.SESSION_DISCONNECTED, m -> answer(m, "disconnected",
            disconnected(m.body()))));
  }

  private void create(Message<CreateSession> message) {
    CreateSession request = message.body();
    Budget limits;
    try {
      limits = budgets.admit(request.limits());
    } catch (IllegalArgumentException e) {
      message.fail(BusFailure.BAD_REQUEST, e.getMessage());
      return;
    }
    String token = Tokens.newToken();
    long now = clock.millis();
    SessionRecord session = SessionRecord.create(Tokens.newSessionId(), request.instructions(),
        request.questions(), request.tools(), request.upstream(), Tokens.hash(token), now + tokenTtlMs, now)
        .toBuilder().limits(limits).build();
    store.sessions().insert(session)
        .onSuccess(v -> {
          LOG.info("[SessionService] Session created: {} ({} questions)", session.sessionId(),
              session.questions().size());
          message.reply(new SessionCreated(session.sessionId(), token));
        })
        .onFailure(e -> fail(message, "create", e));
  }

  /**
   * Checks the token and rotates it in one atomic update, recording this connection as the session's live
   * one (the gateway closes the one it replaces). Unknown session, wrong token, expired token and a token
   * already replaced all answer {@link BusFailure#UNAUTHORIZED}; only a valid token learns that the
   * interview has ended.
   *
   * <p>The token a rotation replaces stays valid until the client confirms it received the new one
   * ({@link ConfirmConnection}, sent by the gateway on the client's first frame): a connection that drops
   * before {@code connected} arrives cannot lock its client out.
   */
  private void connect(Message<ConnectSession> message) {
    ConnectSession request = message.body();
    String newToken = Tokens.newToken();
    String newHash = Tokens.hash(newToken);
    long now = clock.millis();
    boolean[] resumed = new boolean[1];
    String[] previous = new String[2];
    store.sessions().update(request.sessionId(), s -> {
          if (request.deadline() > 0 && clock.millis() > request.deadline()) {
            // The gateway gave up on this hello and its client has retried: applying it now could rotate the
            // token, or take the session from the retry's connection, after the retry was answered.
            throw new ControlRules.Refused(BusFailure.UNAVAILABLE, "the connect came too late");
          }
          boolean current = Tokens.matches(request.token(), s.tokenHash());
          boolean replaced = !current && Tokens.matches(request.token(), s.previousTokenHash());
          if (!(current || replaced) || s.tokenExpiresAt() <= now) {
            throw new BusReplies.Unauthorized();
          }
          if (s.ended()) {
            throw new ControlRules.Refused(BusFailure.GONE, "the interview has ended");
          }
          resumed[0] = s.connections() > 0;
          previous[0] = s.gatewayNode();
          previous[1] = s.connectionId();
          // A connecting client is alive: that counts as its heartbeat.
          return s.toBuilder().token(newHash, now + tokenTtlMs)
              .previousTokenHash(current ? s.tokenHash() : s.previousTokenHash())
              .gatewayNode(request.gatewayNode()).connectionId(request.connectionId())
              .connections(s.connections() + 1).lastHeartbeatAt(now).build();
        })
        // The history comes with the replay, read after the latest seq: it holds every turn whose event the
        // client may have processed, so a client never loses a turn it already showed.
        .compose(s -> store.events().replay(s.sessionId(), request.lastSeq(), true)
            .map(replay -> new SessionConnected(s.toBuilder().history(replay.history()).build().snapshot(), newToken,
                resumed[0], replay, previous[0], previous[1])))
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "connect", e instanceof NoSuchElementException ? new BusReplies.Unauthorized() : e));
  }

  /** The client has its new token: the one it replaced stops working. */
  private Future<Void> confirm(ConfirmConnection request) {
    return store.sessions().update(request.sessionId(), s -> request.connectionId().equals(s.connectionId())
            && s.previousTokenHash() != null ? s.toBuilder().previousTokenHash(null).build() : s)
        .mapEmpty();
  }

  /** No client is connected now, unless a newer connection took the session over before this came. */
  private Future<Void> disconnected(ClientDisconnected request) {
    return store.sessions().update(request.sessionId(), s -> request.connectionId().equals(s.connectionId())
            ? s.toBuilder().connectionId(null).gatewayNode(null).build() : s)
        .mapEmpty();
  }
}
