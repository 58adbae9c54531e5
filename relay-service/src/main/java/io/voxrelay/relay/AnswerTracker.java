package io.voxrelay.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which items the relay put into the upstream conversation (typed turns, a moved-on question) still owe an
 * answer. An item is answered by a response that the upstream created <em>after</em> the item entered its
 * conversation and that finished without being cancelled. The upstream's events arrive in its own order, so
 * this holds however typed text, turn detection and our own {@code response.create} interleave: a response
 * turn detection started first does not count for a typed item added after it began, and our request that
 * lost the race to such a response is not needed when that response came after the item.
 *
 * <p>Pure bookkeeping, no I/O: the session asks {@link #owesAnswer()} at each quiet moment and requests one
 * response when it does. Bounded: at most {@link #MAX_ITEMS} items are tracked, and an item whose answer was
 * cut off {@link #MAX_ATTEMPTS} times is given up.
 */
final class AnswerTracker {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerTracker.class);
  static final int MAX_ITEMS = 64;
  static final int MAX_ATTEMPTS = 5;

  private enum Stage { SENT, IN_CONVERSATION, ANSWERING }

  private static final class Item {
    Stage stage = Stage.SENT;
    int attempts;
  }

  private final Map<String, Item> items = new LinkedHashMap<>();

  /** The relay added {@code itemId} to the conversation and wants it answered. */
  void expect(String itemId) {
    if (items.size() >= MAX_ITEMS) {
      String oldest = items.keySet().iterator().next();
      items.remove(oldest);
      LOG.warn("[Relay] more than {} items await an answer; the oldest is no longer tracked", MAX_ITEMS);
    }
    items.put(itemId, new Item());
  }

  /** The upstream reports {@code itemId} in its conversation ({@code conversation.item.added}). */
  void itemAdded(String itemId) {
    Item item = items.get(itemId);
    if (item != null && item.stage == Stage.SENT) {
      item.stage = Stage.IN_CONVERSATION;
    }
  }

  /** A response began ({@code response.created}): it answers every item already in the conversation. */
  void responseCreated() {
    for (Item item : items.values()) {
      if (item.stage == Stage.IN_CONVERSATION) {
        item.stage = Stage.ANSWERING;
        item.attempts++;
      }
    }
  }

  /**
   * A response finished ({@code response.done}). Completed (or incomplete: it answered, if briefly), its
   * items are answered; cancelled or failed, they owe an answer again, up to {@link #MAX_ATTEMPTS}.
   */
  void responseDone(String status) {
    boolean answered = !"cancelled".equals(status) && !"failed".equals(status);
    for (Iterator<Map.Entry<String, Item>> it = items.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Item> entry = it.next();
      Item item = entry.getValue();
      if (item.stage != Stage.ANSWERING) {
        continue;
      }
      if (answered) {
        it.remove();
      } else if (item.attempts >= MAX_ATTEMPTS) {
        LOG.warn("[Relay] the answer to item {} was cut off {} times; giving up on it", entry.getKey(), item.attempts);
        it.remove();
      } else {
        item.stage = Stage.IN_CONVERSATION;
      }
    }
  }

  /**
   * A new upstream conversation replaced the old one, with the history restored into it before anything
   * else: every item still owed is in it, and no response is under way.
   */
  void conversationRestored() {
    for (Item item : items.values()) {
      item.stage = Stage.IN_CONVERSATION;
    }
  }

  /**
   * The upstream refused to add {@code itemId}: it will never be confirmed, and must not hold up the typed
   * turns behind it.
   */
  void refused(String itemId) {
    Item item = items.get(itemId);
    if (item != null && item.stage == Stage.SENT) {
      items.remove(itemId);
    }
  }

  /** Whether some item in the conversation still waits for a response to begin. */
  boolean owesAnswer() {
    for (Item item : items.values()) {
      if (item.stage == Stage.IN_CONVERSATION) {
        return true;
      }
    }
    return false;
  }

  /** Items not answered yet, in any stage. */
  int pending() {
    return items.size();
  }
}
