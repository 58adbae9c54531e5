package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.CheckClaims;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.DescribeSession;
import io.voxrelay.common.bus.SessionStatus;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.LostClaims;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.RenewLease;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The session service fences relay claims and applies each write once")
class RelayFencingTest {

  private LocalSessionService service;
  private Vertx vertx;
  private String sessionId;

  @BeforeEach
  void deploy(@TempDir Path dir) {
    service = LocalSessionService.start(dir);
    vertx = service.vertx;
    sessionId = service.sessionId();
    ask(Addresses.SESSION_RELAY_LEASE, new RenewLease("relay-a", 0));
    ask(Addresses.SESSION_RELAY_LEASE, new RenewLease("relay-b", 0));
  }

  @AfterEach
  void close() {
    service.close();
  }

  private <T> T ask(String address, Object body) {
    return service.ask(address, body);
  }

  private int failureOf(String address, Object body) {
    Throwable failure = Await.result(vertx.eventBus().request(address, body).<Throwable>transform(
        ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(failure).as("%s fails", address).isInstanceOf(ReplyException.class);
    return ((ReplyException) failure).failureCode();
  }

  private EmitEvents batch(String key, long epoch, String type, Turn... turns) {
    return new EmitEvents(sessionId, key, epoch, List.of("{\"type\":\"" + type + "\"}"), List.of(turns), 0, null,
        0);
  }

  private EmitEvents control(String key, long epoch, Control control, long seq, String connectionId) {
    return new EmitEvents(sessionId, key, epoch, List.of(), List.of(), 0, new ClientControl(control, seq, connectionId),
        0);
  }

  private long cursor() {
    SessionSnapshot session = ask(Addresses.SESSION_GET, new GetSession(sessionId));
    return session.lastClientSeq();
  }

  @Test
  @DisplayName("a control a relay carried out is stored with its event and the client cursor at once; a resend "
      + "changes nothing, one that does not fit stores nothing, and a typed turn moves the cursor with its turn")
  void controlStoredInOneTransaction() {
    RelayClaim claim = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-a", null, false));
    EmittedEvents paused = ask(Addresses.SESSION_EMIT, control("c-1", claim.epoch(), Control.PAUSE, 1, null));
    assertThat(paused.control().duplicate()).isFalse();
    assertThat(paused.control().session().paused()).isTrue();
    assertThat(paused.control().session().lastClientSeq()).isEqualTo(1);
    assertThat(paused.events()).singleElement().extracting(NumberedEvent::json).asString()
        .contains("\"interview.paused\"");

    EmittedEvents resent = ask(Addresses.SESSION_EMIT, control("c-2", claim.epoch(), Control.PAUSE, 1, null));
    assertThat(resent.control().duplicate()).as("seq 1 is at the cursor").isTrue();
    assertThat(resent.events()).isEmpty();
    EmittedEvents sameBatch = ask(Addresses.SESSION_EMIT, control("c-1", claim.epoch(), Control.PAUSE, 1, null));
    assertThat(sameBatch.events()).as("a batch sent again is answered with what it stored").isEqualTo(paused.events());

    assertThat(failureOf(Addresses.SESSION_EMIT, control("c-3", claim.epoch(), Control.RESUME, 2, "conn-old")))
        .as("a control from a connection the session does not have").isEqualTo(BusFailure.SUPERSEDED);
    assertThat(cursor()).as("a refused control moves no cursor").isEqualTo(1);

    Turn typed = new Turn("item-t", Turn.USER, "typed");
    ask(Addresses.SESSION_EMIT, new EmitEvents(sessionId, "t-1", claim.epoch(),
        List.of("{\"type\":\"transcript.done\"}"), List.of(typed), 2, null, 0));
    assertThat(cursor()).as("the typed turn's seq, stored with it").isEqualTo(2);

    EmittedEvents ended = ask(Addresses.SESSION_EMIT, control("c-4", claim.epoch(), Control.END, 3, null));
    assertThat(ended.control().session().ended()).isTrue();
    assertThat(failureOf(Addresses.SESSION_EMIT, control("c-5", claim.epoch(), Control.RESUME, 4, null)))
        .as("nothing fits an ended interview").isEqualTo(BusFailure.GONE);
    assertThat(cursor()).isEqualTo(3);
    Replay stored = ask(Addresses.SESSION_REPLAY, new ReplayRequest(sessionId, 0));
    assertThat(stored.events()).extracting(NumberedEvent::json)
        .as("the pause, the typed turn and the end, each once").hasSize(3);
  }

  @Test
  @DisplayName("every grant raises the epoch; a takeover fences the old relay's emits, controls and close notices")
  void takeoverFencesTheOldClaim() {
    RelayClaim first = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-a", null, false));
    RelayClaim again = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-a", null, false));
    assertThat(first.granted()).isTrue();
    assertThat(again.granted()).as("a claim sent again is granted").isTrue();
    assertThat(again.epoch()).as("a claim sent again keeps its epoch").isEqualTo(first.epoch());

    RelayClaim takeover = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-b", "relay-a", true));
    assertThat(takeover.granted()).isTrue();
    assertThat(takeover.epoch()).isGreaterThan(first.epoch());

    assertThat(failureOf(Addresses.SESSION_EMIT, batch("a-1", first.epoch(), "stale")))
        .as("an emit under the replaced claim").isEqualTo(BusFailure.FENCED);
    assertThat(failureOf(Addresses.SESSION_EMIT, control("a-2", first.epoch(), Control.PAUSE, 7, null)))
        .as("a control carried out under the replaced claim").isEqualTo(BusFailure.FENCED);
    ask(Addresses.SESSION_UPSTREAM_CLOSED, new UpstreamClosed(sessionId, "relay-a", first.epoch(), false));
    ask(Addresses.SESSION_BIND_RELAY, BindRelay.giveBack(sessionId, "relay-a", first.epoch()));

    SessionSnapshot session = ask(Addresses.SESSION_GET, new GetSession(sessionId));
    assertThat(session.relayNode()).as("the old relay's notices changed nothing").isEqualTo("relay-b");
    assertThat(session.awaitingResume()).isFalse();
    assertThat(session.lastClientSeq()).isZero();
    assertThat(session.paused()).isFalse();
    Replay stored = ask(Addresses.SESSION_REPLAY, new ReplayRequest(sessionId, 0));
    assertThat(stored.events()).as("nothing of the stale emit was stored").isEmpty();

    EmittedEvents fresh = ask(Addresses.SESSION_EMIT, batch("b-1", takeover.epoch(), "fresh"));
    assertThat(fresh.events()).hasSize(1);
    LostClaims lost = ask(Addresses.SESSION_CHECK_CLAIMS, new CheckClaims("relay-a", Map.of(sessionId,
        first.epoch(), "s_unknown", 1L)));
    assertThat(lost.sessionIds()).containsExactlyInAnyOrder(sessionId, "s_unknown");
    LostClaims kept = ask(Addresses.SESSION_CHECK_CLAIMS, new CheckClaims("relay-b", Map.of(sessionId,
        takeover.epoch())));
    assertThat(kept.sessionIds()).isEmpty();

    ask(Addresses.SESSION_UPSTREAM_CLOSED, new UpstreamClosed(sessionId, "relay-b", takeover.epoch(), true));
    SessionSnapshot closed = ask(Addresses.SESSION_GET, new GetSession(sessionId));
    assertThat(closed.relayNode()).isNull();
    assertThat(closed.awaitingResume()).as("the current claim's notice applies").isTrue();
    SessionStatus status = ask(Addresses.SESSION_DESCRIBE, new DescribeSession(sessionId));
    assertThat(status.upstreamFailures()).as("a relay that gave up reopening it is counted").isEqualTo(1);
    assertThat(status.upstreamOpen()).isFalse();
  }

  @Test
  @DisplayName("a batch sent again under its key is stored once and answered with its first seqs, turns included")
  void batchSentAgainIsStoredOnce() {
    RelayClaim claim = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-a", null, false));
    Turn turn = new Turn("item-1", Turn.USER, "hello");
    EmittedEvents first = ask(Addresses.SESSION_EMIT, batch("k-1", claim.epoch(), "transcript.done", turn));
    EmittedEvents between = ask(Addresses.SESSION_EMIT, batch("k-2", claim.epoch(), "other"));
    EmittedEvents again = ask(Addresses.SESSION_EMIT, batch("k-1", claim.epoch(), "transcript.done", turn));

    assertThat(again.events()).as("the same seqs and events as the first time").isEqualTo(first.events());
    Replay stored = ask(Addresses.SESSION_REPLAY, new ReplayRequest(sessionId, 0));
    assertThat(stored.events()).hasSize(2);
    assertThat(stored.events().get(1)).isEqualTo(between.events().get(0));
    SessionSnapshot session = ask(Addresses.SESSION_GET, new GetSession(sessionId));
    assertThat(session.history()).extracting(Turn::itemId).containsExactly("item-1");
  }

  @Test
  @DisplayName("a give-back of an older claim leaves the newer one alone")
  void staleGiveBack() {
    RelayClaim first = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-a", null, false));
    ask(Addresses.SESSION_BIND_RELAY, BindRelay.giveBack(sessionId, "relay-a", first.epoch()));
    RelayClaim second = ask(Addresses.SESSION_BIND_RELAY, BindRelay.claim(sessionId, "relay-a", null, false));
    assertThat(second.epoch()).isGreaterThan(first.epoch());
    RelayClaim late = ask(Addresses.SESSION_BIND_RELAY, BindRelay.giveBack(sessionId, "relay-a", first.epoch()));
    assertThat(late.granted()).isFalse();
    assertThat(late.holder()).isEqualTo("relay-a");
  }
}
