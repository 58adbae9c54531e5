package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ClaimKeeper.cutOff: a relay cut off from the cluster lets go of the sessions no gateway routes to it")
class ClaimKeeperCutOffTest {

  private static final long CUT_OFF_MS = 3_500;

  @Test
  @DisplayName("claims confirmed within the cut-off: nothing closes, however long since a gateway routed a session")
  void confirmedRecently() {
    assertThat(ClaimKeeper.cutOff(10_000, 10_000 - CUT_OFF_MS, CUT_OFF_MS, Map.of("a", 0L), false)).isEmpty();
  }

  @Test
  @DisplayName("unconfirmed past the cut-off: only sessions no gateway routed here for as long close")
  void cutOff() {
    long now = 100_000;
    Map<String, Long> routedAt = Map.of(
        "moved", now - CUT_OFF_MS - 1,
        "routed", now - 1_000,
        "justInside", now - CUT_OFF_MS);
    assertThat(ClaimKeeper.cutOff(now, now - CUT_OFF_MS - 1, CUT_OFF_MS, routedAt, false)).containsExactly("moved");
  }

  @Test
  @DisplayName("a session-service outage alone closes nothing: gateways go on routing their sessions here")
  void sessionServiceOutage() {
    long now = 100_000;
    assertThat(ClaimKeeper.cutOff(now, now - 60_000, CUT_OFF_MS, Map.of("a", now - 900L, "b", now - 100L), false))
        .isEmpty();
  }

  @Test
  @DisplayName("the relay itself stalled: nothing closes before its claims check answers, the routings are queued")
  void ownStall() {
    long now = 100_000;
    Map<String, Long> routedAt = Map.of("a", now - 8_000, "b", now - 8_000);
    assertThat(ClaimKeeper.cutOff(now, now - 8_000, CUT_OFF_MS, routedAt, true)).isEmpty();
    assertThat(ClaimKeeper.cutOff(now, now - 8_000, CUT_OFF_MS, routedAt, false)).containsExactly("a", "b");
  }
}
