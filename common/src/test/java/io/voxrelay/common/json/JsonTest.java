package io.voxrelay.common.json;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The shared JSON mapper")
class JsonTest {

  @Test
  @DisplayName("refuses documents over the size limit")
  void documentSize() {
    String big = "{\"a\":\"" + "x".repeat(Json.MAX_DOCUMENT_LENGTH) + "\"}";
    assertThatThrownBy(() -> Json.parse(big)).isInstanceOf(Json.InvalidJsonException.class);
    assertThat(Json.parse("{\"a\":\"" + "x".repeat(1000) + "\"}").path("a").asText()).hasSize(1000);
  }

  @Test
  @DisplayName("refuses nesting deeper than the limit")
  void nesting() {
    int over = Json.MAX_NESTING_DEPTH + 1;
    assertThatThrownBy(() -> Json.parse("[".repeat(over) + "]".repeat(over)))
        .isInstanceOf(Json.InvalidJsonException.class);
    int at = Json.MAX_NESTING_DEPTH;
    assertThat(Json.parse("[".repeat(at) + "]".repeat(at)).isArray()).isTrue();
  }

  @Test
  @DisplayName("reports a syntax error without echoing the input")
  void syntax() {
    assertThatThrownBy(() -> Json.parse("{\"token\":\"abc123"))
        .isInstanceOf(Json.InvalidJsonException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abc123"));
  }
}
