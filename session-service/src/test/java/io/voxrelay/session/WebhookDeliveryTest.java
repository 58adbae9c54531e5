package io.voxrelay.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.config.Secret;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.config.WebhookConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.webhook.Signatures;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook delivery against a real HTTP receiver that checks every signature, on a real SQLite store. */
@DisplayName("Webhook delivery")
class WebhookDeliveryTest {

  private static final String SECRET = "whsec-test-0123456789";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private Vertx vertx;
  private HttpServer receiver;
  /** Every request the receiver took, in arrival order, with whether its signature held. */
  private final ConcurrentLinkedQueue<JsonNode> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger badSignatures = new AtomicInteger();
  /** The status the receiver answers with (a dead endpoint: 503). */
  private volatile int status = 200;
  private final List<WebhookDelivery> deliveries = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    receiver = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      boolean valid = Signatures.verify(SECRET, request.getHeader(Signatures.HEADER), body.getBytes(),
          System.currentTimeMillis() / 1000);
      if (!valid) {
        badSignatures.incrementAndGet();
      }
      if (status == 200 && valid) {
        received.add(Json.parse(body.getBytes()));
      }
      request.response().setStatusCode(valid ? status : 400).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    deliveries.forEach(d -> Await.result(d.stop()));
    Await.result(vertx.close());
  }

  private WebhookConfig config() {
    return new WebhookConfig(Optional.of(URI.create("http://127.0.0.1:" + receiver.actualPort() + "/hooks?app=1")),
        Secret.of(Optional.of(SECRET)), 2_000, 60_000, 10_000, 500);
  }

  private JdbcSessionStore store() {
    return (JdbcSessionStore) Await.result(JdbcSessionStore.open(vertx, StoreConfig.sqlite(dir), true));
  }

  private WebhookDelivery deliver(JdbcSessionStore store, String holder) {
    WebhookDelivery delivery = new WebhookDelivery(vertx, store.webhooks(), config(), holder);
    deliveries.add(delivery);
    vertx.runOnContext(v -> delivery.start());
    return delivery;
  }

  /** A session's life: created, connected, reconnected, terminated, resumed, ended. */
  private static void live(JdbcSessionStore store, SessionRecord s) {
    Await.result(store.sessions().insert(s));
    Await.result(store.sessions().update(s.sessionId(), r -> r.toBuilder().connectionId("c1").connections(1).build()));
    Await.result(store.sessions().update(s.sessionId(), r -> r.toBuilder().connectionId("c2").connections(2).build()));
    Await.result(store.sessions().update(s.sessionId(), r -> r.toBuilder().awaitingResume(true).terminationReason("idle_timeout")
        .build()));
    Await.result(store.sessions().update(s.sessionId(), r -> ControlRules.apply(r, Control.RESUME, 5_000)));
    Await.result(store.sessions().update(s.sessionId(), r -> ControlRules.apply(r, Control.END, 6_000)));
  }

  private static final List<String> LIFE = List.of("session.created", "session.connected", "session.disconnected",
      "session.connected", "session.terminated", "session.resumed", "session.ended");

  private Map<String, List<String>> bySession() {
    Map<String, List<String>> types = new LinkedHashMap<>();
    for (JsonNode event : received) {
      types.computeIfAbsent(event.path("sessionId").asText(), k -> new ArrayList<>()).add(event.path("type").asText());
    }
    return types;
  }

  @Test
  @DisplayName("every event arrives signed, with its id, type and data, each session's in order; a dead receiver delays, then gets them all")
  void deliversInOrder() {
    JdbcSessionStore store = store();
    deliver(store, "holder-a");
    List<SessionRecord> sessions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SessionRecord s = SessionRecord.create(String.format("s_%032x", i), "x", List.of("q"), "ab".repeat(32),
          Long.MAX_VALUE, System.currentTimeMillis());
      sessions.add(s);
      live(store, s);
    }
    Await.until("every event delivered", TIMEOUT, () -> received.size() == sessions.size() * LIFE.size());
    sessions.forEach(s -> assertThat(bySession().get(s.sessionId())).as(s.sessionId()).containsExactlyElementsOf(LIFE));
    JsonNode ended = received.stream().filter(e -> e.path("type").asText().equals("session.ended")).findFirst()
        .orElseThrow();
    assertThat(ended.path("id").asText()).startsWith("evt_");
    assertThat(ended.path("createdAt").asLong()).isPositive();
    assertThat(ended.path("data").path("transcript").asText()).endsWith("/transcript");
    assertThat(badSignatures).hasValue(0);

    // The receiver goes down: the sessions go on, their events wait, and arrive once it is back.
    status = 503;
    received.clear();
    SessionRecord during = SessionRecord.create(String.format("s_%032x", 99), "x", List.of("q"), "ab".repeat(32),
        Long.MAX_VALUE, System.currentTimeMillis());
    live(store, during);
    Await.sleep(2_000);
    assertThat(received).isEmpty();
    assertThat(Await.result(store.webhooks().queuedWebhooks())).isEqualTo(LIFE.size());
    status = 200;
    Await.until("the waiting events delivered", TIMEOUT, () -> received.size() == LIFE.size());
    assertThat(bySession().get(during.sessionId())).containsExactlyElementsOf(LIFE);
    Await.until("the outbox empties", TIMEOUT, () -> Await.result(store.webhooks().queuedWebhooks()) == 0);
  }

  @Test
  @DisplayName("one instance delivers at a time; when it stops, another takes over and nothing is lost, duplicates keep their id")
  void oneDeliversAtATime() {
    JdbcSessionStore first = store();
    JdbcSessionStore second = store();
    WebhookDelivery a = deliver(first, "holder-a");
    Await.until("one holds the lease", TIMEOUT, a::holding);
    WebhookDelivery b = deliver(second, "holder-b");
    List<SessionRecord> sessions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      SessionRecord s = SessionRecord.create(String.format("s_%032x", 1_000 + i), "x", List.of("q"), "ab".repeat(32),
          Long.MAX_VALUE, System.currentTimeMillis());
      sessions.add(s);
      live(i % 2 == 0 ? first : second, s);
      if (i == 9) {
        Await.result(a.stop());
      }
    }
    Await.until("b takes over", TIMEOUT, b::holding);
    Await.until("every event delivered", TIMEOUT, () -> bySession().size() == sessions.size()
        && bySession().values().stream().allMatch(types -> types.size() >= LIFE.size()));
    for (SessionRecord s : sessions) {
      // A duplicate (an attempt whose answer was lost) repeats its id; without them, each session's life in order.
      List<String> distinct = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (JsonNode event : received) {
        if (event.path("sessionId").asText().equals(s.sessionId()) && !ids.contains(event.path("id").asText())) {
          ids.add(event.path("id").asText());
          distinct.add(event.path("type").asText());
        }
      }
      assertThat(distinct).as(s.sessionId()).containsExactlyElementsOf(LIFE);
    }
    assertThat(a.holding()).isFalse();
  }
}
