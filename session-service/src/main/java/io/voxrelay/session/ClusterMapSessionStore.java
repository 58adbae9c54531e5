package io.voxrelay.session;

import io.voxrelay.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * An in-memory store shared by every session-service instance: a cluster-wide map held by the cluster's
 * members, with a backup copy. Updates are compare-and-set on the stored JSON, retried on conflict, so two
 * instances changing one session never lose an update.
 */
final class ClusterMapSessionStore implements SessionStore {

  static final String MAP_NAME = "voxrelay.sessions";
  private static final int MAX_ATTEMPTS = 16;

  private final Vertx vertx;

  ClusterMapSessionStore(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP_NAME);
  }

  @Override
  public Future<Void> insert(SessionRecord session) {
    return map().compose(m -> m.putIfAbsent(session.sessionId(), encode(session)))
        .compose(previous -> previous == null
            ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("session id collision")));
  }

  @Override
  public Future<SessionRecord> find(String sessionId) {
    return map().compose(m -> m.get(sessionId)).map(json -> json == null ? null : decode(json));
  }

  @Override
  public Future<SessionRecord> update(String sessionId, UnaryOperator<SessionRecord> change) {
    return map().compose(m -> update(m, sessionId, change, 1));
  }

  private Future<SessionRecord> update(AsyncMap<String, String> m, String sessionId,
                                       UnaryOperator<SessionRecord> change, int attempt) {
    return m.get(sessionId).compose(current -> {
      if (current == null) {
        return Future.failedFuture(new NoSuchElementException("no session " + sessionId));
      }
      SessionRecord updated = change.apply(decode(current));
      return m.replaceIfPresent(sessionId, current, encode(updated)).compose(replaced -> {
        if (replaced) {
          return Future.succeededFuture(updated);
        }
        if (attempt >= MAX_ATTEMPTS) {
          return Future.failedFuture(new IllegalStateException("too much contention on session " + sessionId));
        }
        return update(m, sessionId, change, attempt + 1);
      });
    });
  }

  private static String encode(SessionRecord session) {
    return new String(Json.writeBytes(session), StandardCharsets.UTF_8);
  }

  private static SessionRecord decode(String json) {
    return Json.read(json.getBytes(StandardCharsets.UTF_8), SessionRecord.class);
  }
}
