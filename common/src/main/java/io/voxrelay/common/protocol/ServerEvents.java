package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.json.Json;

/**
 * Server → client events of protocol v1, built as the JSON text frames the gateway sends.
 * {@code docs/protocol.md} describes each one.
 */
public final class ServerEvents {

  public static final String ROLE_USER = "user";
  public static final String ROLE_ASSISTANT = "assistant";

  private ServerEvents() {
  }

  public static String connected(SessionSnapshot session) {
    ObjectNode event = event("connected")
        .put("sessionId", session.sessionId())
        .put("resumed", false)
        .put("awaitingResume", session.awaitingResume())
        .put("isPaused", session.paused())
        .put("currentQuestionIndex", session.currentQuestionIndex())
        .put("questionCount", session.questions().size());
    return Json.write(event);
  }

  public static String heartbeatPong() {
    return Json.write(event("heartbeat.pong"));
  }

  /** A chunk of the AI's voice: base64 PCM16, 24 kHz, mono. */
  public static String audio(String base64Pcm) {
    return Json.write(event("audio").put("data", base64Pcm));
  }

  public static String transcriptDelta(String role, String itemId, String delta) {
    return Json.write(event("transcript.delta").put("role", role).put("itemId", itemId).put("delta", delta));
  }

  public static String transcriptDone(String role, String itemId, String text) {
    return Json.write(event("transcript.done").put("role", role).put("itemId", itemId).put("text", text));
  }

  /** The user started speaking: a client should cut the AI's playback (barge-in). */
  public static String speechStarted() {
    return Json.write(event("speech.started"));
  }

  /** The AI finished a response. */
  public static String responseDone(String status) {
    return Json.write(event("response.done").put("status", status));
  }

  /** A recoverable error: the session goes on. {@code message} must be safe to show a user. */
  public static String error(String code, String message) {
    return Json.write(event("error").put("code", code).put("message", message));
  }

  private static ObjectNode event(String type) {
    return Json.object().put("type", type);
  }
}
