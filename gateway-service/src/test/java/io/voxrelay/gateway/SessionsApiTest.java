package io.voxrelay.gateway;

import io.voxrelay.common.bus.CreateSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Session creation requests")
class SessionsApiTest {

  private static CreateSession parse(String body) {
    return SessionsApi.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("carry instructions and an ordered list of questions")
  void valid() {
    assertThat(parse("{\"instructions\":\"Be kind\",\"questions\":[\"A?\",\"B?\"]}"))
        .isEqualTo(new CreateSession("Be kind", List.of("A?", "B?")));
    assertThat(parse("")).isEqualTo(new CreateSession("", List.of()));
    assertThat(parse("{}")).isEqualTo(new CreateSession("", List.of()));
  }

  @Test
  @DisplayName("carry function tools and a tool choice, checked by the tool rules")
  void tools() {
    CreateSession withTools = parse("{\"tools\":[{\"type\":\"function\",\"name\":\"lookup\"}],\"toolChoice\":\"required\"}");
    assertThat(withTools.tools().named("lookup")).isNotNull();
    assertThat(withTools.tools().toolChoice()).isEqualTo("required");
    assertThatThrownBy(() -> parse("{\"tools\":[{\"name\":\"bad name\"}]}")).hasMessageContaining("'name'");
  }

  @Test
  @DisplayName("are refused with a reason when malformed or too large")
  void invalid() {
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> parse("{\"instructions\":5}")).hasMessageContaining("'instructions'");
    assertThatThrownBy(() -> parse("{\"questions\":\"A?\"}")).hasMessageContaining("'questions'");
    assertThatThrownBy(() -> parse("{\"questions\":[\"\"]}")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> parse("{\"questions\":[" + "\"q\",".repeat(SessionsApi.MAX_QUESTIONS) + "\"q\"]}"))
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> parse("{\"instructions\":\"" + "x".repeat(SessionsApi.MAX_INSTRUCTIONS_CHARS + 1) + "\"}"))
        .hasMessageContaining("longer");
  }
}
