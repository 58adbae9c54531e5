package io.voxrelay.common.bus;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tokens the upstream billed, as {@code response.done}'s {@code usage} reports them (cached tokens are a part
 * of the input tokens, as OpenAI counts them).
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens, long inputTextTokens,
                    long inputAudioTokens, long outputTextTokens, long outputAudioTokens) {

  public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, 0);

  /** The {@code usage} object of a GA {@code response.done}'s response; null when it has none. */
  public static Usage of(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return null;
    }
    JsonNode in = usage.path("input_token_details");
    JsonNode out = usage.path("output_token_details");
    return new Usage(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0),
        in.path("cached_tokens").asLong(0), in.path("text_tokens").asLong(0), in.path("audio_tokens").asLong(0),
        out.path("text_tokens").asLong(0), out.path("audio_tokens").asLong(0));
  }

  public Usage plus(Usage other) {
    return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
        cachedTokens + other.cachedTokens, inputTextTokens + other.inputTextTokens,
        inputAudioTokens + other.inputAudioTokens, outputTextTokens + other.outputTextTokens,
        outputAudioTokens + other.outputAudioTokens);
  }

  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
