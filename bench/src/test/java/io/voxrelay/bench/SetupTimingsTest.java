package io.voxrelay.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("SetupTimings: the target's bus and store timers read from its metrics, and their growth")
class SetupTimingsTest {

  @Test
  @DisplayName("count and mean per timer over the interval, the most time first; other metrics are no timers")
  void growth() {
    String before = """
        # TYPE voxrelay_bus_request_seconds summary
        voxrelay_bus_request_seconds_count{address="voxrelay.session.connect",outcome="ok"} 10
        voxrelay_bus_request_seconds_sum{address="voxrelay.session.connect",outcome="ok"} 0.1
        voxrelay_store_latency_seconds_count{queue="write"} 4
        voxrelay_store_latency_seconds_sum{queue="write"} 0.004
        voxrelay_sessions 3
        """;
    String after = """
        voxrelay_bus_request_seconds_count{address="voxrelay.session.connect",outcome="ok"} 110
        voxrelay_bus_request_seconds_sum{address="voxrelay.session.connect",outcome="ok"} 1.1
        voxrelay_bus_request_seconds_max{address="voxrelay.session.connect",outcome="ok"} 0.2
        voxrelay_store_latency_seconds_count{queue="write"} 404
        voxrelay_store_latency_seconds_sum{queue="write"} 2.004
        voxrelay_store_latency_seconds_count{queue="read"} 0
        """;
    assertThat(SetupTimings.growth(SetupTimings.parse(before), SetupTimings.parse(after))).containsExactly(
        new SetupTimings.Timing("store queue=\"write\"", 400, 5.0),
        new SetupTimings.Timing("bus address=\"voxrelay.session.connect\",outcome=\"ok\"", 100, 10.0));
  }
}
