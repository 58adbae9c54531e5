package io.voxrelay.gateway;

import io.voxrelay.common.bus.SessionStatus;
import io.voxrelay.common.bus.UpdateSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The session API's requests and answers")
class SessionManagementApiTest {

  private static String parse(String body) {
    UpdateSession update = SessionManagementApi.parseUpdate("s_1", body.getBytes(StandardCharsets.UTF_8));
    assertThat(update.setMetadata()).isTrue();
    return update.metadata();
  }

  @Test
  @DisplayName("a PATCH sets the metadata object (compacted) or removes it with null")
  void metadata() {
    assertThat(parse("{ \"metadata\" : { \"candidate\" : \"c-1\", \"n\" : [1, 2] } }"))
        .isEqualTo("{\"candidate\":\"c-1\",\"n\":[1,2]}");
    assertThat(parse("{\"metadata\":null}")).isNull();
  }

  @Test
  @DisplayName("a PATCH sets the limits (a field left out stays as it is), refusing ones out of bounds and a cost limit without a price table")
  void limits() {
    UpdateSession update = SessionManagementApi.parseUpdate("s_1",
        "{\"limits\":{\"maxTotalTokens\":50000,\"maxUpstreamSeconds\":null}}".getBytes(StandardCharsets.UTF_8));
    assertThat(update.setMetadata()).isFalse();
    assertThat(update.setLimits()).isTrue();
    assertThat(update.limits().maxTotalTokens()).isEqualTo(50_000);
    assertThat(update.limits().maxUpstreamSeconds()).isNull();
    assertThatThrownBy(() -> SessionManagementApi.parseUpdate("s_1",
        "{\"limits\":{\"maxTotalTokens\":0}}".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("maxTotalTokens");
    assertThat(SessionManagementApi.parseUpdate("s_1", "{\"limits\":{\"maxCostUsd\":2.5}}"
        .getBytes(StandardCharsets.UTF_8)).limits().maxCostUsd()).as("the session service checks for prices")
        .isEqualTo(2.5);
    assertThatThrownBy(() -> SessionManagementApi.parseUpdate("s_1",
        "{\"limits\":{\"maxCostUsd\":-1}}".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("maxCostUsd");
  }

  @Test
  @DisplayName("a PATCH with anything else, or too large a metadata, is refused with a reason")
  void refused() {
    assertThatThrownBy(() -> parse("")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> SessionManagementApi.parseUpdate("s_1", "{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("nothing to change");
    assertThatThrownBy(() -> parse("{\"metadata\":\"x\"}")).hasMessageContaining("object or null");
    assertThatThrownBy(() -> parse("{\"metadata\":{},\"state\":\"ended\"}")).hasMessageContaining("'state'");
    assertThatThrownBy(() -> parse("{\"" + "k".repeat(500) + "\":1}")).hasMessageContaining("…'")
        .hasMessageNotContaining("k".repeat(41));
    assertThatThrownBy(() -> parse("{\"metadata\":{\"x\":\"" + "y".repeat(SessionManagementApi.MAX_METADATA_CHARS) + "\"}}"))
        .hasMessageContaining("larger than");
  }

  @Test
  @DisplayName("a session is shown with its state, connection, times and metadata, and null where it has none")
  void shown() {
    var shown = SessionManagementApi.status(new SessionStatus("s_1", "terminated", 2, 3, false, true, "idle_timeout",
        false, false, 0, 4, 10, 20, 30, 40, "{\"a\":1}", new io.voxrelay.common.bus.Usage(100, 20, 30, 40, 60, 5, 15),
        12_500, new io.voxrelay.common.bus.Budget(1_000L, null, 600L, 0.5), 0.25));
    assertThat(shown.path("state").asText()).isEqualTo("terminated");
    assertThat(shown.path("terminationReason").asText()).isEqualTo("idle_timeout");
    assertThat(shown.path("connection").path("connections").asInt()).isEqualTo(4);
    assertThat(shown.path("times").path("lastActivityAt").asLong()).isEqualTo(40);
    assertThat(shown.path("metadata").path("a").asInt()).isEqualTo(1);
    assertThat(shown.path("usage").path("totalTokens").asLong()).isEqualTo(120);
    assertThat(shown.path("usage").path("outputAudioTokens").asLong()).isEqualTo(15);
    assertThat(shown.path("usage").path("upstreamSeconds").asDouble()).isEqualTo(12.5);
    assertThat(shown.path("limits").path("maxTotalTokens").asLong()).isEqualTo(1_000);
    assertThat(shown.path("limits").path("maxOutputTokens").isNull()).isTrue();
    assertThat(shown.path("usage").path("costUsd").asDouble()).isEqualTo(0.25);
    assertThat(shown.path("budgetExceeded").asBoolean()).as("120 of 1000 tokens, 12.5 of 600 s, $0.25 of $0.5")
        .isFalse();
    var bare = SessionManagementApi.status(new SessionStatus("s_2", "live", 0, 0, false, false, null, true, true, 0,
        1, 1, 1, 1, 1, null, io.voxrelay.common.bus.Usage.NONE, 0, io.voxrelay.common.bus.Budget.NONE, null));
    assertThat(bare.path("terminationReason").isNull()).isTrue();
    assertThat(bare.path("metadata").isNull()).isTrue();
    assertThat(bare.path("usage").path("costUsd").isNull()).as("no price table").isTrue();
  }
}
