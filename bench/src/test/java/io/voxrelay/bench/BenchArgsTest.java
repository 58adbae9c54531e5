package io.voxrelay.bench;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@org.junit.jupiter.api.DisplayName("The bench's command line")
class BenchArgsTest {

  @Test
  void noArgumentsRunEverything() {
    BenchArgs args = BenchArgs.parse();
    assertThat(args.parts()).isEmpty();
    assertThat(args.quick()).isFalse();
    assertThat(args.guard()).isFalse();
    assertThat(args.warmupMs()).isZero();
  }

  @Test
  void partsWarmUpAndModes() {
    BenchArgs args = BenchArgs.parse("--quick", "--only", "latency,storm", "--warmup-s", "20");
    assertThat(args.parts()).isEqualTo(Set.of("latency", "storm"));
    assertThat(args.quick()).isTrue();
    assertThat(args.warmupMs()).isEqualTo(20_000);
    assertThat(BenchArgs.parse("--guard").guard()).isTrue();
    assertThat(BenchArgs.parse("--help").help()).isTrue();
  }

  @Test
  void anythingUnknownIsRefusedBeforeARunStarts() {
    assertThatThrownBy(() -> BenchArgs.parse("--hlep")).hasMessageContaining("'--hlep'");
    assertThatThrownBy(() -> BenchArgs.parse("--only", "latency,capcity")).hasMessageContaining("'capcity'");
    assertThatThrownBy(() -> BenchArgs.parse("--only")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchArgs.parse("--warmup-s", "ten")).hasMessageContaining("'ten'");
    assertThatThrownBy(() -> BenchArgs.parse("--warmup-s", "-1")).hasMessageContaining("negative");
  }
}
