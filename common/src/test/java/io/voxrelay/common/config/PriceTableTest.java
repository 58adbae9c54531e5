package io.voxrelay.common.config;

import io.voxrelay.common.bus.Budget;
import io.voxrelay.common.bus.Usage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("VOXRELAY_PRICES and the budget settings")
class PriceTableTest {

  private static final String TABLE = "{\"gpt-realtime\":{\"inputText\":4,\"inputAudio\":32,\"cachedInput\":0.4,"
      + "\"outputText\":16,\"outputAudio\":64}}";

  @Test
  @DisplayName("a cost in millionths of a dollar per kind; cached tokens at their price, taken from the text input first")
  void cost() {
    PriceTable prices = PriceTable.parse(TABLE);
    assertThat(prices.isSet()).isTrue();
    // 1000 text input (200 of them cached), 2000 audio input, 100 text and 500 audio output.
    Usage usage = new Usage(3_000, 600, 200, 1_000, 2_000, 100, 500);
    assertThat(prices.costMicros("gpt-realtime", usage)).isEqualTo(800 * 4 + 2_000 * 32 + 80 + 100 * 16 + 500 * 64);
    Usage mostlyCached = new Usage(300, 0, 250, 100, 200, 0, 0);
    assertThat(prices.costMicros("gpt-realtime", mostlyCached)).as("150 cached tokens come from the audio")
        .isEqualTo(50 * 32 + 100);
    assertThat(prices.costMicros("another-model", usage)).as("no prices for it").isEqualTo(-1);
    assertThat(PriceTable.NONE.costMicros("gpt-realtime", usage)).isEqualTo(-1);
  }

  @Test
  @DisplayName("a malformed table is refused at start-up, naming what is wrong")
  void refused() {
    assertThatThrownBy(() -> PriceTable.parse("not json")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> PriceTable.parse("{}")).hasMessageContaining("by model name");
    assertThatThrownBy(() -> PriceTable.parse("{\"m\":{\"inputText\":1}}")).hasMessageContaining("m.inputAudio");
    assertThatThrownBy(() -> PriceTable.parse(TABLE.replace("\"outputAudio\":64", "\"outputAudio\":-1")))
        .hasMessageContaining("gpt-realtime.outputAudio");
    assertThatThrownBy(() -> PriceTable.parse(TABLE.replace("inputText", "inputTxt")))
        .hasMessageContaining("unknown price 'inputTxt'");
  }

  @Test
  @DisplayName("default limits and the warning share from env; a cost limit only with a price table")
  void budgetConfig() {
    BudgetConfig config = BudgetConfig.fromEnv(new Env(Map.of("VOXRELAY_LIMIT_MAX_TOTAL_TOKENS", "50000",
        "VOXRELAY_BUDGET_WARN_FRACTION", "0.9")));
    assertThat(config.warnFraction()).isEqualTo(0.9);
    assertThat(config.admit(new Budget(null, 100L, null, null))).isEqualTo(new Budget(50_000L, 100L, null, null));
    assertThatThrownBy(() -> config.admit(new Budget(null, null, null, 1.0))).hasMessageContaining("price table");
    assertThat(BudgetConfig.fromEnv(new Env(Map.of("VOXRELAY_PRICES", TABLE)))
        .admit(new Budget(null, null, null, 1.0)).maxCostUsd()).isEqualTo(1.0);
    assertThat(BudgetConfig.fromEnv(new Env(Map.of())).warnFraction()).isEqualTo(BudgetConfig.WARN_FRACTION);
    assertThatThrownBy(() -> BudgetConfig.fromEnv(new Env(Map.of("VOXRELAY_LIMIT_MAX_COST_USD", "5"))))
        .hasMessageContaining("VOXRELAY_PRICES");
    assertThatThrownBy(() -> BudgetConfig.fromEnv(new Env(Map.of("VOXRELAY_BUDGET_WARN_FRACTION", "1.5"))))
        .hasMessageContaining("VOXRELAY_BUDGET_WARN_FRACTION");
    assertThatThrownBy(() -> BudgetConfig.fromEnv(new Env(Map.of("VOXRELAY_LIMIT_MAX_OUTPUT_TOKENS", "0"))))
        .hasMessageContaining("VOXRELAY_LIMIT_MAX_OUTPUT_TOKENS");
  }
}
