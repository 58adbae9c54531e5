package io.voxrelay.session;

import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.Activity;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.bus.TranscriptPage;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.SessionState;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The behaviour every session store must have; run once per database. */
abstract class SessionStoreContract {

  protected Vertx vertx;
  /** A short lease, so that one runs out within a test: two seconds, which a loaded machine's pauses stay under. */
  private static final long LEASE_TTL_MS = 2_000;
  private final List<SessionStore> opened = new ArrayList<>();

  /** A fresh, empty database for one test. */
  protected abstract StoreConfig freshDatabase() throws Exception;

  /** The same database as {@code config}, for a second session-service instance. */
  protected StoreConfig sameDatabase(StoreConfig config) {
    return config;
  }

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    opened.forEach(s -> Await.result(s.close()));
    Await.result(vertx.close());
  }

  protected SessionStore open(StoreConfig config) {
    SessionStore store = Await.result(JdbcSessionStore.open(vertx, config));
    opened.add(store);
    return store;
  }

  /** A store whose changes queue lifecycle webhooks, as a session service with webhooks on opens it. */
  protected JdbcSessionStore openWithWebhooks(StoreConfig config) {
    SessionStore store = Await.result(JdbcSessionStore.open(vertx, config, true));
    opened.add(store);
    return (JdbcSessionStore) store;
  }

  private static final io.voxrelay.common.config.PriceTable PRICES = io.voxrelay.common.config.PriceTable.parse(
      "{\"gpt-realtime\":{\"inputText\":1,\"inputAudio\":10,\"cachedInput\":0.5,\"outputText\":2,"
          + "\"outputAudio\":20}}");

  private static SessionRecord newSession() {
    return SessionRecord.create("s_" + UUID.randomUUID(), "Be kind.", List.of("One?", "Two?", "Three?"),
        "ab".repeat(32), 10_000, 1_000);
  }

  @Test
  @DisplayName("migrates an empty database, and a second start changes nothing")
  void migratesFromEmpty() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore first = open(config);
    SessionRecord session = newSession();
    Await.result(first.sessions().insert(session));
    SessionStore second = open(sameDatabase(config));
    assertThat(Await.result(second.sessions().find(session.sessionId()))).isNotNull();
  }

  @Test
  @DisplayName("stores and reads back every field of a session")
  void roundTrip() throws Exception {
    SessionStore store = open(freshDatabase());
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    SessionRecord changed = Await.result(store.sessions().update(session.sessionId(), s -> s.toBuilder()
        .paused(true).textOnly(true).currentQuestionIndex(2).relayNode("relay-1").gatewayNode("gw-1")
        .connections(3).token("cd".repeat(32), 99_000).terminationReason("idle_timeout").build()));
    SessionRecord read = Await.result(store.sessions().find(session.sessionId()));
    assertThat(read).isEqualTo(changed);
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.questions()).containsExactly("One?", "Two?", "Three?");
    assertThat(read.tokenHash()).isEqualTo("cd".repeat(32));
    assertThat(read.tokenExpiresAt()).isEqualTo(99_000);
    assertThat(read.paused()).isTrue();
    assertThat(read.awaitingResume()).isFalse();
    assertThat(Await.result(store.sessions().find("s_missing"))).isNull();
    assertThatThrownBy(() -> Await.result(store.sessions().update("s_missing", s -> s)))
        .hasCauseInstanceOf(NoSuchElementException.class);
  }

  @Test
  @DisplayName("maps every column by its name: distinct values in every field read back where they were written")
  void everyColumnByName() throws Exception {
    SessionStore store = open(freshDatabase());
    SessionRecord distinct = newSession().toBuilder()
        .currentQuestionIndex(2).paused(true).awaitingResume(false).textOnly(true).ended(false)
        .terminationReason("idle_timeout").relayNode("relay-7").gatewayNode("gw-8").connections(9)
        .startedAt(1_111).lastHeartbeatAt(2_222).lastAudioActivityAt(3_333).lastInteractionAt(4_444)
        .lastClientSeq(55).connectionId("conn-77").previousTokenHash("ef".repeat(32))
        .metadata("{\"candidate\":\"c-12\"}").limits(new io.voxrelay.common.bus.Budget(5_000L, null, 900L, 2.5)).budgetWarnedAt(8_888).build();
    Await.result(store.sessions().insert(distinct));
    assertThat(Await.result(store.sessions().find(distinct.sessionId()))).isEqualTo(distinct);
    SessionRecord withTools = SessionRecord.create("s_" + UUID.randomUUID(), "x", List.of("q"),
        new io.voxrelay.common.bus.SessionTools(List.of(new io.voxrelay.common.bus.ToolDefinition("lookup", "Looks up.",
            "{\"type\":\"object\"}", true)), "lookup"), new io.voxrelay.common.bus.UpstreamOptions("semantic_vad", null,
        null, null, "high", "gpt-4o-transcribe", "far_field", "marin", 512, "retention_ratio", 0.6), "ab".repeat(32),
        10_000, 1_000);
    Await.result(store.sessions().insert(withTools));
    assertThat(Await.result(store.sessions().find(withTools.sessionId())).tools()).isEqualTo(withTools.tools());
    assertThat(Await.result(store.sessions().find(withTools.sessionId())).upstream()).isEqualTo(withTools.upstream());

    SessionRecord changed = Await.result(store.sessions().update(distinct.sessionId(), s -> s.toBuilder()
        .currentQuestionIndex(1).paused(false).awaitingResume(true).textOnly(true).ended(false)
        .terminationReason("heartbeat_timeout").relayNode("relay-9").gatewayNode("gw-10").connections(11)
        .startedAt(5_555).lastHeartbeatAt(6_666).lastInteractionAt(7_777).lastClientSeq(88)
        .connectionId("conn-99").previousTokenHash(null).token("cd".repeat(32), 12_345).metadata(null).build()));
    SessionRecord read = Await.result(store.sessions().find(distinct.sessionId()));
    assertThat(read).isEqualTo(changed);
    assertThat(read.lastAudioActivityAt()).as("written by activity reports only").isEqualTo(3_333);
    SessionRecord back = Await.result(store.sessions().update(distinct.sessionId(), s -> s.toBuilder()
        .lastClientSeq(10).build()));
    assertThat(Await.result(store.sessions().find(back.sessionId())).lastClientSeq())
        .as("the client cursor only moves forward").isEqualTo(88);
  }

  @Test
  @DisplayName("keeps the whole history and loads the most recent turns in order")
  void history() throws Exception {
    SessionStore store = open(freshDatabase());
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    int total = SessionSnapshot.MAX_HISTORY + 5;
    for (int i = 1; i <= total; i++) {
      Turn turn = new Turn("item_" + i, i % 2 == 1 ? Turn.USER : Turn.ASSISTANT, "turn " + i);
      Await.result(store.events().appendEvents(session.sessionId(), List.of(doneEvent(turn)), List.of(turn), 0, i));
    }
    List<Turn> history = Await.result(store.sessions().find(session.sessionId())).history();
    assertThat(history).hasSize(SessionSnapshot.MAX_HISTORY);
    assertThat(history.get(0).text()).isEqualTo("turn 6");
    assertThat(history.get(history.size() - 1)).isEqualTo(new Turn("item_" + total, Turn.USER, "turn " + total));

    TranscriptPage first = Await.result(store.events().transcript(session.sessionId(), 0, 150));
    assertThat(first.turns()).hasSize(150);
    assertThat(first.turns().get(0).text()).isEqualTo("turn 1");
    assertThat(first.more()).isTrue();
    TranscriptPage last = Await.result(store.events().transcript(session.sessionId(), 150, 150));
    assertThat(last.turns()).hasSize(total - 150);
    assertThat(last.turns().get(last.turns().size() - 1).text()).isEqualTo("turn " + total);
    assertThat(last.more()).isFalse();
    assertThatThrownBy(() -> Await.result(store.events().transcript("s_missing", 0, 10)))
        .hasCauseInstanceOf(NoSuchElementException.class);
  }

  @Test
  @DisplayName("loses no update when two service instances change one session at the same time")
  void concurrentUpdatesFromTwoInstances() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore a = open(config);
    SessionStore b = open(sameDatabase(config));
    SessionRecord session = newSession();
    Await.result(a.sessions().insert(session));
    List<Future<SessionRecord>> updates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      SessionStore store = i % 2 == 0 ? a : b;
      updates.add(store.sessions().update(session.sessionId(), s -> s.toBuilder().connections(s.connections() + 1).build()));
    }
    Await.result(Future.all(updates));
    SessionRecord read = Await.result(b.sessions().find(session.sessionId()));
    assertThat(read.connections()).isEqualTo(40);
    assertThat(read.version()).isEqualTo(40);
  }

  @Test
  @DisplayName("numbers events in order, replays what follows a seq, and says when the bound dropped some")
  void eventsAndTheReplayBound() throws Exception {
    SessionStore store = open(freshDatabase().withReplayBounds(4, 60_000));
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    List<String> stamped = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      stamped.addAll(jsons(Await.result(store.events().appendEvents(session.sessionId(),
          List.of("{\"type\":\"e\",\"n\":" + i + "}"), 1_000))));
    }
    assertThat(stamped.get(0)).isEqualTo("{\"seq\":" + d(1) + ",\"type\":\"e\",\"n\":1}");
    assertThat(stamped.get(9)).startsWith("{\"seq\":" + d(10) + ",");

    Replay fromStart = Await.result(store.events().replay(session.sessionId(), 0));
    assertThat(fromStart.truncated()).as("events 1 to 6 are past the bound of 4").isTrue();
    assertThat(jsons(fromStart.events())).containsExactlyElementsOf(stamped.subList(6, 10));
    assertThat(fromStart.lastSeq()).isEqualTo(d(10));
    assertThat(fromStart.events()).as("each replayed event's seq is the one its JSON carries")
        .allSatisfy(e -> assertThat(e.json()).startsWith("{\"seq\":" + e.seq() + ","))
        .extracting(NumberedEvent::seq).containsExactly(d(7), d(8), d(9), d(10));
    Replay recent = Await.result(store.events().replay(session.sessionId(), d(8)));
    assertThat(recent.truncated()).isFalse();
    assertThat(jsons(recent.events())).containsExactlyElementsOf(stamped.subList(8, 10));
    assertThat(jsons(Await.result(store.events().replay(session.sessionId(), d(10))).events())).isEmpty();
    Replay afterTransient = Await.result(store.events().replay(session.sessionId(), d(6) + 17));
    assertThat(afterTransient.truncated()).as("a client past durable 6 (transient events after it) lacks nothing")
        .isFalse();
    assertThat(jsons(afterTransient.events())).containsExactlyElementsOf(stamped.subList(6, 10));
    assertThat(Await.result(store.events().replay(session.sessionId(), d(5) + 17)).truncated()).as("durable 6 is gone")
        .isTrue();

    Await.result(store.activity().recordActivity(List.of(new Activity(session.sessionId(), 0, 0, d(9)))));
    Replay afterAck = Await.result(store.events().replay(session.sessionId(), d(9)));
    assertThat(afterAck.truncated()).as("acknowledged events are gone, but nothing the client lacks").isFalse();
    assertThat(jsons(afterAck.events())).containsExactly(stamped.get(9));
    assertThat(Await.result(store.events().replay(session.sessionId(), d(7))).truncated()).isTrue();
  }

  @Test
  @DisplayName("drops events older than the age bound")
  void eventAgeBound() throws Exception {
    SessionStore store = open(freshDatabase().withReplayBounds(100, 5_000));
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    Await.result(store.events().appendEvents(session.sessionId(), List.of("{\"type\":\"old\"}"), 1_000));
    Await.result(store.events().appendEvents(session.sessionId(), List.of("{\"type\":\"new\"}"), 10_000));
    Replay replay = Await.result(store.events().replay(session.sessionId(), 0));
    assertThat(replay.truncated()).isTrue();
    assertThat(jsons(replay.events())).containsExactly("{\"seq\":" + d(2) + ",\"type\":\"new\"}");
  }

  @Test
  @DisplayName("appends turns from two instances without losing any")
  void concurrentTurns() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore a = open(config);
    SessionStore b = open(sameDatabase(config));
    SessionRecord session = newSession();
    Await.result(a.sessions().insert(session));
    List<Future<List<NumberedEvent>>> appends = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Turn turn = new Turn("i" + i, Turn.USER, "t" + i);
      appends.add((i % 2 == 0 ? a : b).events().appendEvents(session.sessionId(), List.of(doneEvent(turn)), List.of(turn),
          i + 1, i));
    }
    Await.result(Future.all(appends));
    SessionRecord read = Await.result(a.sessions().find(session.sessionId()));
    assertThat(read.history()).hasSize(30).extracting(Turn::text).doesNotHaveDuplicates();
    assertThat(read.lastClientSeq()).as("the client cursor at the highest typed turn").isEqualTo(30);
    assertHistoryFollowsEvents(a, session.sessionId());
  }

  @Test
  @DisplayName("the sweep finds the live sessions past a limit, and the live count follows every change of state")
  void sweepAndLiveCount() throws Exception {
    SessionStore store = open(freshDatabase());
    long now = 1_000_000;
    FindExpired query = new FindExpired(now, 600_000, 90_000, 300_000);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SessionRecord s = SessionRecord.create("s_sweep_" + i, "x", List.of("Q?"), "ab".repeat(32), now * 2, now - 1_000);
      Await.result(store.sessions().insert(s));
      ids.add(s.sessionId());
    }
    assertThat(Await.result(store.activity().findExpired(query)).liveSessions()).as("never connected: not live").isZero();
    for (String id : ids) {
      Await.result(store.sessions().update(id, s -> s.toBuilder().connections(1).lastHeartbeatAt(now - 1_000).build()));
    }
    assertThat(Await.result(store.activity().findExpired(query)).liveSessions()).isEqualTo(4);
    // Silent past the heartbeat timeout (timestamps only move forward, so this one was never refreshed).
    SessionRecord silent = SessionRecord.create("s_sweep_silent", "x", List.of("Q?"), "ab".repeat(32), now * 2,
        now - 200_000);
    Await.result(store.sessions().insert(silent));
    Await.result(store.sessions().update(silent.sessionId(), s -> s.toBuilder().connections(1).build()));
    ExpiredSessions found = Await.result(store.activity().findExpired(query));
    assertThat(found.liveSessions()).isEqualTo(5);
    assertThat(found.candidates()).extracting(SessionTimes::sessionId).containsExactly(silent.sessionId());

    Await.result(store.sessions().update(ids.get(0), s -> s.toBuilder().awaitingResume(true).build()));
    Await.result(store.sessions().update(ids.get(1), s -> s.toBuilder().ended(true).build()));
    Await.result(store.sessions().update(ids.get(2), s -> s.toBuilder().paused(true).build()));
    assertThat(Await.result(store.activity().findExpired(query)).liveSessions()).as("terminated and ended are not live")
        .isEqualTo(3);
    Await.result(store.sessions().update(ids.get(0), s -> s.toBuilder().awaitingResume(false).build()));
    assertThat(Await.result(store.activity().findExpired(query)).liveSessions()).as("resumed").isEqualTo(4);
  }

  @Test
  @DisplayName("stores a control's state change, its event and the client cursor in one transaction: a failure "
      + "leaves none of them, and the control stored afterwards is stored once")
  void controlAndEventAreOneTransaction() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    ClientControl pause = new ClientControl(Control.PAUSE, 4, null);
    try (Connection c = jdbc(config); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO session_events (session_id, seq, created_at, event) VALUES (?, ?, 0, '{}')")) {
      ps.setString(1, session.sessionId());
      ps.setLong(2, d(1));
      ps.executeUpdate();
    }
    assertThatThrownBy(() -> Await.result(store.events().storeControl(session.sessionId(), "k-1", 0, pause, 1_000)))
        .isNotNull();
    SessionRecord read = Await.result(store.sessions().find(session.sessionId()));
    assertThat(read.paused()).as("the state change went with its event").isFalse();
    assertThat(read.lastClientSeq()).as("and so did the cursor").isZero();

    try (Connection c = jdbc(config); PreparedStatement ps = c.prepareStatement(
        "DELETE FROM session_events WHERE session_id = ?")) {
      ps.setString(1, session.sessionId());
      ps.executeUpdate();
    }
    EmittedEvents stored = Await.result(store.events().storeControl(session.sessionId(), "k-1", 0, pause, 2_000));
    assertThat(stored.control().session().paused()).isTrue();
    assertThat(stored.control().session().lastClientSeq()).isEqualTo(4);
    assertThat(jsons(stored.events())).singleElement().asString().contains("interview.paused");
    EmittedEvents again = Await.result(store.events().storeControl(session.sessionId(), "k-2", 0, pause, 3_000));
    assertThat(again.control().duplicate()).as("seq 4 is at the cursor").isTrue();
    assertThat(again.events()).isEmpty();
    assertThat(Await.result(store.events().replay(session.sessionId(), 0)).events()).hasSize(1);
  }

  @Test
  @DisplayName("stores a turn and its transcript.done event in one transaction: a failure between them leaves neither")
  void turnAndEventAreOneTransaction() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    Turn first = new Turn("item_1", Turn.USER, "hello");
    Await.result(store.events().appendEvents(session.sessionId(), List.of(doneEvent(first)), List.of(first), 0, 1_000));

    // The failure: seq 2 is taken by a row written behind the store's back, so storing the event fails after
    // the turn was inserted in the same transaction.
    try (Connection c = jdbc(config); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO session_events (session_id, seq, created_at, event) VALUES (?, ?, 0, '{}')")) {
      ps.setString(1, session.sessionId());
      ps.setLong(2, d(2));
      ps.executeUpdate();
    }
    Turn second = new Turn("item_2", Turn.ASSISTANT, "hi there");
    assertThatThrownBy(() -> Await.result(store.events().appendEvents(session.sessionId(), List.of(doneEvent(second)),
        List.of(second), 7, 2_000))).isNotNull();

    SessionRecord read = Await.result(store.sessions().find(session.sessionId()));
    assertThat(read.history()).as("the turn went with its event").containsExactly(first);
    assertThat(read.lastClientSeq()).as("and so did the client seq it carried out").isZero();
    Replay replay = Await.result(store.events().replay(session.sessionId(), 0));
    assertThat(replay.lastSeq()).as("no seq was taken").isEqualTo(d(1));
    assertThat(jsons(replay.events())).as("the first event and the blocking row, nothing of the failed batch")
        .containsExactly(doneEvent(first).replace("{", "{\"seq\":" + d(1) + ","), "{}");
  }

  @Test
  @DisplayName("a batch stored twice adds each turn once; connect's history holds every turn up to its last seq")
  void turnsAreIdempotentAndHistoryFollowsEvents() throws Exception {
    SessionStore store = open(freshDatabase());
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    Turn user = new Turn("item_u", Turn.USER, "question");
    Turn answer = new Turn("item_a", Turn.ASSISTANT, "answer");
    List<String> batch = List.of(doneEvent(user), "{\"type\":\"response.done\"}", doneEvent(answer));
    Await.result(store.events().appendEvents(session.sessionId(), batch, List.of(user, answer), 0, 1_000));
    Await.result(store.events().appendEvents(session.sessionId(), batch, List.of(user, answer), 0, 1_000));

    Replay withHistory = Await.result(store.events().replay(session.sessionId(), 0, true));
    assertThat(withHistory.history()).containsExactly(user, answer);
    assertThat(withHistory.lastSeq()).isEqualTo(d(6));
    assertThat(Await.result(store.events().replay(session.sessionId(), 0)).history()).as("only on request").isEmpty();
    assertHistoryFollowsEvents(store, session.sessionId());

    // The user spoke over the answer: its text becomes what was heard, in its place, once however often sent.
    Turn cut = new Turn("item_a", Turn.ASSISTANT, "ans", 350L);
    String truncated = "{\"type\":\"transcript.truncated\",\"itemId\":\"item_a\",\"text\":\"ans\"}";
    Await.result(store.events().appendEvents(session.sessionId(), List.of(truncated), List.of(cut), 0, 2_000));
    Await.result(store.events().appendEvents(session.sessionId(), List.of(truncated), List.of(cut), 0, 2_000));
    assertThat(Await.result(store.events().replay(session.sessionId(), 0, true)).history()).containsExactly(user, cut);
    assertThat(Await.result(store.events().transcript(session.sessionId(), 0, 10)).turns()).containsExactly(user, cut);
    Turn later = new Turn("item_b", Turn.USER, "more");
    Await.result(store.events().appendEvents(session.sessionId(), List.of(doneEvent(later)), List.of(later), 0, 3_000));
    assertThat(Await.result(store.events().replay(session.sessionId(), 0, true)).history()).containsExactly(user, cut, later);
  }

  @Test
  @DisplayName("lists sessions by state, newest first, in pages that neither skip nor repeat one, and counts them by state")
  void listsByState() throws Exception {
    SessionStore store = open(freshDatabase());
    List<SessionRecord> live = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      // Two sessions per creation time: the cursor must order by id within one.
      SessionRecord s = SessionRecord.create(String.format("s_%032x", i), "x", List.of("q"), "ab".repeat(32), 10_000,
          1_000 + i / 2);
      Await.result(store.sessions().insert(s));
      live.add(s);
    }
    SessionRecord terminated = live.get(1);
    SessionRecord ended = live.get(4);
    SessionRecord awaiting = live.get(5);
    Await.result(store.sessions().update(terminated.sessionId(), s -> s.toBuilder().awaitingResume(true)
        .terminationReason("idle_timeout").build()));
    Await.result(store.sessions().update(ended.sessionId(), s -> ControlRules.apply(s, io.voxrelay.common.bus.Control.END, 2_000)));
    Await.result(store.sessions().update(awaiting.sessionId(), s -> s.toBuilder().awaitingResume(true).build()));
    live.removeAll(List.of(terminated, ended, awaiting));

    List<String> paged = new ArrayList<>();
    ListCursor before = ListCursor.FIRST;
    for (int page = 0; page < 10; page++) {
      List<SessionRecord> found = Await.result(store.sessions().list(SessionState.LIVE, before, 3));
      found.forEach(s -> paged.add(s.sessionId()));
      if (found.size() < 3) {
        break;
      }
      before = ListCursor.after(found.get(found.size() - 1));
    }
    assertThat(paged).as("live sessions, newest first, each once").containsExactlyElementsOf(live.stream()
        .sorted(java.util.Comparator.comparingLong(SessionRecord::createdAt).thenComparing(SessionRecord::sessionId)
            .reversed()).map(SessionRecord::sessionId).toList());
    assertThat(Await.result(store.sessions().list(SessionState.TERMINATED, ListCursor.FIRST, 10)))
        .extracting(SessionRecord::sessionId).containsExactly(terminated.sessionId());
    assertThat(Await.result(store.sessions().list(SessionState.ENDED, ListCursor.FIRST, 10)))
        .extracting(SessionRecord::sessionId).containsExactly(ended.sessionId());
    assertThat(Await.result(store.sessions().list(SessionState.AWAITING_RESUME, ListCursor.FIRST, 10)))
        .extracting(SessionRecord::sessionId).containsExactly(awaiting.sessionId());
    assertThat(Await.result(store.sessions().list(null, ListCursor.FIRST, 100))).hasSize(7);
    assertThat(Await.result(store.sessions().countByState())).containsEntry("live", 4L).containsEntry("terminated", 1L)
        .containsEntry("ended", 1L).containsEntry("awaiting_resume", 1L);

    // A resume clears the termination: the session is live again, and a later cleanup makes it awaiting.
    Await.result(store.sessions().update(terminated.sessionId(), s -> ControlRules.apply(s, io.voxrelay.common.bus.Control.RESUME,
        3_000)));
    Await.result(store.sessions().update(terminated.sessionId(), s -> s.toBuilder().awaitingResume(true).build()));
    assertThat(Await.result(store.sessions().find(terminated.sessionId())).state()).isEqualTo(SessionState.AWAITING_RESUME);
  }

  @Test
  @DisplayName("migration V9 gives the sessions stored before it their state")
  void stateMigration() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord terminated = newSession();
    SessionRecord live = newSession();
    Await.result(store.sessions().insert(terminated));
    Await.result(store.sessions().insert(live));
    try (Connection c = jdbc(config); Statement st = c.createStatement()) {
      st.execute("UPDATE sessions SET awaiting_resume = 1, termination_reason = 'max_age_exceeded', state = 'live'"
          + " WHERE session_id = '" + terminated.sessionId() + "'");
      st.execute("DROP INDEX sessions_by_state");
      st.execute("DROP INDEX sessions_by_creation");
      for (String sql : Migrations.statements("V9__session_api.sql")) {
        if (!sql.contains("ADD COLUMN")) {
          st.execute(sql);
        }
      }
    }
    assertThat(Await.result(store.sessions().list(SessionState.TERMINATED, ListCursor.FIRST, 10)))
        .extracting(SessionRecord::sessionId).containsExactly(terminated.sessionId());
    assertThat(Await.result(store.sessions().list(SessionState.LIVE, ListCursor.FIRST, 10)))
        .extracting(SessionRecord::sessionId).containsExactly(live.sessionId());
  }

  @Test
  @DisplayName("webhooks: queued with the change they report, in order per session, only each session's first is due")
  void webhooksQueueInOrder() throws Exception {
    JdbcSessionStore store = openWithWebhooks(freshDatabase());
    SessionRecord a = newSession();
    SessionRecord b = newSession();
    Await.result(store.sessions().insert(a));
    Await.result(store.sessions().insert(b));
    Await.result(store.sessions().update(a.sessionId(), s -> s.toBuilder().connectionId("c1").connections(1).build()));
    Await.result(store.sessions().update(a.sessionId(), s -> s.toBuilder().lastHeartbeatAt(5_000).build()));
    Await.result(store.sessions().update(a.sessionId(), s -> ControlRules.apply(s, io.voxrelay.common.bus.Control.END, 6_000)));
    assertThat(Await.result(store.sessions().find(a.sessionId())).webhookSeq()).isEqualTo(3);
    assertThat(Await.result(store.webhooks().queuedWebhooks())).isEqualTo(4);

    String holder = "session-1";
    assertThat(Await.result(store.webhooks().leaseWebhooks(holder, 10_000))).isTrue();
    List<String> sent = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      List<WebhookOutbox.Entry> due = Await.result(store.webhooks().dueWebhooks(10));
      if (due.isEmpty()) {
        break;
      }
      assertThat(due).extracting(WebhookOutbox.Entry::sessionId).as("one per session at a time").doesNotHaveDuplicates();
      for (WebhookOutbox.Entry e : due) {
        assertThat(Await.result(store.webhooks().claimWebhookAttempt(holder, e, Long.MAX_VALUE))).isTrue();
        assertThat(Await.result(store.webhooks().claimWebhookAttempt(holder, e, Long.MAX_VALUE)))
            .as("one claim per attempt").isFalse();
        assertThat(Json.parse(e.body()).path("id").asText()).isEqualTo(e.eventId());
        sent.add(e.sessionId().equals(a.sessionId()) ? e.type() : "b:" + e.type());
        Await.result(store.webhooks().webhookDelivered(e.eventId()));
      }
    }
    assertThat(sent.stream().filter(t -> !t.startsWith("b:")).toList())
        .containsExactly("session.created", "session.connected", "session.ended");
    assertThat(sent).contains("b:session.created");
    assertThat(Await.result(store.webhooks().queuedWebhooks())).isZero();
  }

  @Test
  @DisplayName("webhooks: one lease holder at a time, taken over once it runs out; a failed attempt waits; bounds drop the oldest")
  void webhookLeaseAndBounds() throws Exception {
    StoreConfig config = freshDatabase();
    JdbcSessionStore first = openWithWebhooks(config);
    JdbcSessionStore second = openWithWebhooks(sameDatabase(config));
    assertThat(Await.result(first.webhooks().leaseWebhooks("one", 300))).isTrue();
    assertThat(Await.result(second.webhooks().leaseWebhooks("two", 300))).isFalse();
    assertThat(Await.result(first.webhooks().leaseWebhooks("one", 300))).as("renewed").isTrue();
    Await.sleep(400);
    assertThat(Await.result(second.webhooks().leaseWebhooks("two", 10_000))).as("taken over once it ran out").isTrue();
    assertThat(Await.result(first.webhooks().leaseWebhooks("one", 300))).isFalse();

    SessionRecord s = newSession();
    Await.result(first.sessions().insert(s));
    WebhookOutbox.Entry created = Await.result(first.webhooks().dueWebhooks(10)).get(0);
    assertThat(Await.result(first.webhooks().claimWebhookAttempt("one", created, Long.MAX_VALUE)))
        .as("no claim without the lease").isFalse();
    assertThat(Await.result(second.webhooks().claimWebhookAttempt("two", created, Long.MAX_VALUE))).isTrue();
    Await.result(second.webhooks().retryWebhookAt(created.eventId(), 1, System.currentTimeMillis() + 60_000));
    assertThat(Await.result(second.webhooks().dueWebhooks(10))).as("waiting out its backoff").isEmpty();
    Await.result(second.webhooks().releaseWebhooks("two"));
    assertThat(Await.result(first.webhooks().leaseWebhooks("one", 10_000))).as("released: taken at once").isTrue();

    for (int i = 0; i < 4; i++) {
      Await.result(first.sessions().insert(newSession()));
    }
    assertThat(Await.result(first.webhooks().dropStaleWebhooks(0, 3))).containsExactly(0, 2);
    assertThat(Await.result(first.webhooks().queuedWebhooks())).isEqualTo(3);
    assertThat(Await.result(first.webhooks().dropStaleWebhooks(System.currentTimeMillis() + 1, 100))).containsExactly(3, 0);
    assertThat(Await.result(first.webhooks().queuedWebhooks())).isZero();
  }

  @Test
  @DisplayName("usage: each response and each upstream's time counted once, whatever is reported again, across upstreams")
  void countsUsageOnce() throws Exception {
    SessionStore store = open(freshDatabase());
    SessionRecord s = newSession();
    Await.result(store.sessions().insert(s));
    io.voxrelay.common.bus.Usage one = new io.voxrelay.common.bus.Usage(100, 40, 20, 30, 70, 10, 30);
    io.voxrelay.common.bus.UsageReport first = new io.voxrelay.common.bus.UsageReport(s.sessionId(), "gpt-realtime",
        List.of(new io.voxrelay.common.bus.UsageReport.ResponseUsage("resp_1", one)),
        List.of(new io.voxrelay.common.bus.UsageReport.UpstreamTime("up_1", 1_000, 4_000)));
    assertThat(Await.result(store.usage().recordUsage(List.of(first), PRICES))).as("no limits: nothing to check").isEmpty();
    Await.result(store.usage().recordUsage(List.of(first), PRICES));
    io.voxrelay.common.bus.UsageReport later = new io.voxrelay.common.bus.UsageReport(s.sessionId(), "gpt-realtime",
        List.of(new io.voxrelay.common.bus.UsageReport.ResponseUsage("resp_1", one),
            new io.voxrelay.common.bus.UsageReport.ResponseUsage("resp_2", one)),
        List.of(new io.voxrelay.common.bus.UsageReport.UpstreamTime("up_1", 1_000, 6_000),
            new io.voxrelay.common.bus.UsageReport.UpstreamTime("up_2", 10_000, 10_500)));
    Await.result(store.sessions().update(s.sessionId(), r -> r.toBuilder()
        .limits(new io.voxrelay.common.bus.Budget(1_000L, null, null, null)).build()));
    assertThat(Await.result(store.usage().recordUsage(List.of(later), PRICES))).as("limits, and the totals moved")
        .containsExactly(s.sessionId());
    assertThat(Await.result(store.usage().recordUsage(List.of(new io.voxrelay.common.bus.UsageReport(s.sessionId(),
        "gpt-realtime", List.of(), List.of(new io.voxrelay.common.bus.UsageReport.UpstreamTime("up_1", 1_000,
        5_000)))), PRICES))).as("nothing new: nothing to check").isEmpty();
    SessionRecord read = Await.result(store.sessions().find(s.sessionId()));
    assertThat(read.spend().usage()).isEqualTo(one.plus(one));
    assertThat(read.spend().upstreamMs()).as("5 s on the first upstream, 0.5 s on the second").isEqualTo(5_500);
    // Per response: 30 text input tokens less the 20 cached (taken from the text first), 70 audio input, 20
    // cached, 10 text and 30 audio output tokens, at 1, 10, 0.5, 2 and 20 dollars per million.
    double perResponse = (10 * 1 + 70 * 10 + 20 * 0.5 + 10 * 2 + 30 * 20) / 1_000_000.0;
    assertThat(read.spend().costUsd()).isCloseTo(2 * perResponse, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(Await.result(store.usage().recordUsage(List.of(new io.voxrelay.common.bus.UsageReport("s_gone",
        "gpt-realtime", List.of(), List.of())), PRICES))).isEmpty();
    SessionRecord unpriced = newSession();
    Await.result(store.sessions().insert(unpriced));
    Await.result(store.usage().recordUsage(List.of(new io.voxrelay.common.bus.UsageReport(unpriced.sessionId(), "other-model",
        List.of(new io.voxrelay.common.bus.UsageReport.ResponseUsage("resp_1", one)), List.of())), PRICES));
    assertThat(Await.result(store.sessions().find(unpriced.sessionId())).spend().costUsd()).as("no prices for its model")
        .isNull();
  }

  @Test
  @DisplayName("migration V6 scales the seqs stored before it, in the rows and inside each event")
  void strideMigration() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    try (Connection c = jdbc(config)) {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO session_events (session_id, seq, created_at, event) VALUES (?, ?, 0, ?)")) {
        for (int seq = 2; seq <= 13; seq += 11) {
          ps.setString(1, session.sessionId());
          ps.setLong(2, seq);
          ps.setString(3, "{\"seq\":" + seq + ",\"type\":\"e\",\"n\":" + seq + "}");
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE sessions SET last_event_seq = 13, event_floor = 2 WHERE session_id = ?")) {
        ps.setString(1, session.sessionId());
        ps.executeUpdate();
      }
      try (Statement st = c.createStatement()) {
        for (String sql : Migrations.statements("V6__durable_seq_stride.sql")) {
          st.execute(sql);
        }
      }
    }
    Replay replay = Await.result(store.events().replay(session.sessionId(), 0));
    assertThat(replay.lastSeq()).isEqualTo(d(13));
    assertThat(replay.truncated()).as("durable 1 is below the floor").isTrue();
    assertThat(jsons(replay.events())).containsExactly("{\"seq\":" + d(2) + ",\"type\":\"e\",\"n\":2}",
        "{\"seq\":" + d(13) + ",\"type\":\"e\",\"n\":13}");
    assertThat(Await.result(store.events().replay(session.sessionId(), d(1))).truncated()).isFalse();
  }

  @Test
  @DisplayName("the retention sweep deletes sessions finished before the cutoff with their history and events, "
      + "keeps every other, goes in batches, and reads through the heartbeat index")
  void retention() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord live = newSession().toBuilder().connections(1).build();
    SessionRecord endedOld = newSession().toBuilder().ended(true).connections(1).build();
    SessionRecord awaitingOld = newSession().toBuilder().awaitingResume(true).connections(1).build();
    SessionRecord bothOld = newSession().toBuilder().ended(true).awaitingResume(true).build();
    SessionRecord endedRecent = newSession().toBuilder().ended(true).lastHeartbeatAt(9_000).build();
    SessionRecord awaitingRecent = newSession().toBuilder().awaitingResume(true).lastHeartbeatAt(9_000).build();
    for (SessionRecord s : List.of(live, endedOld, awaitingOld, bothOld, endedRecent, awaitingRecent)) {
      Await.result(store.sessions().insert(s));
    }
    Turn turn = new Turn("i1", Turn.USER, "kept until the end");
    Await.result(store.events().appendEvents(endedOld.sessionId(), List.of(doneEvent(turn)), List.of(turn), 0, 1_000));

    assertThat(Await.result(store.retention().purgeRetired(5_000, 2))).as("a batch of 2").isEqualTo(2);
    assertThat(Await.result(store.retention().purgeRetired(5_000, 2))).as("the rest").isEqualTo(1);
    assertThat(Await.result(store.retention().purgeRetired(5_000, 2))).isZero();
    for (SessionRecord gone : List.of(endedOld, awaitingOld, bothOld)) {
      assertThat(Await.result(store.sessions().find(gone.sessionId()))).as("deleted").isNull();
    }
    for (SessionRecord kept : List.of(live, endedRecent, awaitingRecent)) {
      assertThat(Await.result(store.sessions().find(kept.sessionId()))).as("kept").isNotNull();
    }
    try (Connection c = jdbc(config)) {
      for (String table : List.of("session_events", "session_turns")) {
        assertThat(rows(c, table, endedOld.sessionId())).as("%s of a deleted session", table).isZero();
      }
      boolean postgres = config.kind() == StoreConfig.Kind.POSTGRES;
      for (String query : RetiredSessions.QUERIES) {
        String plan = plan(c, postgres, query);
        if (postgres) {
          // Which index PostgreSQL picks among those that fit depends on its statistics (a few rows here).
          assertThat(plan).as("the plan of %s", query).contains("Index").doesNotContain("Seq Scan");
        } else {
          assertThat(plan).as("the plan of %s", query)
              .contains("USING INDEX sessions_by_heartbeat", "last_heartbeat_at<?");
        }
      }
    }
  }

  @Test
  @DisplayName("erasing a session deletes its rows from every table that holds per-session rows, and queues one "
      + "session.deleted webhook with its id only; retention empties every such table of an old session")
  void erasure() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord erased = newSession().toBuilder().connections(1).build();
    SessionRecord old = newSession().toBuilder().ended(true).build();
    SessionRecord other = newSession().toBuilder().connections(1).build();
    for (SessionRecord s : List.of(erased, old, other)) {
      Await.result(store.sessions().insert(s));
      fillEveryTable(store, config, s.sessionId());
    }
    try (Connection c = jdbc(config)) {
      assertThat(RetiredSessions.PER_SESSION_TABLES).as("the tables with a session_id column")
          .containsExactlyInAnyOrderElementsOf(tablesWithSessionId(c));
      for (String table : RetiredSessions.PER_SESSION_TABLES) {
        assertThat(rows(c, table, erased.sessionId())).as("%s filled", table).isPositive();
      }
    }

    assertThat(Await.result(store.retention().erase(erased.sessionId(), 7_000, 11_000))).isTrue();
    assertThat(Await.result(store.retention().erase(erased.sessionId(), 7_001, 11_000))).as("once").isFalse();
    assertThat(Await.result(store.retention().purgeRetired(5_000, 10))).as("the old one").isEqualTo(1);
    try (Connection c = jdbc(config)) {
      for (String table : RetiredSessions.PER_SESSION_TABLES) {
        assertThat(rows(c, table, old.sessionId())).as("%s of the retired session", table).isZero();
        assertThat(rows(c, table, other.sessionId())).as("%s of another session", table).isPositive();
        if (!table.equals("webhook_outbox")) {
          assertThat(rows(c, table, erased.sessionId())).as("%s of the erased session", table).isZero();
        }
      }
      try (var ps = c.prepareStatement("SELECT type, body, next_attempt_at FROM webhook_outbox WHERE session_id = ?")) {
        ps.setString(1, erased.sessionId());
        try (var rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString("type")).isEqualTo("session.deleted");
          assertThat(rs.getLong("next_attempt_at")).as("no delivery of it was under way: due at once").isEqualTo(7_000);
          com.fasterxml.jackson.databind.JsonNode body = io.voxrelay.common.json.Json.parse(rs.getString("body"));
          assertThat(body.path("sessionId").asText()).isEqualTo(erased.sessionId());
          assertThat(body.path("data").size()).as("nothing but the id").isZero();
          assertThat(rs.next()).as("its only row left").isFalse();
        }
      }
    }
  }

  @Test
  @DisplayName("an erasure's session.deleted waits out a delivery of the session that may be under way, so it never overtakes it")
  void deletedAfterTheDeliveryUnderWay() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord erased = newSession();
    Await.result(store.sessions().insert(erased));
    try (Connection c = jdbc(config); var ps = c.prepareStatement("INSERT INTO webhook_outbox (event_id, session_id, "
        + "session_seq, type, body, created_at, attempts, next_attempt_at) VALUES (?, ?, 1, 'session.ended', '{}', "
        + "1000, 1, 20000)")) {
      // Claimed at 6 s for an attempt: its retry is due at 20 s unless it is delivered first.
      ps.setString(1, "wh-under-way");
      ps.setString(2, erased.sessionId());
      ps.executeUpdate();
    }
    assertThat(Await.result(store.retention().erase(erased.sessionId(), 7_000, 11_000))).isTrue();
    try (Connection c = jdbc(config)) {
      assertThat(WebhookOutbox.due(c, 17_999, 10)).as("not before the attempt under way has surely ended").isEmpty();
      assertThat(WebhookOutbox.due(c, 18_000, 10)).extracting(WebhookOutbox.Entry::type)
          .containsExactly("session.deleted");
    }
  }

  @Test
  @DisplayName("every wait on the database ends at half the bus timeout: the pool, the lock, the statement")
  void databaseWaitsFitTheBusTimeout() throws Exception {
    StoreConfig fresh = freshDatabase();
    StoreConfig config = new StoreConfig(fresh.kind(), fresh.dataDir(), fresh.jdbcUrl(), null, java.util.Optional.empty(), 2, 60_000, 100, 60_000, io.voxrelay.common.config.LeaseConfig.TTL_MS, 1_000);
    assertThat(config.databaseTimeoutMs()).isEqualTo(500);
    boolean postgres = config.kind() == StoreConfig.Kind.POSTGRES;
    StoreExecutor executor = Await.result(StoreExecutor.open(vertx, config, (e, dataSource) -> {
      assertThat(dataSource.getConnectionTimeout()).isEqualTo(500);
      return e;
    }));
    try {
      List<String> waits = Await.result(executor.read(c -> {
        List<String> found = new ArrayList<>();
        try (var s = c.createStatement()) {
          for (String query : postgres ? List.of("SHOW statement_timeout", "SHOW lock_timeout")
              : List.of("PRAGMA busy_timeout")) {
            try (var rs = s.executeQuery(query)) {
              rs.next();
              found.add(rs.getString(1));
            }
          }
        }
        return found;
      }));
      assertThat(waits).containsOnly(postgres ? "500ms" : "500");
      if (postgres) {
        assertThat(Await.failure(executor.read(c -> {
          try (var s = c.createStatement()) {
            s.execute("SELECT pg_sleep(2)");
          }
          return null;
        }))).as("a statement past it is cancelled").hasMessageContaining("statement timeout");
      }
    } finally {
      Await.result(executor.close());
    }
  }

  /** A row of {@code sessionId} in every per-session table: events, emits and turns through the store, the rest by SQL. */
  private static void fillEveryTable(SessionStore store, StoreConfig config, String sessionId) throws Exception {
    Turn turn = new Turn("i-" + sessionId, Turn.USER, "said");
    Await.result(store.events().appendEvents(sessionId, "emit-" + sessionId, 0, List.of(doneEvent(turn)),
        List.of(turn), 0, 1_000));
    try (Connection c = jdbc(config)) {
      for (String sql : List.of(
          "INSERT INTO session_usage (session_id, response_id, created_at) VALUES (?, 'resp_1', 1000)",
          "INSERT INTO session_upstreams (session_id, upstream_id, opened_at, until_at) VALUES (?, 'up_1', 1000, 2000)",
          "INSERT INTO webhook_outbox (event_id, session_id, session_seq, type, body, created_at, attempts, "
              + "next_attempt_at) VALUES ('wh-' || ?, ?, 1, 'session.created', '{}', 1000, 0, 1000)")) {
        try (var ps = c.prepareStatement(sql)) {
          ps.setString(1, sessionId);
          if (sql.contains("'wh-' ||")) {
            ps.setString(2, sessionId);
          }
          ps.executeUpdate();
        }
      }
    }
  }

  private static int rows(Connection c, String table, String sessionId) throws Exception {
    try (var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** The schema's tables that have a {@code session_id} column. */
  private static List<String> tablesWithSessionId(Connection c) throws Exception {
    java.util.Set<String> tables = new java.util.TreeSet<>();
    try (var rs = c.getMetaData().getColumns(null, null, "%", "%")) {
      while (rs.next()) {
        String table = rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT);
        if (rs.getString("COLUMN_NAME").equalsIgnoreCase("session_id") && !table.startsWith("pg_")
            && !table.startsWith("sqlite_")) {
          tables.add(table);
        }
      }
    }
    return List.copyOf(tables);
  }

  @Test
  @DisplayName("the sweep prunes every session's events past the replay age, ended ones included, raises their "
      + "floors, keeps newer events, goes in batches, and reads through the age index")
  void expiredEvents() throws Exception {
    StoreConfig config = freshDatabase();
    SessionStore store = open(config);
    SessionRecord ended = newSession().toBuilder().ended(true).build();
    SessionRecord live = newSession().toBuilder().connections(1).build();
    for (SessionRecord s : List.of(ended, live)) {
      Await.result(store.sessions().insert(s));
    }
    // More expired events in one session than a batch's query reads (8 a session): it still goes whole.
    Await.result(store.events().appendEvents(ended.sessionId(), java.util.Collections.nCopies(19, "{\"type\":\"e\"}"), 1_000));
    Await.result(store.events().appendEvents(ended.sessionId(), List.of("{\"type\":\"e\",\"n\":20}"), 2_000));
    Await.result(store.events().appendEvents(live.sessionId(), List.of("{\"type\":\"e\",\"n\":1}"), 1_000));
    Await.result(store.events().appendEvents(live.sessionId(), List.of("{\"type\":\"e\",\"n\":2}"), 50_000));

    assertThat(Await.result(store.retention().pruneExpiredEvents(10_000, 1))).as("a batch of one session").isEqualTo(1);
    assertThat(Await.result(store.retention().pruneExpiredEvents(10_000, 1))).as("the other").isEqualTo(1);
    assertThat(Await.result(store.retention().pruneExpiredEvents(10_000, 1))).as("nothing left past the age").isZero();

    Replay endedReplay = Await.result(store.events().replay(ended.sessionId(), 0));
    assertThat(endedReplay.events()).as("an ended session keeps no expired event").isEmpty();
    assertThat(endedReplay.truncated()).isTrue();
    assertThat(endedReplay.lastSeq()).as("its numbering stays").isEqualTo(d(20));
    assertThat(Await.result(store.events().replay(ended.sessionId(), d(20))).truncated())
        .as("a client that had everything misses nothing").isFalse();
    Replay liveReplay = Await.result(store.events().replay(live.sessionId(), 0));
    assertThat(jsons(liveReplay.events())).containsExactly("{\"seq\":" + d(2) + ",\"type\":\"e\",\"n\":2}");
    assertThat(liveReplay.truncated()).isTrue();

    try (Connection c = jdbc(config)) {
      boolean postgres = config.kind() == StoreConfig.Kind.POSTGRES;
      assertThat(plan(c, postgres, EventLog.EXPIRED_QUERY)).as("the plan of the expired-events query").contains("session_events_by_age")
          .doesNotContain("Seq Scan").doesNotContain("SCAN session_events\n");
    }
  }

  /**
   * The plan of {@code query} (its two parameters: a cutoff and a limit), one line per step. On PostgreSQL
   * table scans are turned off first: with a handful of rows the planner prefers one, and the question is
   * whether an index can serve the query.
   */
  private static String plan(Connection c, boolean postgres, String query) throws Exception {
    if (postgres) {
      try (var st = c.createStatement()) {
        st.execute("SET enable_seqscan = off");
      }
    }
    StringBuilder plan = new StringBuilder();
    try (var ps = c.prepareStatement((postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query)) {
      ps.setLong(1, 5_000);
      ps.setInt(2, 500);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(postgres ? 1 : 4)).append('\n');
        }
      }
    }
    return plan.toString();
  }

  /** The events' JSON. */
  private static List<String> jsons(List<NumberedEvent> events) {
    return events.stream().map(NumberedEvent::json).toList();
  }

  /** The seq of the {@code n}-th durable event. */
  private static long d(long n) {
    return EventSeq.durable(n);
  }

  /** Every transcript.done event stored has its turn in the history, in the same order. */
  private static void assertHistoryFollowsEvents(SessionStore store, String sessionId) {
    Replay replay = Await.result(store.events().replay(sessionId, 0, true));
    List<String> fromEvents = jsons(replay.events()).stream().map(e -> Json.parse(e))
        .filter(e -> "transcript.done".equals(e.path("type").asText()))
        .map(e -> e.path("itemId").asText()).distinct().toList();
    assertThat(replay.history()).extracting(Turn::itemId).containsExactlyElementsOf(fromEvents);
  }

  private static String doneEvent(Turn turn) {
    return ServerEvents.transcriptDone(turn.role(), turn.itemId(), turn.text());
  }

  private static Connection jdbc(StoreConfig config) throws Exception {
    return config.kind() == StoreConfig.Kind.SQLITE
        ? DriverManager.getConnection("jdbc:sqlite:" + config.dataDir().resolve("voxrelay.db").toAbsolutePath())
        : DriverManager.getConnection(config.jdbcUrl());
  }

  @Test
  @DisplayName("relay leases by the store's clock, alike on two instances: a live holder keeps its session; once "
      + "its lease runs out another relay takes it, and the holder's next renewal is a new lease")
  void relayLeases() throws Exception {
    StoreConfig config = freshDatabase().withLeaseTtlMs(LEASE_TTL_MS);
    SessionStore a = open(config);
    SessionStore b = open(sameDatabase(config));
    SessionRecord session = newSession();
    Await.result(a.sessions().insert(session));
    String id = session.sessionId();
    LeaseGrant leaseA = Await.result(a.claims().renewLease("relay-a", 0));
    LeaseGrant leaseB = Await.result(b.claims().renewLease("relay-b", 0));
    assertThat(leaseA.continued()).as("a first lease").isFalse();
    assertThat(leaseA.ttlMs()).isEqualTo(LEASE_TTL_MS);
    RelayClaim first = Await.result(a.claims().claim(BindRelay.claim(id, "relay-a", null, false)));
    assertThat(first.granted()).isTrue();
    RelayClaim refused = Await.result(b.claims().claim(BindRelay.claim(id, "relay-b", "relay-a", false)));
    assertThat(refused.granted()).as("relay-a's lease holds").isFalse();
    assertThat(refused.holder()).isEqualTo("relay-a");

    // relay-b renews every 300 ms; relay-a has stopped.
    long until = System.nanoTime() + (LEASE_TTL_MS + 500) * 1_000_000;
    while (System.nanoTime() < until) {
      Await.sleep(300);
      assertThat(Await.result(b.claims().renewLease("relay-b", leaseB.leaseId())).continued()).isTrue();
    }
    RelayClaim taken = Await.result(b.claims().claim(BindRelay.claim(id, "relay-b", "relay-a", false)));
    assertThat(taken.granted()).as("relay-a's lease ran out").isTrue();
    assertThat(taken.epoch()).isGreaterThan(first.epoch());
    LeaseGrant late = Await.result(a.claims().renewLease("relay-a", leaseA.leaseId()));
    assertThat(late.continued()).as("relay-a must check its claims: it lost one").isFalse();
    assertThat(Await.result(a.claims().lostClaims("relay-a", Map.of(id, first.epoch())))).containsExactly(id);
  }

  @Test
  @DisplayName("after an outage of every session-service instance, each lease valid when it began runs one more "
      + "time to live before its sessions can move")
  void leasesHonouredAfterAnOutage() throws Exception {
    SessionStore store = open(freshDatabase().withLeaseTtlMs(LEASE_TTL_MS));
    SessionRecord session = newSession();
    Await.result(store.sessions().insert(session));
    String id = session.sessionId();
    LeaseGrant leaseA = Await.result(store.claims().renewLease("relay-a", 0));
    LeaseGrant leaseB = Await.result(store.claims().renewLease("relay-b", 0));
    assertThat(Await.result(store.claims().claim(BindRelay.claim(id, "relay-a", null, false))).granted()).isTrue();

    Await.sleep(LEASE_TTL_MS + 500); // no renewal reaches the store: an outage
    LeaseGrant backB = Await.result(store.claims().renewLease("relay-b", leaseB.leaseId()));
    assertThat(backB.continued()).as("relay-b's lease was honoured").isTrue();
    assertThat(Await.result(store.claims().claim(BindRelay.claim(id, "relay-b", "relay-a", false))).granted())
        .as("relay-a's too: it gets one time to live to renew").isFalse();
    assertThat(Await.result(store.claims().renewLease("relay-a", leaseA.leaseId())).continued())
        .as("relay-a renews after the outage and goes on").isTrue();
  }

}
