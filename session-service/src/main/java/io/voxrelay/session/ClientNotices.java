package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * The last word to a session's client when the session service itself ends the session (a termination, an
 * end from the session API): an event like any other, numbered and stored first, so it is never missed, then
 * handed to the client's gateway, which closes the socket after it.
 */
final class ClientNotices {

  private static final Logger LOG = LoggerFactory.getLogger(ClientNotices.class);

  /** Attempts at storing a notice: with their backoff, about 20 s of a store that fails. */
  private static final int STORE_ATTEMPTS = 8;
  /** How long a gateway has to hand the notice to its client: a local write, far under any bus timeout. */
  private static final long DELIVERY_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final SessionStore store;
  private final Clock clock;

  ClientNotices(Vertx vertx, SessionStore store, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Stores {@code event} once under {@code key} (retried until the store takes it), then has gateway
   * {@code gatewayNode} (null: none holds the client) deliver it and close with {@code close} (null: the
   * connection stays open), until it has
   * or answers that the client is gone: a client away gets the notice by replay when it comes back. The
   * future completes once that is settled, whichever way (failures are logged here).
   */
  Future<Void> send(String sessionId, String key, String event, CloseCode close, String gatewayNode) {
    return storeOnce(sessionId, key, event, 1)
        .compose(stored -> gatewayNode == null ? Future.succeededFuture()
            : DurableRequests.request(vertx, Addresses.gatewayNode(gatewayNode),
                ToClient.numbered(sessionId, stored.get(0), close == null ? 0 : close.code()),
                DurableRequests.Policy.standard(DELIVERY_TIMEOUT_MS)))
        .onFailure(e -> {
          if (e instanceof ReplyException re && (re.failureType() == ReplyFailure.NO_HANDLERS
              || re.failureCode() == BusFailure.NOT_FOUND)) {
            LOG.info("[SessionService] the client of {} is gone; it gets the notice when it returns", sessionId);
          } else {
            LOG.warn("[SessionService] notice to the client of {} not delivered: {}", sessionId, e.toString());
          }
        })
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Stores the notice, retrying with backoff ({@link #STORE_ATTEMPTS} attempts in all). */
  private Future<List<NumberedEvent>> storeOnce(String sessionId, String key, String event, int attempt) {
    return store.events().appendEvents(sessionId, key, 0, List.of(event), List.of(), 0, clock.millis())
        .recover(e -> {
          if (attempt >= STORE_ATTEMPTS) {
            return Future.failedFuture(e);
          }
          LOG.warn("[SessionService] storing a notice to the client of {} failed ({}); retrying", sessionId,
              e.toString());
          Promise<List<NumberedEvent>> retried = Promise.promise();
          vertx.setTimer(Math.min(5_000, 100L << attempt),
              t -> storeOnce(sessionId, key, event, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }
}
