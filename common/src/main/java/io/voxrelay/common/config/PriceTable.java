package io.voxrelay.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.json.Json;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What the upstream charges, per model, in US dollars per million tokens of each kind
 * ({@code VOXRELAY_PRICES}): it turns a session's usage into an estimated cost. There are no built-in prices
 * (they change, and cannot be checked from here): without a table no cost is estimated.
 *
 * <p>Cached input tokens are part of the input tokens (as the upstream reports them) and are priced at
 * {@code cachedInput}; since the usage does not split them by kind, they are taken from the text input first,
 * then from the audio (a documented approximation).
 */
public final class PriceTable {

  /** One model's prices, per million tokens. */
  public record Prices(double inputText, double inputAudio, double cachedInput, double outputText,
                       double outputAudio) {
  }

  public static final PriceTable NONE = new PriceTable(Map.of());
  private static final Set<String> KINDS = Set.of("inputText", "inputAudio", "cachedInput", "outputText",
      "outputAudio");
  /** The highest price per million tokens accepted: far above any real one, so a typo is caught. */
  private static final double MAX_PRICE = 10_000;

  private final Map<String, Prices> byModel;

  private PriceTable(Map<String, Prices> byModel) {
    this.byModel = Map.copyOf(byModel);
  }

  /** Whether a table is set (a cost limit can be enforced). */
  public boolean isSet() {
    return !byModel.isEmpty();
  }

  /**
   * The estimated cost of {@code usage} on {@code model}, in millionths of a dollar; -1 when the table has
   * no prices for the model.
   */
  public long costMicros(String model, Usage usage) {
    Prices p = model == null ? null : byModel.get(model);
    if (p == null) {
      return -1;
    }
    long cached = Math.min(usage.cachedTokens(), usage.inputTextTokens() + usage.inputAudioTokens());
    long cachedFromText = Math.min(cached, usage.inputTextTokens());
    long cachedFromAudio = cached - cachedFromText;
    // Tokens times dollars per million tokens is millionths of a dollar.
    double micros = (usage.inputTextTokens() - cachedFromText) * p.inputText()
        + (usage.inputAudioTokens() - cachedFromAudio) * p.inputAudio()
        + cached * p.cachedInput()
        + usage.outputTextTokens() * p.outputText()
        + usage.outputAudioTokens() * p.outputAudio();
    return Math.round(micros);
  }

  /** Reads {@code VOXRELAY_PRICES}; unset: no table. */
  public static PriceTable fromEnv(Env env) {
    return env.optional("VOXRELAY_PRICES").map(PriceTable::parse).orElse(NONE);
  }

  /**
   * Parses a table: a JSON object by model name, each an object with a non-negative price for every kind
   * ({@code inputText}, {@code inputAudio}, {@code cachedInput}, {@code outputText}, {@code outputAudio}).
   *
   * @throws IllegalArgumentException naming what is wrong (never echoing the whole value)
   */
  public static PriceTable parse(String json) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("VOXRELAY_PRICES is not valid JSON");
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new IllegalArgumentException("VOXRELAY_PRICES must be a JSON object of prices by model name");
    }
    Map<String, Prices> byModel = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> model = it.next();
      JsonNode kinds = model.getValue();
      if (!kinds.isObject()) {
        throw new IllegalArgumentException("VOXRELAY_PRICES: '" + model.getKey() + "' must be an object");
      }
      for (Iterator<String> names = kinds.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!KINDS.contains(name)) {
          throw new IllegalArgumentException("VOXRELAY_PRICES: '" + model.getKey() + "' has an unknown price '"
              + name + "' (allowed: " + String.join(", ", KINDS.stream().sorted().toList()) + ")");
        }
      }
      byModel.put(model.getKey(), new Prices(price(model.getKey(), kinds, "inputText"),
          price(model.getKey(), kinds, "inputAudio"), price(model.getKey(), kinds, "cachedInput"),
          price(model.getKey(), kinds, "outputText"), price(model.getKey(), kinds, "outputAudio")));
    }
    return new PriceTable(byModel);
  }

  private static double price(String model, JsonNode kinds, String kind) {
    JsonNode v = kinds.get(kind);
    if (v == null || !v.isNumber() || v.asDouble() < 0 || v.asDouble() > MAX_PRICE) {
      throw new IllegalArgumentException("VOXRELAY_PRICES: '" + model + "." + kind
          + "' must be a number of dollars per million tokens, from 0 to " + (long) MAX_PRICE);
    }
    return v.asDouble();
  }
}
