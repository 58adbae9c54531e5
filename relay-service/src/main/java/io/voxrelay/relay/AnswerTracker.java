package io.voxrelay.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which turns of the upstream conversation still owe an answer, in the order they entered it: the items the
 * relay added (typed turns, a moved-on question, a tool's output) and the user's spoken turns (turn detection
 * only commits them; the relay asks for every answer itself). An answer is a response the relay asked for
 * with the turn's item id in its metadata ({@link RealtimeClientEvents#responseCreate}); a response that names
 * no tracked turn answers none. So a typed turn is never counted as answered by a response to speech that
 * came with it, and speech that arrives with a typed turn gets its own answer afterwards.
 *
 * <p>Pure bookkeeping, no I/O: the session asks {@link #nextToAnswer()} at each moment a response may start
 * and asks for that one. Bounded: at most {@link #MAX_ITEMS} turns are tracked, and a turn whose answer was
 * cut off {@link #MAX_ATTEMPTS} times is given up.
 */
final class AnswerTracker {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerTracker.class);
  static final int MAX_ITEMS = 64;
  static final int MAX_ATTEMPTS = 5;

  private enum Stage { SENT, IN_CONVERSATION, ANSWERING }

  /** What a tracked turn is. */
  enum Kind {
    /** Added by the relay: a typed turn, a moved-on question or a tool's output. */
    ADDED,
    /** The user's speech, committed by turn detection. */
    SPOKEN
  }

  private static final class Item {
    final Kind kind;
    Stage stage = Stage.SENT;
    int attempts;
    /** When it last began to owe an answer (entered, or its answer was cut off); -1 while it does not. */
    long owedSince = -1;

    Item(Kind kind) {
      this.kind = kind;
    }
  }

  private final Map<String, Item> items = new LinkedHashMap<>();

  /** The relay added {@code itemId} to the conversation and wants it answered. */
  void expect(String itemId) {
    track(itemId, new Item(Kind.ADDED));
  }

  /**
   * Turn detection committed the user's speech as {@code itemId} ({@code input_audio_buffer.committed}): it is
   * in the conversation and owes an answer from {@code now}.
   */
  void spoken(String itemId, long now) {
    if (items.containsKey(itemId)) {
      return;
    }
    Item item = new Item(Kind.SPOKEN);
    item.stage = Stage.IN_CONVERSATION;
    item.owedSince = now;
    track(itemId, item);
  }

  private void track(String itemId, Item item) {
    if (items.size() >= MAX_ITEMS) {
      String oldest = items.keySet().iterator().next();
      items.remove(oldest);
      LOG.warn("[Relay] more than {} turns await an answer; the oldest is no longer tracked", MAX_ITEMS);
    }
    items.put(itemId, item);
  }

  /** The upstream reports {@code itemId} in its conversation ({@code conversation.item.added}) at {@code now}. */
  void itemAdded(String itemId, long now) {
    Item item = items.get(itemId);
    if (item != null && item.stage == Stage.SENT) {
      item.stage = Stage.IN_CONVERSATION;
      item.owedSince = now;
    }
  }

  /**
   * The turn a response should answer now, or null when none owes one: the last of {@link #owedRun()}.
   */
  String nextToAnswer() {
    List<Map.Entry<String, Item>> run = owedRun();
    return run.isEmpty() ? null : run.get(run.size() - 1).getKey();
  }

  /**
   * The turns the next answer is for, oldest first: the oldest owed turn, and when it is spoken, the spoken
   * turns right after it that owe one too (one answer for speech that turn detection split). A turn the
   * relay added is always answered on its own.
   */
  private List<Map.Entry<String, Item>> owedRun() {
    List<Map.Entry<String, Item>> run = new ArrayList<>();
    for (Map.Entry<String, Item> entry : items.entrySet()) {
      Item item = entry.getValue();
      boolean owed = item.stage == Stage.IN_CONVERSATION;
      if (run.isEmpty()) {
        if (owed) {
          run.add(entry);
          if (item.kind == Kind.ADDED) {
            break;
          }
        }
      } else if (owed && item.kind == Kind.SPOKEN) {
        run.add(entry);
      } else {
        break;
      }
    }
    return run;
  }

  /**
   * A response began ({@code response.created}) naming {@code answersItem} (null: it named none). It answers
   * that turn and, when the turn closes the {@link #owedRun()}, the turns of the run before it.
   */
  void responseCreated(String answersItem) {
    Item named = answersItem == null ? null : items.get(answersItem);
    if (named == null || named.stage != Stage.IN_CONVERSATION) {
      return;
    }
    List<Map.Entry<String, Item>> run = owedRun();
    int at = run.stream().map(Map.Entry::getKey).toList().indexOf(answersItem);
    List<Item> answered = at < 0 ? List.of(named) : run.subList(0, at + 1).stream().map(Map.Entry::getValue).toList();
    for (Item item : answered) {
      item.stage = Stage.ANSWERING;
      item.attempts++;
      item.owedSince = -1;
    }
  }

  /**
   * A response finished ({@code response.done}) at {@code now}. Completed (or incomplete: it answered, if
   * briefly), its turns are answered; cancelled or failed, the turns the relay added owe an answer again, up
   * to {@link #MAX_ATTEMPTS}, and spoken turns are done (the user spoke over the answer, or paused).
   */
  void responseDone(String status, long now) {
    boolean answered = !"cancelled".equals(status) && !"failed".equals(status);
    for (Iterator<Map.Entry<String, Item>> it = items.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Item> entry = it.next();
      Item item = entry.getValue();
      if (item.stage != Stage.ANSWERING) {
        continue;
      }
      if (answered || item.kind == Kind.SPOKEN) {
        // A spoken turn's answer cut off was heard in part: the user spoke over it (or paused) and moved on, so
        // their next words get the next answer. A turn the relay added is answered again.
        it.remove();
      } else if (item.attempts >= MAX_ATTEMPTS) {
        LOG.warn("[Relay] the answer to item {} was cut off {} times; giving up on it", entry.getKey(), item.attempts);
        it.remove();
      } else {
        item.stage = Stage.IN_CONVERSATION;
        item.owedSince = now;
      }
    }
  }

  /**
   * A new upstream conversation replaced the old one at {@code now}, with the history restored into it before
   * anything else: every turn still owed is in it, and no response is under way.
   */
  void conversationRestored(long now) {
    for (Item item : items.values()) {
      if (item.stage != Stage.IN_CONVERSATION) {
        item.stage = Stage.IN_CONVERSATION;
        item.owedSince = now;
      }
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

  /** Since when {@code itemId} has owed an answer, or -1 when it does not (answered, under way, unknown). */
  long owedSince(String itemId) {
    Item item = items.get(itemId);
    return item == null || item.stage != Stage.IN_CONVERSATION ? -1 : item.owedSince;
  }

  /** Turns not answered yet, in any stage. */
  int pending() {
    return items.size();
  }
}
