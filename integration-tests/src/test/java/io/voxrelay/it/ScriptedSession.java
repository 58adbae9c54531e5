package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.simulator.ConversationItem;
import io.voxrelay.simulator.SimulatedSession;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.function.IntSupplier;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scripted session of a fault test: a {@link ReliableClient} whose instructions start with a marker (so its
 * upstreams can be found at the simulator), the typed turns it sent, and the checks of the invariants
 * from outside the code under test: at the client (every sequenced event once and in order, each item once)
 * and at the simulator (each typed turn carried out once, upstreams that overlap only within a bound).
 * A typed turn sent while a fault was under way may fail (the client hears an error and could send it again):
 * it counts as carried out at most once rather than exactly once.
 */
final class ScriptedSession implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  final String marker;
  final ReliableClient client;
  private final List<String> sure = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> uncertain = Collections.synchronizedSet(new HashSet<>());
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
  /** When each typed turn was sent ({@link System#nanoTime}), for turns classified afterwards. */
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private volatile long lastPingAt;

  private ScriptedSession(String marker, ReliableClient client) {
    this.marker = marker;
    this.client = client;
  }

  /** Creates a session through the gateway at {@code port} and connects its client (to {@code ports} later). */
  static ScriptedSession start(Vertx vertx, int port, IntSupplier ports, String marker) {
    VoiceClient.Created created = VoiceClient.createSession(vertx, port, null, marker);
    ReliableClient client = new ReliableClient(vertx, ports, created);
    client.connect();
    return new ScriptedSession(marker, client);
  }

  /**
   * One typed turn per session ("turn {@code round} of {@code marker}"). Outside a fault each session is
   * reconnected first and every turn is waited for; one sent into a fault may fail, and is not waited for.
   */
  static void talk(List<ScriptedSession> sessions, String round, boolean intoFault) {
    for (ScriptedSession s : sessions) {
      if (!intoFault) {
        s.reconnectIfNeeded();
      }
      s.type("turn " + round + " of " + s.marker, intoFault);
    }
    if (!intoFault) {
      sessions.forEach(ScriptedSession::awaitEchoes);
    }
  }

  /** Sends a typed turn; {@code duringFault}: it may fail, and then it is not carried out. */
  void type(String text, boolean duringFault) {
    sent.add(text);
    if (duringFault) {
      uncertain.add(text);
    } else {
      sure.add(text);
    }
    client.send("text", ",\"text\":\"" + text + "\"");
  }

  /**
   * Sends a typed turn whose certainty is decided afterwards ({@link #classify}), from when faults happened
   * around it; one sent while the session awaits resume is not sure.
   */
  void typeUnclassified(String text) {
    sent.add(text);
    if (client.awaitingResume()) {
      // Refused (invalid_state) unless a resume sent before it still gets through: not sure either way.
      uncertain.add(text);
    } else {
      sentAt.put(text, System.nanoTime());
    }
    client.send("text", ",\"text\":\"" + text + "\"");
  }

  /** Each unclassified turn is sure unless {@code faultNear} says a fault was under way or began soon after it was sent. */
  void classify(LongPredicate faultNear) {
    sentAt.forEach((text, at) -> {
      if (faultNear.test(at)) {
        uncertain.add(text);
      } else {
        sure.add(text);
      }
    });
    sentAt.clear();
  }

  /** How many typed turns were sent, and how many of them count as sure. */
  int sentCount() {
    return sent.size();
  }

  int sureCount() {
    return sure.size();
  }

  /**
   * Tries once to connect again if the connection dropped, waiting at most {@code timeout}; a session that
   * awaits resume (its relay let it go, or the watchdog ended it) is resumed.
   *
   * @return whether it is connected now
   */
  boolean tryReconnect(Duration timeout) {
    // One connection attempt at a time, as a browser tab has one socket: the driver's thread and the test's
    // may both find the connection gone, and two hellos racing would each rotate the token.
    synchronized (client) {
      if (!client.isConnected()) {
        try {
          client.connect(timeout);
        } catch (AssertionError e) {
          return false;
        }
        if (client.lastConnected().path("awaitingResume").asBoolean()) {
          client.send("resume_interview", "");
        }
      }
      return true;
    }
  }

  /**
   * Heartbeats, as the web client does: a ping now, unless the last one has had no pong for
   * {@code deadAfterMs}: then the connection is dropped (its gateway is frozen or gone) and the next step
   * reconnects.
   */
  void keepAlive(long deadAfterMs) {
    if (!client.isConnected()) {
      return;
    }
    long now = System.nanoTime();
    if (lastPingAt > client.lastPongAt() && now - lastPingAt > deadAfterMs * 1_000_000) {
      client.drop();
      return;
    }
    if (lastPingAt <= client.lastPongAt()) {
      lastPingAt = now;
      client.ping();
    }
  }

  /** One spoken turn: speech then silence, sent at once (the gateway's burst allowance takes it). */
  void speak() {
    for (String chunk : SpeechLikeAudio.base64Chunks(SpeechLikeAudio.turn(600), 40)) {
      client.sendAudio(chunk);
    }
  }

  /** The finished turns this client was shown, by item id. */
  List<String> finishedItems() {
    return client.processed("transcript.done").stream().map(e -> e.path("itemId").asText()).toList();
  }

  /** Connects again if the connection dropped (a gateway that went away), retrying until it is back. */
  void reconnectIfNeeded() {
    if (client.isConnected()) {
      return;
    }
    Await.until(marker + " reconnects", TIMEOUT, () -> {
      if (tryReconnect(Duration.ofSeconds(20))) {
        return true;
      }
      Await.sleep(200);
      return false;
    });
  }

  /**
   * Connected, and not awaiting resume: reconnects if needed and asks to resume (again every few seconds: a
   * resume sent into a fault may have been answered {@code unavailable}) until the session is resumed.
   */
  void settle() {
    long[] askAt = {System.nanoTime()};
    Await.until(marker + " is connected and resumed", TIMEOUT, () -> {
      reconnectIfNeeded();
      if (!client.awaitingResume()) {
        return true;
      }
      long now = System.nanoTime();
      if (now - askAt[0] >= 0) {
        askAt[0] = now + 5_000_000_000L;
        client.send("resume_interview", "");
      }
      return false;
    });
  }

  /** The typed turns the session echoed back as user turns, in order. */
  List<String> echoed() {
    return client.processed("transcript.done").stream()
        .filter(e -> "user".equals(e.path("role").asText()) && sent.contains(e.path("text").asText()))
        .map(e -> e.path("text").asText()).toList();
  }

  /** Waits until every typed turn sent outside a fault was echoed. */
  void awaitEchoes() {
    try {
      Await.until(marker + ": every typed turn echoed", TIMEOUT, () -> {
        reconnectIfNeeded();
        return echoed().containsAll(sure);
      });
    } catch (AssertionError e) {
      List<String> missing = new ArrayList<>(sure);
      missing.removeAll(echoed());
      throw new AssertionError(e.getMessage() + "; not echoed: " + missing + "; errors: "
          + client.processed("error").stream().map(err -> err.path("code").asText()).toList(), e);
    }
  }

  /** Every sequenced event once and in order, durable ones gap-free; each finished item once. */
  void assertClientSawEachEventOnce() {
    assertThat(client.violations()).as("%s: seqs out of order, duplicated or missing", marker).isEmpty();
    List<JsonNode> all = client.processed();
    String tail = all.subList(Math.max(0, all.size() - 6), all.size()).stream()
        .map(e -> e.path("seq").asLong() + ":" + e.path("type").asText()).toList().toString();
    assertThat(client.durableCounts()).as("%s: every durable event exactly once, in order (last seq %d, last events %s)",
            marker, client.lastSeq(), tail)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, EventSeq.durableCount(client.lastSeq())).boxed().toList());
    List<String> items = client.processed("transcript.done").stream().map(e -> e.path("itemId").asText()).toList();
    assertThat(items).as("%s: each finished item once", marker).doesNotHaveDuplicates();
  }

  /** Each typed turn sent outside a fault carried out exactly once, one sent during a fault at most once. */
  void assertTypedTurnsCarriedOutOnce(UpstreamSimulator simulator) {
    List<String> echoed = echoed();
    assertThat(echoed).as("%s: echoed turns", marker).doesNotHaveDuplicates().containsAll(sure);
    SimulatedSession last = upstreams(simulator).get(upstreams(simulator).size() - 1);
    List<String> typedUpstream = last.items().stream().filter(i -> "input_text".equals(i.contentType()))
        .map(ConversationItem::text).filter(sent::contains).toList();
    assertThat(typedUpstream).as("%s: the live upstream has each typed turn once", marker)
        .doesNotHaveDuplicates().containsAll(sure).containsExactlyElementsOf(echoed);
  }

  /** What a chaos run counts for one session: events, items or turns seen twice, and ones missing. */
  record Counts(long duplicates, long losses, String detail) {
  }

  /**
   * Counts duplicates and losses, from outside: durable events at the client (each of 1..N once), finished
   * items at the client, typed turns echoed and carried out at the simulator (a sure one exactly once, any at
   * most once), and the stored history against the items the client was shown.
   */
  Counts count(UpstreamSimulator simulator, List<String> history) {
    List<Long> durables = client.durableCounts();
    long expected = EventSeq.durableCount(client.lastSeq());
    long distinctDurables = durables.stream().distinct().count();
    List<String> items = finishedItems();
    List<String> echoed = echoed();
    List<SimulatedSession> upstreams = upstreams(simulator);
    // Each upstream holds the history restored into it (at most the last SessionSnapshot.MAX_HISTORY turns) and
    // what was carried out on it: a turn twice in one upstream was carried out twice; a turn in none, never.
    // Over a long run the first turns fall out of the restore window, so every upstream is read, not the last.
    long duplicates = 0;
    Set<String> typedHere = new HashSet<>(sent);
    Set<String> carriedOut = new HashSet<>();
    for (SimulatedSession upstream : upstreams) {
      List<String> typed = upstream.items().stream().filter(i -> "input_text".equals(i.contentType()))
          .map(ConversationItem::text).filter(typedHere::contains).toList();
      duplicates += typed.size() - typed.stream().distinct().count();
      carriedOut.addAll(typed);
    }
    duplicates += (durables.size() - distinctDurables) + (items.size() - items.stream().distinct().count())
        + (echoed.size() - echoed.stream().distinct().count())
        + (history.size() - history.stream().distinct().count());
    long losses = (expected - distinctDurables) + sure.stream().filter(t -> !echoed.contains(t)).count()
        + sure.stream().filter(t -> !carriedOut.contains(t)).count()
        + items.stream().distinct().filter(i -> !history.contains(i)).count();
    String detail = duplicates == 0 && losses == 0 ? "" : String.format(
        "%s: durable %d of %d (%d distinct); items %d (%d distinct); sure turns not echoed %s; not carried out %s; "
            + "items missing from history %s", marker, durables.size(), expected, distinctDurables, items.size(),
        items.stream().distinct().count(), sure.stream().filter(t -> !echoed.contains(t)).toList(),
        sure.stream().filter(t -> !carriedOut.contains(t)).toList(),
        items.stream().distinct().filter(i -> !history.contains(i)).toList());
    return new Counts(duplicates, losses, detail);
  }

  /** This session's upstreams at the simulator, oldest first. */
  List<SimulatedSession> upstreams(UpstreamSimulator simulator) {
    return simulator.sessions().stream().filter(s -> s.instructions() != null && s.instructions().startsWith(marker))
        .sorted(Comparator.comparingLong(SimulatedSession::openedAtNanos)).toList();
  }

  /** How long two of this session's upstreams were open at once, in all (nanoseconds), in overlaps ending after {@code sinceNanos}. */
  long overlapNanos(UpstreamSimulator simulator, long sinceNanos) {
    List<SimulatedSession> upstreams = upstreams(simulator);
    long overlap = 0;
    for (int i = 1; i < upstreams.size(); i++) {
      long end = Math.min(upstreams.get(i - 1).closedAtNanos(), System.nanoTime());
      long start = upstreams.get(i).openedAtNanos();
      if (end > start && end > sinceNanos) {
        overlap += end - start;
      }
    }
    return overlap;
  }

  /** The latest moment an older upstream of this session was still open beside a newer one, or 0. */
  long lastOverlapEndNanos(UpstreamSimulator simulator) {
    List<SimulatedSession> upstreams = upstreams(simulator);
    long last = 0;
    for (int i = 1; i < upstreams.size(); i++) {
      long end = Math.min(upstreams.get(i - 1).closedAtNanos(), System.nanoTime());
      if (end > upstreams.get(i).openedAtNanos()) {
        last = Math.max(last, end);
      }
    }
    return last;
  }

  /** Exactly one upstream of this session is open. */
  void assertOneLiveUpstream(UpstreamSimulator simulator) {
    assertThat(upstreams(simulator).stream().filter(SimulatedSession::isOpen)).as("%s: live upstreams", marker)
        .hasSize(1);
  }

  List<JsonNode> processed(String type) {
    return client.processed(type);
  }

  @Override
  public void close() {
    client.close();
  }
}
