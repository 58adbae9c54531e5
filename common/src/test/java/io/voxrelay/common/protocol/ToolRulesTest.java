package io.voxrelay.common.protocol;

import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A session's tools")
class ToolRulesTest {

  private static SessionTools parse(String tools, String choice) {
    return ToolRules.parse(tools == null ? null : Json.parse(tools), choice == null ? null : Json.parse(choice));
  }

  @Test
  @DisplayName("are OpenAI function tools, with a default schema, hidden from the client unless marked, and a tool choice")
  void valid() {
    SessionTools tools = parse("[{\"type\":\"function\",\"name\":\"lookup_topic\",\"description\":\"Looks up.\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"topic\":{\"type\":\"string\"}}}},"
        + "{\"name\":\"score\",\"clientVisible\":true}]", "{\"type\":\"function\",\"name\":\"score\"}");
    assertThat(tools.tools()).hasSize(2);
    assertThat(tools.named("lookup_topic").clientVisible()).isFalse();
    assertThat(Json.parse(tools.named("lookup_topic").parameters()).path("properties").has("topic")).isTrue();
    assertThat(Json.parse(tools.named("score").parameters()).path("type").asText()).isEqualTo("object");
    assertThat(tools.named("score").clientVisible()).isTrue();
    assertThat(tools.toolChoice()).isEqualTo("score");
    assertThat(parse(null, null)).isEqualTo(SessionTools.NONE);
    assertThat(parse("[]", "\"none\"").toolChoice()).isEqualTo("none");
  }

  @Test
  @DisplayName("are refused with a reason past their bounds or malformed")
  void refused() {
    assertThatThrownBy(() -> parse("{}", null)).hasMessageContaining("'tools'");
    assertThatThrownBy(() -> parse("[{\"name\":\"a b\"}]", null)).hasMessageContaining("'name'");
    assertThatThrownBy(() -> parse("[{\"name\":\"auto\"}]", null)).hasMessageContaining("toolChoice mode");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\"},{\"name\":\"a\"}]", null)).hasMessageContaining("two tools");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\",\"type\":\"mcp\"}]", null)).hasMessageContaining("'type'");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\",\"parameters\":{\"type\":\"string\"}}]", null))
        .hasMessageContaining("'parameters'");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\",\"secret\":1}]", null)).hasMessageContaining("unknown field");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\",\"description\":\"" + "d".repeat(ToolRules.MAX_DESCRIPTION_CHARS + 1)
        + "\"}]", null)).hasMessageContaining("longer");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\",\"parameters\":{\"type\":\"object\",\"description\":\""
        + "p".repeat(ToolRules.MAX_PARAMETERS_CHARS) + "\"}}]", null)).hasMessageContaining("larger");
    assertThatThrownBy(() -> parse("[" + "{\"name\":\"t\"},".repeat(ToolRules.MAX_TOOLS).replaceAll("\"t\"", "\"t\"")
        + "{\"name\":\"last\"}]", null)).hasMessageContaining("at most");
    assertThatThrownBy(() -> parse("[]", "\"required\"")).hasMessageContaining("no tools");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\"}]", "{\"type\":\"function\",\"name\":\"b\"}"))
        .hasMessageContaining("names no tool");
    assertThatThrownBy(() -> parse("[{\"name\":\"a\"}]", "\"sometimes\"")).hasMessageContaining("'toolChoice'");
  }
}
