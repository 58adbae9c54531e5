package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.List;

/** A session service on SQLite in a directory, deployed on a Vert.x of its own, with one interview created. */
final class LocalSessionService implements AutoCloseable {

  final Vertx vertx;
  final SessionCreated created;

  private LocalSessionService(Vertx vertx, SessionCreated created) {
    this.vertx = vertx;
    this.created = created;
  }

  static LocalSessionService start(Path dir) {
    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    Await.result(vertx.deployVerticle(new SessionVerticle(StoreConfig.sqlite(dir))));
    SessionCreated created = Await.result(vertx.eventBus().<SessionCreated>request(Addresses.SESSION_CREATE,
        new CreateSession("Be brief.", List.of("One?")))).body();
    return new LocalSessionService(vertx, created);
  }

  String sessionId() {
    return created.sessionId();
  }

  /** Asks the service at {@code address} and waits for its answer. */
  <T> T ask(String address, Object body) {
    return Await.result(vertx.eventBus().<T>request(address, body)).body();
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
