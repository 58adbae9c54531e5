package io.voxrelay.it;

import io.voxrelay.common.config.UpstreamProvider;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.simulator.UpstreamSimulator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay at each upstream provider, through the simulator's path for it: it connects the way that provider
 * takes (its URL, its key header, the model or deployment), and a voice turn and a typed turn are answered.
 */
@DisplayName("Upstream providers")
class UpstreamProvidersTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(UpstreamProvider.class)
  @DisplayName("a session at each provider: connected with the provider's key header and model, voice and typed "
      + "turns answered")
  void sessionAtProvider(UpstreamProvider provider) {
    Map<String, String> env = Map.of("VOXRELAY_UPSTREAM_PROVIDER", provider.wireName(),
        provider.keyVariable(), "key-for-" + provider.wireName(), "VOXRELAY_UPSTREAM_MODEL", "deployment-7");
    try (Deployment deployment = Deployment.start(env, 1, 1, 1, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session)) {
        SimulatedSession upstream = InterviewSessionTest.upstreamOf(deployment, 0);
        assertThat(upstream.provider()).isEqualTo(provider);
        assertThat(upstream.credential()).as("the key sent as " + provider.wireName() + " takes it")
            .isEqualTo(provider == UpstreamProvider.AZURE ? "api-key" : "bearer");
        assertThat(upstream.model()).isEqualTo("deployment-7");
        assertThat(deployment.simulator.url(provider)).endsWith(
            provider == UpstreamProvider.AZURE ? UpstreamSimulator.AZURE_PATH : "/v1/realtime");

        InterviewSessionTest.voiceTurn(client);
        client.send("{\"type\":\"text\",\"text\":\"a typed turn at " + provider.wireName() + "\"}");
        InterviewSessionTest.awaitAnswers(client, 2);
        assertThat(upstream.responsesCreated()).isEqualTo(2);
      }
    }
  }
}
