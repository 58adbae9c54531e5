package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tool call and its output as turns of the history (their text is JSON): how they are stored, restored into
 * a new upstream, and found unanswered by a relay that takes a session over.
 */
public final class ToolTurns {

  /** A call the model made. */
  public record Call(String itemId, String callId, String name, String arguments) {
  }

  /** What a call returned, as the model reads it; {@code status}: ok, error, timeout or cancelled. */
  public record Output(String callId, String name, String status, String output) {
  }

  private ToolTurns() {
  }

  public static Turn callTurn(Call call) {
    return new Turn(call.itemId(), Turn.TOOL_CALL, Json.write(Json.object().put("callId", call.callId())
        .put("name", call.name()).put("arguments", call.arguments())));
  }

  /** The output's turn: its item id comes from the call id, so an output is stored once per call. */
  public static Turn outputTurn(Output output) {
    return new Turn(outputItemId(output.callId()), Turn.TOOL_OUTPUT, Json.write(Json.object()
        .put("callId", output.callId()).put("name", output.name()).put("status", output.status())
        .put("output", output.output())));
  }

  /**
   * The item id of a call's output, in the history and upstream: made from the call id, at most 32 characters
   * (the upstream's limit on an item id a client gives).
   */
  public static String outputItemId(String callId) {
    String id = "out_" + callId;
    if (id.length() <= 32 && id.matches("[A-Za-z0-9_-]+")) {
      return id;
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(callId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "out_" + java.util.HexFormat.of().formatHex(digest).substring(0, 28);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public static Call call(Turn turn) {
    JsonNode node = Json.parse(turn.text());
    return new Call(turn.itemId(), node.path("callId").asText(), node.path("name").asText(),
        node.path("arguments").asText());
  }

  public static Output output(Turn turn) {
    JsonNode node = Json.parse(turn.text());
    return new Output(node.path("callId").asText(), node.path("name").asText(), node.path("status").asText(),
        node.path("output").asText());
  }

  /** The calls in {@code history} that have no output there: a relay that takes the session over makes them. */
  public static List<Call> unanswered(List<Turn> history) {
    Set<String> answered = new HashSet<>();
    for (Turn turn : history) {
      if (Turn.TOOL_OUTPUT.equals(turn.role())) {
        answered.add(output(turn).callId());
      }
    }
    List<Call> open = new ArrayList<>();
    for (Turn turn : history) {
      if (Turn.TOOL_CALL.equals(turn.role())) {
        Call call = call(turn);
        if (!answered.contains(call.callId())) {
          open.add(call);
        }
      }
    }
    return open;
  }
}
