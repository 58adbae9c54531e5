package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.config.UpstreamProvider;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session survives its AI provider: live sessions at OpenAI's path of the simulator, then an outage there
 * (every upgrade refused with 503, every live socket closed with 1011). Each session goes on at the fallback
 * (Azure's path) with its conversation, within the 5 s.
 */
@DisplayName("Provider failover")
class ProviderFailoverTest {

  private static final int SESSIONS = 10;
  private static final Duration WITHIN = Duration.ofSeconds(5);

  @Test
  @DisplayName("an outage at the primary provider moves every live session to the fallback with its whole "
      + "conversation; each typed turn is carried out once, at one provider; new sessions open at the fallback")
  void outageMovesSessionsToTheFallback() {
    Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-primary", "VOXRELAY_FALLBACK_PROVIDER", "azure",
        "AZURE_OPENAI_API_KEY", "az-fallback", "VOXRELAY_FALLBACK_MODEL", "voice-fallback",
        "VOXRELAY_UPSTREAM_RECONNECT_DELAY_MS", "100");
    try (Deployment deployment = Deployment.start(env, 1, 1, 1, 1)) {
      List<VoiceClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
          VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session);
          clients.add(client);
          client.send("{\"type\":\"text\",\"text\":\"before the outage " + i + "\"}");
        }
        for (VoiceClient client : clients) {
          InterviewSessionTest.awaitAnswers(client, 1);
        }
        assertThat(deployment.simulator.openSessions()).hasSize(SESSIONS)
            .allMatch(s -> s.provider() == UpstreamProvider.OPENAI);

        deployment.simulator.outage(UpstreamProvider.OPENAI);
        long fault = System.nanoTime();
        for (int i = 0; i < SESSIONS; i++) {
          clients.get(i).awaitEvent("upstream.restored at the fallback", WITHIN,
              e -> "upstream.restored".equals(e.path("type").asText())
                  && "provider_failover".equals(e.path("reason").asText()));
        }
        for (int i = 0; i < SESSIONS; i++) {
          clients.get(i).send("{\"type\":\"text\",\"text\":\"after the outage " + i + "\"}");
        }
        for (VoiceClient client : clients) {
          InterviewSessionTest.awaitAnswers(client, 2);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - fault)).as("every session answered again, from the fault")
            .isLessThan(WITHIN.multipliedBy(2));

        List<SimulatedSession> azure = deployment.simulator.openSessions();
        assertThat(azure).hasSize(SESSIONS).allMatch(s -> s.provider() == UpstreamProvider.AZURE)
            .allMatch(s -> "api-key".equals(s.credential()) && "voice-fallback".equals(s.model()));
        for (int i = 0; i < SESSIONS; i++) {
          String before = "before the outage " + i;
          String after = "after the outage " + i;
          SimulatedSession at = azure.stream().filter(s -> texts(s).contains(before)).findFirst().orElseThrow();
          assertThat(texts(at)).as("the conversation restored, then the new turn, once").containsSubsequence(before, after)
              .filteredOn(after::equals).hasSize(1);
          assertThat(at.responsesCreated()).as("one answer at the fallback: the new turn's").isEqualTo(1);
          for (SimulatedSession old : deployment.simulator.sessions()) {
            if (old.provider() == UpstreamProvider.OPENAI) {
              assertThat(texts(old)).as("no turn carried out at both providers").doesNotContain(after);
            }
          }
        }
        for (VoiceClient client : clients) {
          Set<Long> seqs = new HashSet<>();
          for (JsonNode event : client.events()) {
            if (event.has("seq")) {
              assertThat(seqs.add(event.path("seq").asLong())).as("seq " + event.path("seq") + " twice").isTrue();
            }
          }
        }

        int upstreamsBefore = deployment.simulator.sessions().size();
        VoiceClient.Created late = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
        try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), late)) {
          SimulatedSession opened = InterviewSessionTest.upstreamOf(deployment, upstreamsBefore);
          assertThat(opened.provider()).as("the primary's breaker is open: straight to the fallback")
              .isEqualTo(UpstreamProvider.AZURE);
          assertThat(deployment.simulator.sessions()).hasSize(upstreamsBefore + 1);
        }
      } finally {
        clients.forEach(VoiceClient::close);
      }
    }
  }

  private static List<String> texts(SimulatedSession session) {
    return session.items().stream().map(ConversationItem::text).filter(t -> t != null).toList();
  }
}
