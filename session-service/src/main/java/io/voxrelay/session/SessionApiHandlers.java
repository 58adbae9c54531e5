package io.voxrelay.session;

import io.voxrelay.common.config.BudgetConfig;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.DescribeSession;
import io.voxrelay.common.bus.EndSession;
import io.voxrelay.common.bus.DeleteSession;
import io.voxrelay.common.bus.ListSessions;
import io.voxrelay.common.bus.SessionList;
import io.voxrelay.common.bus.SessionStatus;
import io.voxrelay.common.bus.TerminateUpstream;
import io.voxrelay.common.bus.UpdateSession;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.SessionState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import static io.voxrelay.session.BusReplies.answer;

/**
 * The session service's side of the session API (the app's backend, through a gateway): read a session,
 * list sessions by state, keep the backend's metadata with a session, and end a session.
 */
final class SessionApiHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(SessionApiHandlers.class);

  /** How long an erasure waits for a live session's client to be told it ended. */
  static final long NOTICE_WAIT_MS = 2_000;

  /** The most sessions one page of the list holds, whatever is asked. */
  static final int MAX_PAGE = 500;

  private final BudgetConfig budgets;
  private final Vertx vertx;
  private final SessionStore store;
  private final ClientNotices notices;
  private final Clock clock;
  /** How long a webhook delivery under way may still take: its attempt's deadline, and a second for its answer. */
  private final long webhookInFlightMs;

  /** @param webhookAttemptMs a webhook delivery attempt's deadline ({@code VOXRELAY_WEBHOOK_TIMEOUT_MS}) */
  SessionApiHandlers(Vertx vertx, SessionStore store, ClientNotices notices, BudgetConfig budgets, Clock clock,
                     long webhookAttemptMs) {
    this.webhookInFlightMs = webhookAttemptMs + 1_000;
    this.budgets = budgets;
    this.vertx = vertx;
    this.store = store;
    this.notices = notices;
    this.clock = clock;
  }

  /** Registers this instance's consumers on the shared session-service addresses. */
  List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
        bus.<DescribeSession>consumer(Addresses.SESSION_DESCRIBE, m -> answer(m, "describe",
            describe(m.body().sessionId()))),
        bus.<ListSessions>consumer(Addresses.SESSION_LIST, m -> answer(m, "list", list(m.body()))),
        bus.<UpdateSession>consumer(Addresses.SESSION_UPDATE, m -> answer(m, "update", update(m.body()))),
        bus.<EndSession>consumer(Addresses.SESSION_END, m -> answer(m, "end", end(m.body().sessionId()))),
        bus.<DeleteSession>consumer(Addresses.SESSION_DELETE, m -> answer(m, "delete", delete(m.body().sessionId()))));
  }

  Future<SessionStatus> describe(String sessionId) {
    return store.sessions().find(sessionId).compose(s -> s == null ? Future.failedFuture(new NoSuchElementException())
        : Future.succeededFuture(s.status()));
  }

  Future<SessionList> list(ListSessions request) {
    SessionState state = null;
    if (request.state() != null) {
      state = SessionState.parse(request.state()).orElse(null);
      if (state == null) {
        return refused("no such state: " + request.state());
      }
    }
    ListCursor before = ListCursor.parse(request.before()).orElse(null);
    if (before == null) {
      return refused("not a cursor this service made");
    }
    int limit = Math.max(1, Math.min(MAX_PAGE, request.limit()));
    // One more than the page: whether a next page exists, without a count.
    return store.sessions().list(state, before, limit + 1).map(found -> {
      List<SessionRecord> page = found.size() > limit ? found.subList(0, limit) : found;
      String next = found.size() > limit ? ListCursor.after(page.get(page.size() - 1)).text() : null;
      return new SessionList(page.stream().map(SessionRecord::status).toList(), next);
    });
  }

  Future<SessionStatus> update(UpdateSession request) {
    if (request.setLimits()) {
      try {
        budgets.admit(request.limits());
      } catch (IllegalArgumentException e) {
        return refused(e.getMessage());
      }
    }
    return store.sessions().update(request.sessionId(), s -> {
      String metadata = request.setMetadata() ? request.metadata() : s.metadata();
      var limits = request.setLimits() ? request.limits() : s.limits();
      // New limits are warned about afresh.
      return Objects.equals(s.metadata(), metadata) && s.limits().equals(limits) ? s
          : s.toBuilder().metadata(metadata).limits(limits)
              .budgetWarnedAt(s.limits().equals(limits) ? s.budgetWarnedAt() : 0).build();
    }).map(SessionRecord::status);
  }

  /**
   * Ends the session as {@code end_interview} does, once: the change is stored first, then the client is told
   * ({@code interview.ended}, close 1000) and the relay closes the upstream. Ending an ended session answers
   * its status and does nothing else.
   */
  Future<SessionStatus> end(String sessionId) {
    return end(sessionId, Promise.promise());
  }

  /**
   * Erases the session: ends it first when it is live (its client told, within the notice's own bound), then
   * deletes every row of it and queues {@code session.deleted} ({@link RetentionStore#erase}). Fails
   * {@link NoSuchElementException} (404) for no session, and for one erased before.
   */
  Future<Void> delete(String sessionId) {
    Promise<Void> told = Promise.promise();
    // The client's notice normally goes out in milliseconds; the erasure waits for it no longer than this, well
    // inside the gateway's own wait for the answer (one bus timeout).
    long waitTimer = vertx.setTimer(NOTICE_WAIT_MS, t -> told.tryComplete());
    return end(sessionId, told)
        .compose(status -> told.future())
        .onComplete(v -> vertx.cancelTimer(waitTimer))
        .compose(v -> store.retention().erase(sessionId, clock.millis(), webhookInFlightMs))
        .compose(erased -> erased ? Future.<Void>succeededFuture() : Future.failedFuture(new NoSuchElementException()))
        .onSuccess(v -> LOG.info("[SessionService] Session erased by the app's backend: {}", sessionId));
  }

  /** {@link #end(String)}; {@code told} completes once the client's notice is settled (at once if none is sent). */
  private Future<SessionStatus> end(String sessionId, Promise<Void> told) {
    long now = clock.millis();
    String[] nodes = new String[2];
    boolean[] endedNow = new boolean[1];
    return store.sessions().update(sessionId, s -> {
          endedNow[0] = !s.ended();
          if (!endedNow[0]) {
            return s;
          }
          nodes[0] = s.gatewayNode();
          nodes[1] = s.relayNode();
          return ControlRules.apply(s, Control.END, now).toBuilder().relayNode(null).build();
        })
        .onSuccess(s -> {
          if (endedNow[0]) {
            LOG.info("[SessionService] Session ended by the app's backend: {}", sessionId);
            notices.send(sessionId, "ended-" + s.version(), ServerEvents.interviewEnded(), CloseCode.NORMAL, nodes[0])
                .onComplete(ar -> told.tryComplete());
            if (nodes[1] != null) {
              vertx.eventBus().send(Addresses.relayNode(nodes[1]), new TerminateUpstream(sessionId));
            }
          } else {
            told.tryComplete();
          }
        })
        .onFailure(e -> told.tryComplete())
        .map(SessionRecord::status);
  }

  private static <T> Future<T> refused(String message) {
    return Future.failedFuture(new ControlRules.Refused(BusFailure.BAD_REQUEST, message));
  }
}
