package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.json.Json;


/**
 * Client → server messages of protocol v1, parsed from a WebSocket text frame. {@code docs/protocol.md}
 * describes each one.
 */
public sealed interface ClientMessage {

  /** Largest audio chunk accepted in one frame: 2 s of PCM16 at 24 kHz. */
  int MAX_AUDIO_BYTES = 2 * 24_000 * 2;

  /** The first frame of every connection; {@code lastSeq} is the last server event the client processed. */
  record Hello(String token, long lastSeq) implements ClientMessage {
    @Override
    public String toString() {
      return "Hello[token=redacted, lastSeq=" + lastSeq + "]";
    }
  }

  /** Microphone audio: base64 PCM16, 24 kHz, mono; {@code bytes} is the decoded length. */
  record Audio(String base64Pcm, int bytes) implements ClientMessage {
  }

  /** Liveness ping, answered with {@code heartbeat.pong}; {@code ack} acknowledges events up to that seq (0: none). */
  record HeartbeatPing(long ack) implements ClientMessage {
  }

  /** Acknowledges the server events up to {@code seq}: they need not be kept for replay any more. */
  record Ack(long seq) implements ClientMessage {
  }

  /**
   * An interview control; {@code text} is set for a typed turn only. {@code seq} is the client's number for
   * the message (0 when it sent none): a message is processed once, however often it is resent.
   */
  record ControlMessage(Control control, String text, long seq) implements ClientMessage {
  }

  /**
   * The user spoke over the AI's answer {@code itemId} (from its {@code audio} events) after the client
   * played {@code audioEndMs} of it: the AI's side of the conversation is cut there.
   */
  record PlaybackTruncated(String itemId, long audioEndMs) implements ClientMessage {
  }

  /** The longest answer a truncation may name a time in: an hour. */
  long MAX_PLAYED_MS = 3_600_000;

  /** Longest typed turn accepted. */
  int MAX_TEXT_CHARS = 4_000;

  /**
   * Parses one text frame.
   *
   * @throws ProtocolException when the frame is not a valid v1 client message
   */
  static ClientMessage parse(String text) {
    Audio audio = AudioFrames.fastPath(text);
    if (audio != null) {
      return audio;
    }
    JsonNode node;
    try {
      node = Json.parse(text);
    } catch (Json.InvalidJsonException e) {
      throw new ProtocolException("invalid_json", "frame is not a JSON document within the size limits");
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException("invalid_message", "frame must be a JSON object");
    }
    JsonNode type = node.get("type");
    if (type == null || !type.isTextual()) {
      throw new ProtocolException("invalid_message", "missing string field 'type'");
    }
    return switch (type.asText()) {
      case "hello" -> new Hello(requiredString(node, "token"), optionalCount(node, "lastSeq"));
      case "audio" -> audio(requiredString(node, "data"));
      case "heartbeat.ping" -> new HeartbeatPing(optionalCount(node, "ack"));
      case "ack" -> new Ack(requiredCount(node, "seq"));
      case "pause_interview" -> control(node, Control.PAUSE, null);
      case "resume_interview" -> control(node, Control.RESUME, null);
      case "next_question" -> control(node, Control.NEXT_QUESTION, null);
      case "end_interview" -> control(node, Control.END, null);
      case "text" -> control(node, Control.TEXT, text(requiredString(node, "text")));
      case "text_only" -> control(node, requiredBoolean(node, "enabled") ? Control.TEXT_ONLY_ON
          : Control.TEXT_ONLY_OFF, null);
      case "playback.truncated" -> playbackTruncated(node);
      default -> throw new ProtocolException("unknown_type", "unknown message type");
    };
  }

  private static PlaybackTruncated playbackTruncated(JsonNode node) {
    String itemId = requiredString(node, "itemId");
    if (itemId.length() > 64 || !itemId.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128
        || c == '_' || c == '-')) {
      throw new ProtocolException("invalid_message", "'itemId' must be an item id from an 'audio' event");
    }
    long audioEndMs = requiredCount(node, "audioEndMs");
    if (audioEndMs > MAX_PLAYED_MS) {
      throw new ProtocolException("invalid_message", "'audioEndMs' must be at most " + MAX_PLAYED_MS);
    }
    return new PlaybackTruncated(itemId, audioEndMs);
  }

  private static Audio audio(String base64) {
    return new Audio(base64, AudioFrames.decodedLength(base64));
  }

  private static ControlMessage control(JsonNode node, Control control, String text) {
    return new ControlMessage(control, text, optionalCount(node, "seq"));
  }

  /** A non-negative whole number, 0 when absent. */
  private static long optionalCount(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || value.asLong() < 0 || !value.canConvertToLong()) {
      throw new ProtocolException("invalid_message", "'" + field + "' must be a non-negative integer");
    }
    return value.asLong();
  }

  private static long requiredCount(JsonNode node, String field) {
    if (node.get(field) == null) {
      throw new ProtocolException("invalid_message", "missing integer field '" + field + "'");
    }
    return optionalCount(node, field);
  }

  private static String text(String text) {
    if (text.length() > MAX_TEXT_CHARS) {
      throw new ProtocolException("invalid_message", "'text' is longer than " + MAX_TEXT_CHARS + " characters");
    }
    return text;
  }

  private static boolean requiredBoolean(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw new ProtocolException("invalid_message", "missing boolean field '" + field + "'");
    }
    return value.asBoolean();
  }

  private static String requiredString(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new ProtocolException("invalid_message", "missing string field '" + field + "'");
    }
    return value.asText();
  }
}
