package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.protocol.ServerEvents;

import java.util.Optional;

/**
 * Turns an upstream Realtime server event into the client event it means, if any. Most upstream events
 * (rate limits, item bookkeeping) stay inside the relay. Finished transcripts are handled by the session,
 * since they also become history, and audio deltas too, since they go to the client live.
 */
final class UpstreamEventTranslator {

  private UpstreamEventTranslator() {
  }

  static Optional<String> toClient(JsonNode event) {
    String type = event.path("type").asText();
    return Optional.ofNullable(switch (type) {
      case "response.output_audio_transcript.delta", "response.output_text.delta" -> ServerEvents.transcriptDelta(
          ServerEvents.ROLE_ASSISTANT, event.path("item_id").asText(), event.path("delta").asText());
      case "input_audio_buffer.speech_started" -> ServerEvents.speechStarted();
      case "response.done" -> ServerEvents.responseDone(event.path("response").path("status").asText("completed"));
      case "error" -> ServerEvents.upstreamError(event.path("error").path("code").asText("upstream_error"),
          event.path("error").path("message").asText("The AI service reported an error."));
      default -> null;
    });
  }
}
