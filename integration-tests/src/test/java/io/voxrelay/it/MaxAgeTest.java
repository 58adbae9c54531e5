package io.voxrelay.it;

import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

@DisplayName("A session with a maximum age of 3 s")
class MaxAgeTest {

  @Test
  @DisplayName("ends in max_age_exceeded however active it is")
  void maxAge() {
    try (Deployment deployment = Deployment.start(Map.of(
        "VOXRELAY_SESSION_MAX_AGE_MS", "3000",
        "VOXRELAY_WATCHDOG_INTERVAL_MS", "200"), 1, 1, 1, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session)) {
        SimulatedSession upstream = InterviewSessionTest.upstreamOf(deployment, 0);
        client.startHeartbeats(300);
        InterviewSessionTest.voiceTurn(client);
        client.keepSpeaking(10_000);
        HygieneTest.assertTerminated(deployment, client, session.sessionId(), upstream,
            TerminationReason.MAX_AGE_EXCEEDED);
        Await.until("the metric counts it", HygieneTest.TIMEOUT,
            () -> deployment.terminations(TerminationReason.MAX_AGE_EXCEEDED) == 1);
      }
    }
  }
}
