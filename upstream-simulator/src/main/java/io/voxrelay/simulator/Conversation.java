package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One simulated session's conversation: its items in order, as the client created them, committed speech and the
 * responses added them; what a truncation cuts; and which item a response answers, with what. Changed on the
 * simulator's event loop; the items may be read from any thread.
 */
final class Conversation {

  private final SessionWire wire;
  private final List<ConversationItem> items = Collections.synchronizedList(new ArrayList<>());
  private final SpokenItems spoken = new SpokenItems();
  private final SimulatedTools tools = new SimulatedTools();
  private String lastItemId;

  Conversation(SessionWire wire) {
    this.wire = wire;
  }

  /** The function tools and their calls. */
  SimulatedTools tools() {
    return tools;
  }

  /** The id of the item added last (null: none yet): a new item's {@code previous_item_id}. */
  String lastItemId() {
    return lastItemId;
  }

  /** Announces {@code item} ({@code conversation.item.added}) after {@code previous}; it is the last item now. */
  void addItem(ObjectNode item, String previous) {
    ObjectNode added = wire.event("conversation.item.added");
    if (previous != null) {
      added.put("previous_item_id", previous);
    }
    wire.emit(added.set("item", item.deepCopy()));
    lastItemId = item.path("id").asText();
  }

  /** Records a finished item, for answers and inspection. */
  void add(ConversationItem item) {
    items.add(item);
  }

  /** An answer was spoken up to {@code audioBytes}: a truncation may cut it. */
  void spoke(String itemId, int audioBytes) {
    spoken.spoke(itemId, audioBytes);
  }

  List<ConversationItem> items() {
    synchronized (items) {
      return List.copyOf(items);
    }
  }

  /** The truncations carried out, oldest first. */
  List<SpokenItems.Truncation> truncations() {
    return spoken.truncations();
  }

  /** A client's {@code conversation.item.create}: a text message, a tool's output, or a restored call. */
  void create(JsonNode event, String clientEventId) {
    JsonNode item = event.path("item");
    if ("function_call_output".equals(item.path("type").asText()) || "function_call".equals(item.path("type").asText())) {
      createToolItem(item, clientEventId);
      return;
    }
    String role = item.path("role").asText();
    JsonNode content = item.path("content").path(0);
    String contentType = content.path("type").asText();
    boolean valid = "message".equals(item.path("type").asText())
        && (("user".equals(role) && "input_text".equals(contentType))
        || ("assistant".equals(role) && "output_text".equals(contentType))
        || ("system".equals(role) && "input_text".equals(contentType)));
    if (!valid) {
      wire.error("invalid_request_error", "invalid_value",
          "Invalid conversation item: only text messages can be created here.", "item", clientEventId);
      return;
    }
    String itemId = item.path("id").isTextual() ? item.path("id").asText() : SessionWire.newId("item_");
    String text = content.path("text").asText();
    ObjectNode stored = SessionWire.message(itemId, role, "completed", content.deepCopy());
    String previous = lastItemId;
    addItem(stored, previous);
    wire.emit(wire.event("conversation.item.done").put("previous_item_id", previous).set("item", stored.deepCopy()));
    items.add(new ConversationItem(itemId, role, contentType, text));
  }

  /**
   * A tool's output for a call the model made (checked: a call of this conversation, answered once), or a
   * function call itself (a conversation restored into a new session).
   */
  private void createToolItem(JsonNode item, String clientEventId) {
    boolean output = "function_call_output".equals(item.path("type").asText());
    if (output) {
      Optional<String> problem = tools.acceptOutput(item);
      if (problem.isPresent()) {
        wire.error("invalid_request_error", "invalid_value", "Invalid 'item': " + problem.get() + ".", "item",
            clientEventId);
        return;
      }
    } else if (!item.path("call_id").isTextual() || !item.path("name").isTextual() || !item.path("arguments").isTextual()) {
      wire.error("invalid_request_error", "invalid_value",
          "Invalid 'item': a function_call needs 'call_id', 'name' and 'arguments'.", "item", clientEventId);
      return;
    } else {
      tools.restored(item.path("call_id").asText(), item.path("name").asText());
    }
    String itemId = item.path("id").isTextual() ? item.path("id").asText() : SessionWire.newId("item_");
    ObjectNode stored = ((ObjectNode) item.deepCopy()).put("id", itemId).put("object", "realtime.item")
        .put("status", "completed");
    String previous = lastItemId;
    addItem(stored, previous);
    wire.emit(wire.event("conversation.item.done").put("previous_item_id", previous).set("item", stored.deepCopy()));
    items.add(output
        ? new ConversationItem(itemId, "tool", "function_call_output", item.path("output").asText())
        : new ConversationItem(itemId, "assistant", "function_call", item.path("arguments").asText()));
  }

  /**
   * GA's {@code conversation.item.truncate}: the item's audio is cut at {@code audio_end_ms} and its transcript
   * is removed (GA keeps no text for a truncated item); {@code conversation.item.truncated} confirms it.
   */
  void truncate(JsonNode event, String clientEventId) {
    String itemId = event.path("item_id").asText();
    int contentIndex = event.path("content_index").asInt(-1);
    long audioEndMs = event.path("audio_end_ms").asLong(-1);
    String refused = spoken.truncate(itemId, contentIndex, audioEndMs);
    if (refused != null) {
      wire.error("invalid_request_error", "invalid_value", refused, "audio_end_ms", clientEventId);
      return;
    }
    synchronized (items) {
      items.replaceAll(item -> item.id().equals(itemId)
          ? new ConversationItem(item.id(), item.role(), item.contentType(), "") : item);
    }
    wire.emit(wire.event("conversation.item.truncated").put("item_id", itemId).put("content_index", contentIndex)
        .put("audio_end_ms", audioEndMs));
  }

  /**
   * The item a response answers: the one its request's metadata names ({@code voxrelay_answers}, as the relay
   * asks for the answer to one turn), else the conversation's last. This stands in for a model asked about one
   * turn; a real model reads the same conversation.
   */
  ConversationItem answering(JsonNode metadata) {
    String named = metadata == null ? null : metadata.path("voxrelay_answers").asText(null);
    synchronized (items) {
      if (named != null) {
        for (ConversationItem item : items) {
          if (item.id().equals(named)) {
            return item;
          }
        }
      }
      return items.isEmpty() ? null : items.get(items.size() - 1);
    }
  }

  /** The answer to {@code answering}: what it says, or for a note or an answer, the user's turn before it. */
  String answerText(ConversationItem answering) {
    if (answering != null && "function_call_output".equals(answering.contentType())) {
      return "Thank you. I looked that up: " + answering.text() + " Shall we go on?";
    }
    String lastUser = null;
    synchronized (items) {
      int from = answering == null ? items.size() - 1 : items.indexOf(answering);
      for (int i = from; i >= 0 && lastUser == null; i--) {
        if ("user".equals(items.get(i).role())) {
          lastUser = items.get(i).text();
        }
      }
    }
    return lastUser == null ? "Hello, I am ready when you are."
        : "Thank you. You said: " + lastUser + " Please tell me more.";
  }
}
