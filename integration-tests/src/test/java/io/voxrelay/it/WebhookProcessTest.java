package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.gateway.GatewayServiceMain;
import io.voxrelay.relay.RelayServiceMain;
import io.voxrelay.session.SessionServiceMain;
import io.voxrelay.session.TestPostgres;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lifecycle webhooks across processes: two session-service instances on one PostgreSQL, the one delivering
 * killed with {@code kill -9} while events wait, and a receiver dead for a while.
 */
@Tag("full")
@DisplayName("Lifecycle webhooks across processes")
class WebhookProcessTest {

  private static final String SECRET = "whsec-process-test-0123456789";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** How long the receiver is dead: the issue's 60 s by default. */
  private static final long DEAD_MS = Long.getLong("voxrelay.webhook.deadMs", 60_000);

  @Test
  @DisplayName("each event arrives at least once, in order per session, duplicates with one id, through a kill -9 of the deliverer and a dead receiver")
  void survivesTheDelivererAndADeadReceiver() throws Exception {
    try (TestPostgres postgres = TestPostgres.start();
         ProcessCluster cluster = new ProcessCluster("webhooks", Map.of(
             "VOXRELAY_STORE", "postgres",
             "VOXRELAY_DB_URL", postgres.jdbcUrl(),
             "VOXRELAY_CLUSTER_FAILURE_TIMEOUT_S", "5",
             "VOXRELAY_DETACH_GRACE_MS", "300",
             "VOXRELAY_WEBHOOK_SECRET", SECRET,
             "VOXRELAY_WEBHOOK_MAX_BACKOFF_MS", "2000",
             "VOXRELAY_WEBHOOK_TIMEOUT_MS", "3000"));
         WebhookReceiver receiver = new WebhookReceiver(cluster.vertx, SECRET)) {
      Map<String, String> hooks = Map.of("VOXRELAY_WEBHOOK_URL", receiver.url());
      List<ServiceProcess> sessionServices = new ArrayList<>(List.of(
          cluster.start("wh-session-a", SessionServiceMain.class, hooks),
          cluster.start("wh-session-b", SessionServiceMain.class, hooks)));
      cluster.start("wh-relay", RelayServiceMain.class);
      cluster.start("wh-gateway", GatewayServiceMain.class);
      int port = cluster.httpPort;

      // A backlog: the receiver is slow, so events wait in the outbox when the deliverer dies.
      receiver.delayMs(2_000);
      List<String> ended = new ArrayList<>();
      List<String> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        VoiceClient.Created session = VoiceClient.createSession(cluster.vertx, port);
        all.add(session.sessionId());
        try (VoiceClient client = VoiceClient.connect(cluster.vertx, port, session)) {
          client.send("{\"type\":\"text\",\"text\":\"hello " + i + "\"}");
          InterviewSessionTest.awaitAnswers(client, 1);
          if (i % 2 == 0) {
            client.send("{\"type\":\"end_interview\"}");
            client.awaitEvent("interview.ended", TIMEOUT);
            ended.add(session.sessionId());
          }
        }
      }
      ServiceProcess deliverer = sessionServices.stream()
          .filter(p -> p.lines().stream().anyMatch(l -> l.contains("holds the webhook delivery lease")))
          .findFirst().orElseThrow(() -> new AssertionError("no session service holds the webhook lease"));
      assertThat(all).as("events still wait when the deliverer dies")
          .anyMatch(id -> !receiver.types(id).contains("session.disconnected"));
      deliverer.kill();
      sessionServices.remove(deliverer);
      ServiceProcess survivor = sessionServices.get(0);
      Await.until("the other instance takes the lease over", TIMEOUT,
          () -> survivor.lines().stream().anyMatch(l -> l.contains("holds the webhook delivery lease")));
      receiver.delayMs(0);

      // A dead receiver: sessions go on unharmed, their events wait, then arrive.
      receiver.dead(true);
      long deadSince = System.nanoTime();
      VoiceClient.Created during = VoiceClient.createSession(cluster.vertx, port);
      all.add(during.sessionId());
      try (VoiceClient client = VoiceClient.connect(cluster.vertx, port, during)) {
        client.send("{\"type\":\"text\",\"text\":\"while the receiver is down\"}");
        InterviewSessionTest.awaitAnswers(client, 1);
      }
      Await.until("delivery attempts refused", TIMEOUT, () -> receiver.refused() > 0);
      Await.sleep(Math.max(0, DEAD_MS - (System.nanoTime() - deadSince) / 1_000_000));
      assertThat(receiver.types(during.sessionId())).as("nothing arrives while the receiver is dead").isEmpty();
      receiver.dead(false);

      Await.until("every session's events delivered", TIMEOUT, () -> all.stream().allMatch(id -> {
        List<String> types = receiver.types(id);
        return types.contains("session.disconnected") && (!ended.contains(id) || types.contains("session.ended"));
      }));
      Map<String, String> idBySequence = new HashMap<>();
      for (JsonNode event : receiver.taken()) {
        String key = event.path("sessionId").asText() + "#" + event.path("sequence").asLong();
        String earlier = idBySequence.putIfAbsent(key, event.path("id").asText());
        assertThat(earlier == null || earlier.equals(event.path("id").asText()))
            .as("a duplicate carries the same idempotency key: %s", key).isTrue();
      }
      for (String id : all) {
        List<Long> sequences = receiver.bySession().get(id).stream().map(e -> e.path("sequence").asLong()).toList();
        assertThat(sequences).as("%s: every event, in order, none missing", id)
            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, sequences.size()).boxed().toList());
        List<String> types = receiver.types(id);
        assertThat(types.get(0)).isEqualTo("session.created");
        assertThat(types).contains("session.connected");
        if (ended.contains(id)) {
          assertThat(types).as("%s: its life in order", id)
              .containsSubsequence("session.created", "session.connected", "session.ended");
        }
      }
      assertThat(receiver.badSignatures()).isZero();
    }
  }
}
