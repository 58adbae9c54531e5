package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;

import java.util.Optional;

/**
 * Server → client events of protocol v1, built as the JSON text frames the gateway sends.
 * {@code docs/protocol.md} describes each one.
 */
public final class ServerEvents {

  public static final String ROLE_USER = "user";
  public static final String ROLE_ASSISTANT = "assistant";
  private static final String AUDIO_PREFIX = "{\"type\":\"audio\",";
  private static final String AUDIO_DATA = ",\"data\":\"";

  private ServerEvents() {
  }

  /**
   * The session is live on this connection.
   *
   * @param lastSeq the latest event seq of the session; replayed events and live ones follow in order
   */
  /**
   * The answer to {@code hello}. Besides the session, it tells the client the server's own constants, so the
   * client repeats none: how often to send {@code heartbeat.ping}, and which close codes to reconnect after.
   */
  public static String connected(SessionSnapshot session, String resumeToken, boolean resumed, long lastSeq,
                                 long heartbeatIntervalMs) {
    ObjectNode event = event("connected")
        .put("sessionId", session.sessionId())
        .put("resumeToken", resumeToken)
        .put("resumed", resumed)
        .put("lastSeq", lastSeq)
        .put("lastClientSeq", session.lastClientSeq())
        .put("awaitingResume", session.awaitingResume())
        .put("budgetExceeded", session.budgetExceeded())
        .put("budgetMessage", session.budgetExceeded() ? TerminationReason.BUDGET_EXCEEDED.message() : null)
        .put("isPaused", session.paused())
        .put("textOnly", session.textOnly())
        .put("currentQuestionIndex", session.currentQuestionIndex())
        .put("questionCount", session.questions().size())
        .put("currentQuestion", session.currentQuestion())
        .put("heartbeatIntervalMs", heartbeatIntervalMs);
    ArrayNode retryable = event.putArray("retryableCloseCodes");
    CloseCode.retryableCodes().forEach(retryable::add);
    ArrayNode history = event.putArray("history");
    for (Turn turn : session.history()) {
      if (!turn.forClient()) {
        continue;
      }
      ObjectNode shown = history.addObject().put("itemId", turn.itemId()).put("role", turn.role())
          .put("text", turn.text());
      if (turn.truncated()) {
        shown.put("interrupted", true).put("playedMs", turn.playedMs());
      }
    }
    return Json.write(event);
  }

  public static String interviewPaused() {
    return Json.write(event("interview.paused"));
  }

  public static String interviewResumed() {
    return Json.write(event("interview.resumed"));
  }

  public static String textOnlyChanged(boolean textOnly) {
    return Json.write(event("text_only.changed").put("textOnly", textOnly));
  }

  public static String questionChanged(int index, String question) {
    return Json.write(event("question.changed").put("currentQuestionIndex", index).put("question", question));
  }

  /**
   * What a client is told once a control took effect, if anything: the one mapping from controls to
   * events, used by the relay and, for a session without an upstream, by the gateway.
   */
  public static Optional<String> afterControl(Control control, SessionSnapshot session) {
    return Optional.ofNullable(switch (control) {
      case PAUSE -> interviewPaused();
      case RESUME -> interviewResumed();
      case NEXT_QUESTION -> questionChanged(session.currentQuestionIndex(), session.currentQuestion());
      case TEXT_ONLY_ON, TEXT_ONLY_OFF -> textOnlyChanged(session.textOnly());
      case END -> interviewEnded();
      case TEXT -> null;
    });
  }

  /**
   * The session has used {@code usedFraction} of its tightest limit ({@code limit} names it): warned once, at
   * the deployment's warning share, so the user can wrap up before it ends with {@code budget_exceeded}.
   */
  public static String budgetWarning(String limit, double usedFraction) {
    return Json.write(event("budget.warning").put("limit", limit)
        .put("usedFraction", Math.round(usedFraction * 1000) / 1000.0));
  }

  /**
   * The upstream's rate limit refused the AI's answer: voxrelay asks again in {@code retryInMs} by itself
   * (recoverable; the client need do nothing).
   */
  public static String upstreamRateLimited(long retryInMs) {
    return Json.write(errorEvent("upstream_rate_limited",
        "The AI service is busy (its rate limit); the answer follows shortly.", "voxrelay")
        .put("retryInMs", retryInMs));
  }

  /** The watchdog ended the session; the server closes the socket with 4000 right after. */
  public static String sessionTerminated(TerminationReason reason) {
    return Json.write(event("session.terminated").put("reason", reason.code()).put("message", reason.message()));
  }

  /**
   * The AI called one of the session's tools: a UI may show that something is being looked up. Only the name,
   * unless the tool is {@code clientVisible} ({@code arguments}, as JSON text, may then be given).
   */
  public static String toolStarted(String callId, String name, String arguments) {
    ObjectNode event = event("tool.started").put("callId", callId).put("name", name);
    if (arguments != null) {
      event.put("arguments", arguments);
    }
    return Json.write(event);
  }

  /**
   * A tool call finished: {@code status} {@code ok}, {@code error}, {@code timeout} or {@code cancelled}; the
   * output only for a {@code clientVisible} tool (else null).
   */
  public static String toolFinished(String callId, String name, String status, String output) {
    ObjectNode event = event("tool.finished").put("callId", callId).put("name", name).put("status", status);
    if (output != null) {
      event.put("output", output);
    }
    return Json.write(event);
  }

  /** The interview ended; the server closes the socket with 1000 right after. */
  public static String interviewEnded() {
    return Json.write(event("interview.ended"));
  }

  /** The upstream model connection dropped; the relay is reopening it. Audio sent meanwhile is dropped. */
  public static String upstreamReconnecting(int attempt) {
    return Json.write(event("upstream.reconnecting").put("attempt", attempt));
  }

  /**
   * A new upstream model session carries the conversation on, with the transcript restored into it.
   *
   * @param reason {@code dropped} after a failure, {@code rollover} before the upstream's time limit,
   *               {@code provider_failover} at the fallback provider after the upstream's provider failed, or
   *               another relay's reason ({@code OpenUpstream.RELAY_FAILOVER}, {@code RELAY_HANDOFF})
   */
  public static String upstreamRestored(String reason, int restoredTurns) {
    return Json.write(event("upstream.restored").put("reason", reason).put("restoredTurns", restoredTurns));
  }

  /**
   * Some events after the client's {@code lastSeq} are no longer kept (past the replay bound): the client
   * must redraw the conversation from {@code history} in {@code connected}; events from {@code resumeFromSeq}
   * on follow as usual.
   */
  public static String replayTruncated(long resumeFromSeq) {
    return Json.write(event("replay.truncated").put("resumeFromSeq", resumeFromSeq));
  }

  /**
   * Transient events (such as transcript deltas) after the client's {@code lastSeq} were lost (the relay
   * holding them crashed, or its ring overflowed); every durable event follows as usual. The client drops
   * the turns still streaming: their finished text comes in their {@code transcript.done}.
   */
  public static String transientsTruncated(long resumeFromSeq) {
    return Json.write(event("replay.truncated").put("resumeFromSeq", resumeFromSeq).put("transientOnly", true));
  }

  /**
   * Some of the client's microphone audio did not reach the AI: {@code reason} {@code rate} (sent faster than
   * real time allows), {@code upstream} (the AI service did not keep up) or {@code relay} (the relay holding the
   * session did not keep up). {@code droppedMs} counts all dropped on this connection so far for that reason.
   * Live, never numbered.
   */
  public static String audioDropped(String reason, long droppedMs) {
    return Json.write(event("audio.dropped").put("reason", reason).put("droppedMs", droppedMs));
  }

  public static String heartbeatPong() {
    return Json.write(event("heartbeat.pong"));
  }

  /**
   * A chunk of the AI's voice: base64 PCM16, 24 kHz, mono, of answer {@code itemId}, starting
   * {@code offsetMs} into its audio. Built by concatenation (it is the most frequent event): {@code itemId}
   * must be an upstream item id and {@code base64Pcm} base64, neither of which needs escaping.
   */
  public static String audio(String itemId, long offsetMs, String base64Pcm) {
    return AUDIO_PREFIX + "\"itemId\":\"" + itemId + "\",\"offsetMs\":" + offsetMs + AUDIO_DATA + base64Pcm + "\"}";
  }

  /** The PCM16 bytes an event built by {@link #audio} carries (from its base64 length; padding aside). */
  public static long audioBytes(String audioEventJson) {
    int data = audioEventJson.indexOf(AUDIO_DATA);
    return data < 0 ? 0 : Math.max(0, audioEventJson.length() - data - AUDIO_DATA.length() - 2) * 3L / 4;
  }

  /**
   * The user spoke over answer {@code itemId}: the client played {@code playedMs} of it, and its text is cut
   * to {@code text} (the upstream keeps no text for a cut answer; voxrelay cuts it in proportion). Redraw the
   * turn with it.
   */
  public static String transcriptTruncated(String itemId, String text, long playedMs) {
    return Json.write(event("transcript.truncated").put("itemId", itemId).put("text", text)
        .put("playedMs", playedMs));
  }

  /** Whether {@code eventJson} is an event built by {@link #audio}. */
  public static boolean isAudio(String eventJson) {
    return eventJson.startsWith(AUDIO_PREFIX);
  }

  public static String transcriptDelta(String role, String itemId, String delta) {
    return Json.write(event("transcript.delta").put("role", role).put("itemId", itemId).put("delta", delta));
  }

  public static String transcriptDone(String role, String itemId, String text) {
    return Json.write(transcriptDoneEvent(role, itemId, text));
  }

  private static ObjectNode transcriptDoneEvent(String role, String itemId, String text) {
    return event("transcript.done").put("role", role).put("itemId", itemId).put("text", text);
  }

  /**
   * An AI answer that stopped before its transcript was finished (the user spoke over it, a pause, a lost
   * upstream): the turn as far as it got, final from now on.
   */
  public static String transcriptInterrupted(String itemId, String text) {
    return Json.write(transcriptDoneEvent(ROLE_ASSISTANT, itemId, text).put("interrupted", true));
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
    return Json.write(errorEvent(code, message, "voxrelay"));
  }

  /**
   * A typed turn (client seq {@code seq}, sent as {@code clientSeq}) could not enter the conversation in time
   * and was withdrawn: it will never enter as sent. The client sends it again under the same seq, which is
   * processed once.
   */
  public static String turnWithdrawn(long seq) {
    return Json.write(errorEvent("turn_withdrawn",
        "Your message could not be added to the conversation in time; it is sent again.", "voxrelay")
        .put("clientSeq", seq));
  }

  /** An error the upstream model reported, passed on with its own code; the session goes on. */
  public static String upstreamError(String code, String message) {
    return Json.write(errorEvent(code, message, "upstream"));
  }

  private static ObjectNode errorEvent(String code, String message, String source) {
    return event("error").put("code", code).put("message", message).put("source", source);
  }

  private static ObjectNode event(String type) {
    return Json.object().put("type", type);
  }
}
