package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.LogCapture;
import io.voxrelay.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Resume tokens")
class ResumeTokenTest {

  private static final long TTL_MS = 60_000;
  private final MutableClock clock = new MutableClock(1_700_000_000_000L);
  private final List<String> tokensSeen = new ArrayList<>();
  private Vertx vertx;
  private LogCapture logs;

  @BeforeEach
  void start(@TempDir Path dir) {
    logs = new LogCapture();
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    Await.result(vertx.deployVerticle(new SessionVerticle(StoreConfig.sqlite(dir).withTokenTtlMs(TTL_MS), clock)));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
    logs.close();
  }

  private SessionCreated create() {
    SessionCreated created = Await.result(vertx.eventBus().<SessionCreated>request(Addresses.SESSION_CREATE,
        new CreateSession("Hi.", List.of("Q1?", "Q2?")))).body();
    tokensSeen.add(created.token());
    return created;
  }

  private int connections;
  private final java.util.Map<SessionConnected, String> connectionIds = new java.util.IdentityHashMap<>();

  private Future<SessionConnected> connect(String sessionId, String token) {
    String connectionId = "c-" + (++connections);
    return vertx.eventBus().<SessionConnected>request(Addresses.SESSION_CONNECT,
        new ConnectSession(sessionId, token, "gw-1", connectionId, 0)).map(m -> {
          connectionIds.put(m.body(), connectionId);
          tokensSeen.add(m.body().resumeToken());
          return m.body();
        });
  }

  /** What the gateway sends on the client's first frame: the client has the new token. */
  private void confirm(SessionConnected connected) {
    Await.result(vertx.eventBus().request(Addresses.SESSION_CONFIRM, new ConfirmConnection(
        connected.session().sessionId(), connectionIds.get(connected))));
  }

  private int failureOf(Future<?> attempt) {
    Throwable e = attempt.toCompletionStage().toCompletableFuture().handle((v, t) -> t).join();
    assertThat(e).as("the connect was refused").isInstanceOf(ReplyException.class);
    return ((ReplyException) e).failureCode();
  }

  @Test
  @DisplayName("rotate on every connect: once the client has the new token, the used one never works again")
  void rotation() {
    SessionCreated created = create();
    SessionConnected first = Await.result(connect(created.sessionId(), created.token()));
    confirm(first);
    assertThat(first.resumed()).isFalse();
    assertThat(first.resumeToken()).isNotEqualTo(created.token()).hasSize(43);
    assertThat(failureOf(connect(created.sessionId(), created.token()))).isEqualTo(BusFailure.UNAUTHORIZED);
    SessionConnected second = Await.result(connect(created.sessionId(), first.resumeToken()));
    confirm(second);
    assertThat(second.resumed()).isTrue();
    assertThat(failureOf(connect(created.sessionId(), first.resumeToken()))).isEqualTo(BusFailure.UNAUTHORIZED);
    assertThat(Await.result(connect(created.sessionId(), second.resumeToken())).session().sessionId())
        .isEqualTo(created.sessionId());
  }

  @Test
  @DisplayName("a connect whose reply never reached the client leaves the used token valid until the new one is confirmed")
  void lostConnectedDoesNotLockTheClientOut() {
    SessionCreated created = create();
    SessionConnected lost = Await.result(connect(created.sessionId(), created.token()));
    SessionConnected again = Await.result(connect(created.sessionId(), created.token()));
    assertThat(failureOf(connect(created.sessionId(), lost.resumeToken())))
        .as("the token nobody received was replaced").isEqualTo(BusFailure.UNAUTHORIZED);
    confirm(again);
    assertThat(failureOf(connect(created.sessionId(), created.token()))).isEqualTo(BusFailure.UNAUTHORIZED);
    assertThat(Await.result(connect(created.sessionId(), again.resumeToken()))).isNotNull();
  }

  @Test
  @DisplayName("refuse forged, expired and wrong-session tokens and unknown sessions with one code")
  void refusals() {
    SessionCreated mine = create();
    SessionCreated other = create();
    assertThat(failureOf(connect(mine.sessionId(), "forged-token"))).isEqualTo(BusFailure.UNAUTHORIZED);
    assertThat(failureOf(connect(mine.sessionId(), other.token()))).isEqualTo(BusFailure.UNAUTHORIZED);
    assertThat(failureOf(connect("s_unknown", mine.token()))).isEqualTo(BusFailure.UNAUTHORIZED);
    clock.advance(Duration.ofMillis(TTL_MS));
    assertThat(failureOf(connect(mine.sessionId(), mine.token()))).isEqualTo(BusFailure.UNAUTHORIZED);
    // The other session's own token has expired too; nothing above used it up.
    assertThat(failureOf(connect(other.sessionId(), other.token()))).isEqualTo(BusFailure.UNAUTHORIZED);
  }

  @Test
  @DisplayName("tell a valid token, and only a valid one, that the interview has ended")
  void endedInterview() {
    SessionCreated created = create();
    SessionConnected connected = Await.result(connect(created.sessionId(), created.token()));
    Await.result(vertx.eventBus().request(Addresses.SESSION_CONTROL,
        new SessionControlRequest(created.sessionId(), Control.END, null, 0, null)));
    assertThat(failureOf(connect(created.sessionId(), connected.resumeToken()))).isEqualTo(BusFailure.GONE);
    assertThat(failureOf(connect(created.sessionId(), "forged-token"))).isEqualTo(BusFailure.UNAUTHORIZED);
  }

  @Test
  @DisplayName("never appear in a log line")
  void neverLogged() {
    SessionCreated created = create();
    SessionConnected connected = Await.result(connect(created.sessionId(), created.token()));
    confirm(connected);
    failureOf(connect(created.sessionId(), created.token()));
    Await.result(connect(created.sessionId(), connected.resumeToken()));
    assertThat(logs.lines()).isNotEmpty().anyMatch(l -> l.contains(created.sessionId()));
    for (String token : tokensSeen) {
      assertThat(logs.lines()).noneMatch(l -> l.contains(token));
      assertThat(logs.lines()).noneMatch(l -> l.contains(Tokens.hash(token)));
    }
  }

  @Test
  @DisplayName("a hello the gateway gave up on, applied late, neither rotates the token nor takes the session")
  void lateConnectChangesNothing() {
    SessionCreated created = create();
    // The gateway gave up on this hello (its deadline is past) and the client retried with the same token.
    long deadline = clock.millis() - 1;
    assertThat(failureOf(vertx.eventBus().request(Addresses.SESSION_CONNECT, new ConnectSession(created.sessionId(),
        created.token(), "gw-1", "c-late", 0, deadline)))).isEqualTo(BusFailure.UNAVAILABLE);
    SessionConnected retry = Await.result(connect(created.sessionId(), created.token()));
    confirm(retry);
    assertThat(retry.session().gatewayNode()).isEqualTo("gw-1");
    // The retry's token opens the session; the late hello took nothing from it.
    SessionConnected again = Await.result(connect(created.sessionId(), retry.resumeToken()));
    assertThat(again.resumed()).isTrue();
    assertThat(connectionIds.get(again)).isNotEqualTo("c-late");
  }
}
