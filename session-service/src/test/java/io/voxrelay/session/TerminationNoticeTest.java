package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.TerminateSessions;
import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.bus.TerminatedSessions;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A termination notice")
class TerminationNoticeTest {

  private LocalSessionService service;
  private Vertx vertx;
  private String sessionId;

  @BeforeEach
  void deploy(@TempDir Path dir) {
    service = LocalSessionService.start(dir);
    vertx = service.vertx;
    sessionId = service.sessionId();
    service.ask(Addresses.SESSION_CONNECT, new ConnectSession(sessionId, service.created.token(), "gw-1", "c-1", 0));
  }

  @AfterEach
  void close() {
    service.close();
  }

  @Test
  @DisplayName("is stored once and sent to the client's gateway again until it takes it")
  void retriedUntilDelivered() {
    AtomicInteger attempts = new AtomicInteger();
    List<ToClient> delivered = new CopyOnWriteArrayList<>();
    vertx.eventBus().<ToClient>consumer(Addresses.gatewayNode("gw-1"), m -> {
      if (attempts.incrementAndGet() < 3) {
        m.fail(BusFailure.INTERNAL, "the gateway is busy");
      } else {
        delivered.add(m.body());
        m.reply(null);
      }
    });
    TerminatedSessions ended = Await.result(vertx.eventBus().<TerminatedSessions>request(Addresses.SESSION_TERMINATE,
        new TerminateSessions(List.of(new Termination(sessionId, TerminationReason.HEARTBEAT_TIMEOUT))))).body();
    assertThat(ended.terminated()).hasSize(1);

    Await.until("the gateway took the notice", Duration.ofSeconds(10), () -> !delivered.isEmpty());
    assertThat(attempts.get()).as("two failed attempts, then delivered").isEqualTo(3);
    assertThat(delivered.get(0).closeCode()).isEqualTo(CloseCode.SESSION_TERMINATED.code());
    assertThat(delivered.get(0).json()).contains("session.terminated", "heartbeat_timeout");
    Replay stored = Await.result(vertx.eventBus().<Replay>request(Addresses.SESSION_REPLAY,
        new ReplayRequest(sessionId, 0))).body();
    assertThat(stored.events()).as("stored once however often it was sent").hasSize(1);
  }

  @Test
  @DisplayName("stops once the client's gateway says the client is not there")
  void stopsWhenTheClientIsGone() {
    AtomicInteger attempts = new AtomicInteger();
    vertx.eventBus().<ToClient>consumer(Addresses.gatewayNode("gw-1"), m -> {
      attempts.incrementAndGet();
      m.fail(BusFailure.NOT_FOUND, "the client is not on this gateway");
    });
    Await.result(vertx.eventBus().request(Addresses.SESSION_TERMINATE,
        new TerminateSessions(List.of(new Termination(sessionId, TerminationReason.IDLE_TIMEOUT)))));
    Await.until("the gateway was asked", Duration.ofSeconds(5), () -> attempts.get() > 0);
    Await.sleep(1_000);
    assertThat(attempts.get()).as("a client known gone is not asked for again").isEqualTo(1);
  }
}
