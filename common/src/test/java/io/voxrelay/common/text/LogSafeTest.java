package io.voxrelay.common.text;

import io.voxrelay.common.protocol.SessionIds;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("LogSafe and SessionIds: client values that reach a log cannot forge a line")
class LogSafeTest {

  @Test
  @DisplayName("line breaks, terminal escapes and other control characters are escaped; long values are cut")
  void escapes() {
    assertThat(LogSafe.text("net\r\n2026 [Gateway] forged")).isEqualTo("net\\u000d\\u000a2026 [Gateway] forged");
    assertThat(LogSafe.text("\u001b[31mred")).isEqualTo("\\u001b[31mred");
    assertThat(LogSafe.text("a\u2028b\u0085c\tx")).isEqualTo("a\\u2028b\\u0085c\\u0009x");
    assertThat(LogSafe.text(null)).isEqualTo("-");
    assertThat(LogSafe.text("gr\u00fc\u00df")).isEqualTo("gr\u00fc\u00df");
    String cut = LogSafe.text("x".repeat(500));
    assertThat(cut).hasSize(LogSafe.MAX_CHARS + 1).endsWith("…");
    assertThat(LogSafe.text("\n".repeat(500))).hasSizeLessThanOrEqualTo(LogSafe.MAX_CHARS + 1).doesNotContain("\n");
  }

  @Test
  @DisplayName("a session id is s_ and 32 lowercase hex digits; anything else names no session")
  void sessionIds() {
    String id = SessionIds.of(new byte[16]);
    assertThat(id).isEqualTo("s_" + "0".repeat(32));
    assertThat(SessionIds.isWellFormed(id)).isTrue();
    assertThat(SessionIds.isWellFormed("s_" + "0".repeat(31) + "\n")).isFalse();
    assertThat(SessionIds.isWellFormed("s_" + "A".repeat(32))).isFalse();
    assertThat(SessionIds.isWellFormed("s_unknown")).isFalse();
    assertThat(SessionIds.isWellFormed(null)).isFalse();
  }
}
