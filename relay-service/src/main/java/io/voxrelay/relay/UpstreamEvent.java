package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.protocol.ServerEvents;

/**
 * An upstream Realtime server event, typed. {@link #of} is the one place the upstream's event type is switched
 * on; the link, the session and the client translation all read these records. Audio deltas usually skip this
 * (the link passes them on without a JSON tree) and only arrive here when written in an unusual way.
 */
sealed interface UpstreamEvent {

  /** The client event this means, or null when it stays inside the relay. */
  default String toClient() {
    return null;
  }

  /** The upstream's transcription of something the user said. */
  record UserTranscript(String itemId, String text) implements UpstreamEvent {
  }

  /** A piece of the AI's answer (its voice's transcript, or text in text-only mode). */
  record AnswerDelta(String itemId, String delta) implements UpstreamEvent {
    @Override
    public String toClient() {
      return ServerEvents.transcriptDelta(ServerEvents.ROLE_ASSISTANT, itemId, delta);
    }
  }

  /** The AI's answer is finished: its whole transcript (or text). */
  record AnswerDone(String itemId, String text) implements UpstreamEvent {
  }

  /** The upstream added an item to its conversation. */
  record ItemAdded(String itemId) implements UpstreamEvent {
  }

  /**
   * A response began; {@code answersItem} is the turn the relay asked it for (its metadata's
   * {@link RealtimeClientEvents#ANSWERS_ITEM}), null when it names none.
   */
  record ResponseCreated(String answersItem) implements UpstreamEvent {
  }

  /** Turn detection committed the user's speech to the conversation as {@code itemId}. */
  record SpeechCommitted(String itemId) implements UpstreamEvent {
  }

  /**
   * A response ended: {@code completed}, {@code cancelled}, {@code incomplete} or {@code failed}; with its id
   * and what it was billed ({@code usage}, null when the upstream reported none).
   */
  record ResponseDone(String status, String responseId, Usage usage, String errorCode) implements UpstreamEvent {
    ResponseDone(String status) {
      this(status, null, null, null);
    }

    /** The upstream's rate limit refused it: asking again at once would be refused too. */
    boolean rateLimited() {
      return "failed".equals(status) && RateLimits.isRateLimit(errorCode);
    }

    @Override
    public String toClient() {
      return ServerEvents.responseDone(status);
    }
  }

  /** The upstream refused something; {@code eventId} names the client event it refused, if any. */
  record Failure(String code, String message, String eventId) implements UpstreamEvent {
    @Override
    public String toClient() {
      return ServerEvents.upstreamError(code, message);
    }
  }

  /** Turn detection heard the user begin to speak. */
  record SpeechStarted() implements UpstreamEvent {
    @Override
    public String toClient() {
      return ServerEvents.speechStarted();
    }
  }

  /** Turn detection heard the speech end, or the input buffer was cleared: the user is not speaking. */
  record SpeechEnded(boolean cleared) implements UpstreamEvent {
  }

  /** A piece of the AI's voice, base64 PCM16 (null when it was not base64), of answer {@code itemId}. */
  record Audio(String itemId, String base64Pcm) implements UpstreamEvent {
  }

  /** The model called a function tool; its arguments are complete. */
  record FunctionCall(String itemId, String callId, String name, String arguments) implements UpstreamEvent {
  }

  /** The upstream's rate limits as they stand ({@code rate_limits.updated}, at the start of each response). */
  record RateLimits(java.util.List<Limit> limits) implements UpstreamEvent {
    /** One limit: {@code requests} or {@code tokens}. */
    record Limit(String name, long limit, long remaining, double resetSeconds) {
    }

    /** Whether an upstream error code means its rate limit was hit. */
    static boolean isRateLimit(String code) {
      return code != null && code.contains("rate_limit");
    }
  }

  /** Anything else (item bookkeeping): nothing to do. */
  record Other(String type) implements UpstreamEvent {
  }

  /** Reads one upstream server event. */
  static UpstreamEvent of(JsonNode event) {
    String type = event.path("type").asText();
    return switch (type) {
      case "conversation.item.input_audio_transcription.completed" ->
          new UserTranscript(event.path("item_id").asText(), event.path("transcript").asText());
      case "response.output_audio_transcript.delta", "response.output_text.delta" ->
          new AnswerDelta(event.path("item_id").asText(), event.path("delta").asText());
      case "response.output_audio_transcript.done" ->
          new AnswerDone(event.path("item_id").asText(), event.path("transcript").asText());
      case "response.output_text.done" -> new AnswerDone(event.path("item_id").asText(), event.path("text").asText());
      case "conversation.item.added" -> new ItemAdded(event.path("item").path("id").asText());
      case "response.created" -> new ResponseCreated(
          event.path("response").path("metadata").path(RealtimeClientEvents.ANSWERS_ITEM).asText(null));
      case "input_audio_buffer.committed" -> new SpeechCommitted(event.path("item_id").asText());
      case "response.function_call_arguments.done" -> new FunctionCall(event.path("item_id").asText(),
          event.path("call_id").asText(), event.path("name").asText(), event.path("arguments").asText());
      case "response.done" -> new ResponseDone(event.path("response").path("status").asText("completed"),
          event.path("response").path("id").asText(null), Usage.of(event.path("response").path("usage")),
          event.path("response").path("status_details").path("error").path("code").asText(null));
      case "rate_limits.updated" -> {
        java.util.List<RateLimits.Limit> limits = new java.util.ArrayList<>();
        for (JsonNode limit : event.path("rate_limits")) {
          if (limits.size() < 8) {
            limits.add(new RateLimits.Limit(limit.path("name").asText(), limit.path("limit").asLong(),
                limit.path("remaining").asLong(), limit.path("reset_seconds").asDouble()));
          }
        }
        yield new RateLimits(limits);
      }
      case "error" -> new Failure(event.path("error").path("code").asText("upstream_error"),
          event.path("error").path("message").asText("The AI service reported an error."),
          event.path("error").path("event_id").asText(null));
      case "input_audio_buffer.speech_started" -> new SpeechStarted();
      case "input_audio_buffer.speech_stopped" -> new SpeechEnded(false);
      case "input_audio_buffer.cleared" -> new SpeechEnded(true);
      case "response.output_audio.delta" -> {
        String delta = event.path("delta").asText();
        yield new Audio(AudioDeltas.itemId(event.path("item_id").asText(null)),
            AudioDeltas.isBase64(delta) ? delta : null);
      }
      default -> new Other(type);
    };
  }
}
