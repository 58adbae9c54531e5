package io.voxrelay.relay;

import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.bus.UsageReport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A session's usage at its relay")
class UsageMeterTest {

  private static final Usage ONE = new Usage(10, 5, 2, 4, 6, 1, 4);

  @Test
  @DisplayName("reports each response until the store acknowledges it, once per id, and nothing when there is nothing")
  void reportsUntilAcknowledged() {
    UsageMeter meter = new UsageMeter("s1", () -> "gpt-realtime");
    assertThat(meter.report(1_000)).isNull();
    meter.responseDone("resp_1", ONE);
    meter.responseDone("resp_1", ONE);
    meter.responseDone(null, ONE);
    meter.responseDone("resp_2", null);
    UsageReport first = meter.report(1_000);
    assertThat(first.responses()).extracting(UsageReport.ResponseUsage::responseId).containsExactly("resp_1");
    meter.responseDone("resp_2", ONE);
    meter.acknowledged(first);
    assertThat(meter.report(2_000).responses()).extracting(UsageReport.ResponseUsage::responseId)
        .containsExactly("resp_2");
    assertThat(meter.counted()).isEqualTo(ONE.plus(ONE));
  }

  @Test
  @DisplayName("keeps at most its bound of unacknowledged responses, dropping the oldest")
  void bounded() {
    UsageMeter meter = new UsageMeter("s1", () -> "gpt-realtime");
    for (int i = 0; i < UsageMeter.MAX_PENDING + 10; i++) {
      meter.responseDone("resp_" + i, ONE);
    }
    UsageReport report = meter.report(0);
    assertThat(report.responses()).hasSize(UsageMeter.MAX_PENDING);
    assertThat(report.responses().get(0).responseId()).isEqualTo("resp_10");
  }
}
