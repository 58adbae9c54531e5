package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;

import java.util.HashSet;
import java.util.Set;

/**
 * One simulated session's rate limits, as GA reports them after each response; and, for tests, the first
 * response to a user turn with {@link #TRIGGER} in it refused for the rate limit, as GA refuses one.
 */
final class SimulatedRateLimits {

  /** A user turn with these words has its first response refused for the rate limit (for tests). */
  static final String TRIGGER = "rate limit";
  static final double RESET_SECONDS = 1.5;

  private final SessionWire wire;
  private final String conversationId;
  /** The items whose response was refused once already (bounded by the conversation's items). */
  private final Set<String> refusedOnce = new HashSet<>();

  SimulatedRateLimits(SessionWire wire, String conversationId) {
    this.wire = wire;
    this.conversationId = conversationId;
  }

  /** Whether a response to {@code answering} is refused: the first to a user turn with the trigger in it. */
  boolean refuses(ConversationItem answering) {
    return answering != null && "user".equals(answering.role()) && answering.text() != null
        && answering.text().contains(TRIGGER) && refusedOnce.add(answering.id());
  }

  /**
   * Refuses a response as GA reports it: the limits with no tokens left, then a response that failed with
   * {@code rate_limit_exceeded}. The next request for the same item is answered.
   */
  void refuse(JsonNode metadata) {
    ObjectNode limits = wire.event("rate_limits.updated");
    limits.putArray("rate_limits")
        .add(Json.object().put("name", "requests").put("limit", 5000).put("remaining", 4998).put("reset_seconds", 0.012))
        .add(Json.object().put("name", "tokens").put("limit", 400000).put("remaining", 0)
            .put("reset_seconds", RESET_SECONDS));
    wire.emit(limits);
    ObjectNode refused = Json.object().put("id", SessionWire.newId("resp_")).put("object", "realtime.response")
        .put("status", "failed").put("conversation_id", conversationId);
    refused.set("status_details", Json.object().put("type", "failed")
        .set("error", Json.object().put("type", "tokens").put("code", "rate_limit_exceeded")));
    refused.putArray("output");
    if (metadata != null) {
      refused.set("metadata", metadata.deepCopy());
    }
    wire.emit(wire.event("response.created").set("response", refused.deepCopy().put("status", "in_progress")
        .without("status_details")));
    wire.emit(wire.event("response.done").set("response", refused));
  }

  /** The limits after a response: plenty left. */
  ObjectNode updated() {
    ObjectNode event = wire.event("rate_limits.updated");
    ArrayNode limits = event.putArray("rate_limits");
    limits.add(Json.object().put("name", "requests").put("limit", 5000).put("remaining", 4999).put("reset_seconds", 0.012));
    limits.add(Json.object().put("name", "tokens").put("limit", 400000).put("remaining", 399000).put("reset_seconds", 0.15));
    return event;
  }
}
