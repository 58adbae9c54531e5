package io.voxrelay.common.bus;

/**
 * A session's upstream session options, those that most change the bill and the user's experience. Every
 * field is optional (null: the relay's default, {@code VOXRELAY_*} settings); they are carried into every new
 * upstream session of the session (reconnect, rollover, failover).
 *
 * @param turnDetection      {@code server_vad} or {@code semantic_vad}
 * @param vadThreshold       server VAD: activation threshold, 0 to 1
 * @param vadPrefixPaddingMs server VAD: audio kept before the detected speech
 * @param vadSilenceMs       server VAD: silence that ends a turn
 * @param vadEagerness       semantic VAD: {@code low}, {@code medium}, {@code high} or {@code auto}
 * @param transcriptionModel the model that transcribes the user's speech
 * @param noiseReduction     {@code near_field}, {@code far_field} or {@code off}
 * @param voice              the AI's voice
 * @param maxOutputTokens    the most tokens of one answer (null: the upstream's own limit)
 * @param truncation         {@code auto}, {@code disabled} or {@code retention_ratio}
 * @param retentionRatio     with {@code retention_ratio}: the fraction of the context kept, above 0 and below 1
 */
public record UpstreamOptions(String turnDetection, Double vadThreshold, Integer vadPrefixPaddingMs,
                              Integer vadSilenceMs, String vadEagerness, String transcriptionModel,
                              String noiseReduction, String voice, Integer maxOutputTokens, String truncation,
                              Double retentionRatio) {

  /** Nothing set: every option is the relay's default. */
  public static final UpstreamOptions NONE = new UpstreamOptions(null, null, null, null, null, null, null, null, null,
      null, null);

  /** These options, each unset one taken from {@code defaults}. */
  public UpstreamOptions or(UpstreamOptions defaults) {
    boolean ownDetection = turnDetection != null;
    boolean ownTruncation = truncation != null;
    return new UpstreamOptions(
        ownDetection ? turnDetection : defaults.turnDetection,
        vadThreshold != null || ownDetection ? vadThreshold : defaults.vadThreshold,
        vadPrefixPaddingMs != null || ownDetection ? vadPrefixPaddingMs : defaults.vadPrefixPaddingMs,
        vadSilenceMs != null || ownDetection ? vadSilenceMs : defaults.vadSilenceMs,
        vadEagerness != null || ownDetection ? vadEagerness : defaults.vadEagerness,
        transcriptionModel != null ? transcriptionModel : defaults.transcriptionModel,
        noiseReduction != null ? noiseReduction : defaults.noiseReduction,
        voice != null ? voice : defaults.voice,
        maxOutputTokens != null ? maxOutputTokens : defaults.maxOutputTokens,
        ownTruncation ? truncation : defaults.truncation,
        ownTruncation ? retentionRatio : defaults.retentionRatio);
  }
}
