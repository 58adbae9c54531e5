package io.voxrelay.common.cluster;

import io.vertx.core.spi.cluster.RegistrationInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Which bus registrations are stale")
class StaleRegistrationsTest {

  private static final RegistrationInfo LIVE = new RegistrationInfo("node-live", 1, false);
  private static final RegistrationInfo GONE = new RegistrationInfo("node-gone", 1, false);

  @Test
  @DisplayName("a registration naming a non-member is stale on the second scan in a row, never on the first")
  void twoScans() {
    StaleRegistrations stale = new StaleRegistrations(100);
    List<Map.Entry<String, RegistrationInfo>> map = List.of(Map.entry("a", LIVE), Map.entry("a", GONE),
        Map.entry("b", GONE));
    assertThat(stale.scan(map, List.of("node-live"))).isEmpty();
    assertThat(stale.scan(map, List.of("node-live"))).containsExactlyInAnyOrder(
        new StaleRegistrations.Entry("a", GONE), new StaleRegistrations.Entry("b", GONE));
  }

  @Test
  @DisplayName("a node that becomes a member between two scans (a join seen late) keeps its registrations")
  void lateJoin() {
    StaleRegistrations stale = new StaleRegistrations(100);
    List<Map.Entry<String, RegistrationInfo>> map = List.of(Map.entry("a", GONE));
    assertThat(stale.scan(map, List.of("node-live"))).isEmpty();
    assertThat(stale.scan(map, List.of("node-live", "node-gone"))).isEmpty();
    // Suspicion starts over after a scan that cleared it.
    assertThat(stale.scan(map, List.of("node-live"))).isEmpty();
    assertThat(stale.scan(map, List.of("node-live"))).hasSize(1);
  }

  @Test
  @DisplayName("a registration gone from the map between two scans is not reported")
  void removedMeanwhile() {
    StaleRegistrations stale = new StaleRegistrations(100);
    assertThat(stale.scan(List.of(Map.entry("a", GONE)), List.of())).isEmpty();
    assertThat(stale.scan(List.of(), List.of())).isEmpty();
    assertThat(stale.scan(List.of(Map.entry("a", GONE)), List.of())).isEmpty();
  }

  @Test
  @DisplayName("suspects beyond the bound wait for a later scan")
  void bounded() {
    StaleRegistrations stale = new StaleRegistrations(1);
    List<Map.Entry<String, RegistrationInfo>> map = List.of(Map.entry("a", GONE), Map.entry("b", GONE));
    assertThat(stale.scan(map, List.of())).isEmpty();
    assertThat(stale.scan(map, List.of())).hasSize(1);
  }
}
