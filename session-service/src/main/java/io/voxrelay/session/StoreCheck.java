package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.StoreAnnounce;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One store per cluster. Session-service instances share their sessions only through the store: two stores in
 * one cluster (say two standalone runs on one machine that joined each other) would split every session's
 * requests between them at random. So an instance announces its store when it starts, and refuses to serve if
 * any other instance answers with another; it announces again now and then, and logs an error naming both
 * whenever it hears of another store later (a cluster that merged).
 */
final class StoreCheck {

  private static final Logger LOG = LoggerFactory.getLogger(StoreCheck.class);
  /**
   * How long a starting instance listens for other stores before it serves: a publish to every instance and one
   * answer back, each over a bus connection that may still need its TLS handshake from a cold JVM. Measured under
   * the full tier's load: 1.03 s for that round trip (which a 1 s window missed), hence twice that.
   */
  static final long LISTEN_MS = 2_000;
  /** How often an instance announces its store again. */
  static final long ANNOUNCE_INTERVAL_MS = 10_000;

  private final Vertx vertx;
  private final String nodeId;
  private final String storeId;
  private final String where;
  private MessageConsumer<StoreAnnounce> announces;
  private MessageConsumer<StoreAnnounce> answers;
  private long timer = -1;
  private StoreAnnounce conflict;

  StoreCheck(Vertx vertx, String nodeId, String storeId, String where) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.storeId = storeId;
    this.where = where;
  }

  /** Announces this instance's store; fails, naming both stores, if another instance of the cluster uses another. */
  Future<Void> start() {
    announces = vertx.eventBus().consumer(Addresses.SESSION_STORE_ANNOUNCE, m -> heard(m.body()));
    answers = vertx.eventBus().consumer(Addresses.sessionNode(nodeId), m -> differs(m.body()));
    Promise<Void> checked = Promise.promise();
    Future.all(announces.completion(), answers.completion())
        .onFailure(checked::fail)
        .onSuccess(v -> {
          announce();
          vertx.setTimer(LISTEN_MS, t -> {
            if (conflict == null) {
              timer = vertx.setPeriodic(ANNOUNCE_INTERVAL_MS, p -> announce());
              checked.complete();
            } else {
              checked.fail(new IllegalStateException(message(conflict)
                  + "; every session-service instance of a cluster must use the same store (give separate runs "
                  + "their own VOXRELAY_CLUSTER_NAME, or point them at one VOXRELAY_DB_URL)"));
            }
          });
        });
    return checked.future();
  }

  Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return Future.join(List.of(announces == null ? Future.succeededFuture() : announces.unregister(),
        answers == null ? Future.succeededFuture() : answers.unregister())).mapEmpty();
  }

  private void announce() {
    vertx.eventBus().publish(Addresses.SESSION_STORE_ANNOUNCE, new StoreAnnounce(nodeId, storeId, where,
        Addresses.sessionNode(nodeId)));
  }

  /** Another instance's announcement: it hears of this store if it uses another. */
  private void heard(StoreAnnounce other) {
    if (other.nodeId().equals(nodeId) || other.storeId().equals(storeId)) {
      return;
    }
    LOG.error("[SessionService] {}", message(other));
    vertx.eventBus().send(other.replyTo(), new StoreAnnounce(nodeId, storeId, where, null));
  }

  private void differs(StoreAnnounce other) {
    if (!other.storeId().equals(storeId)) {
      conflict = other;
      LOG.error("[SessionService] {}", message(other));
    }
  }

  private String message(StoreAnnounce other) {
    return "this session service (" + nodeId + ") uses store " + storeId + " at " + where + ", but " + other.nodeId()
        + " in the same cluster uses store " + other.storeId() + " at " + other.where();
  }
}
