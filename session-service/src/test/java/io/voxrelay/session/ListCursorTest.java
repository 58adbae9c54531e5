package io.voxrelay.session;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The session list's cursor")
class ListCursorTest {

  @Test
  @DisplayName("reads back what it writes, starts at the first page without one, and refuses anything it did not make")
  void roundTrip() {
    SessionRecord last = SessionRecord.create("s_" + "ab".repeat(16), "", List.of(), "cd".repeat(32), 0, 1_763_900_000_000L);
    ListCursor cursor = ListCursor.after(last);
    assertThat(ListCursor.parse(cursor.text())).contains(cursor);
    assertThat(ListCursor.parse(null)).contains(ListCursor.FIRST);
    for (String bad : List.of("", "x", ".s_" + "ab".repeat(16), "12.s_short", "-5.s_" + "ab".repeat(16),
        "1.2.s_" + "ab".repeat(16), "99999999999999999999.s_" + "ab".repeat(16), "12.s_" + "AB".repeat(16))) {
      assertThat(ListCursor.parse(bad)).as(bad).isEmpty();
    }
  }
}
