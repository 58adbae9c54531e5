package io.voxrelay.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ClassHistogram: jcmd's class histogram read, and what grew between two")
class ClassHistogramTest {

  private static final String BEFORE = """
      12345:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          1000         160000  [B (java.base@17.0.15)
         2:           500          24000  java.lang.String (java.base@17.0.15)
      Total          1500         184000
      """;
  private static final String AFTER = """
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          3000        4260000  [Ljava.lang.Object; (java.base@17.0.15)
         2:          1100         176000  [B (java.base@17.0.15)
         3:           700          33600  java.lang.String (java.base@17.0.15)
         4:           100           4000  io.voxrelay.gateway.ClientConnection
      Total          4900        4473600
      """;

  @Test
  @DisplayName("the classes that grew most, by bytes, with their instances; the header and total are no rows")
  void growth() {
    Map<String, long[]> before = ClassHistogram.parse(BEFORE);
    assertThat(before).containsOnlyKeys("[B", "java.lang.String");
    assertThat(ClassHistogram.growth(before, ClassHistogram.parse(AFTER), 3)).containsExactly(
        new ClassHistogram.Growth("[Ljava.lang.Object;", 4_260_000, 3_000),
        new ClassHistogram.Growth("[B", 16_000, 100),
        new ClassHistogram.Growth("java.lang.String", 9_600, 200));
  }
}
