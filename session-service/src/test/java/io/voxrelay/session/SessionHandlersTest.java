package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.LiveRelays;
import io.voxrelay.common.bus.RenewLease;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.config.BudgetConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each group of the session service's handlers alone on a real event bus, over a real SQLite store: it answers
 * on its own addresses, and only on those.
 */
@DisplayName("The session service's handler groups, each alone on the bus")
class SessionHandlersTest {

  private final Vertx vertx = Vertx.vertx();
  private final Clock clock = Clock.systemUTC();
  private SessionStore store;

  private SessionStore store(Path dir) {
    BusCodecs.register(vertx);
    store = Await.result(JdbcSessionStore.open(vertx, StoreConfig.sqlite(dir), false));
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      Await.result(store.close());
    }
    Await.result(vertx.close());
  }

  private void register(List<MessageConsumer<?>> consumers) {
    Await.result(io.vertx.core.Future.all(consumers.stream().map(MessageConsumer::completion).toList()));
  }

  private <T> T ask(String address, Object body) {
    return Await.result(vertx.eventBus().<T>request(address, body)).body();
  }

  private void noHandlerAt(String address, Object body) {
    assertThatThrownBy(() -> ask(address, body)).rootCause()
        .satisfies(e -> assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }

  @Test
  @DisplayName("connections: a session created connects with its token, and its conversation is not theirs")
  void connections(@TempDir Path dir) {
    register(new ConnectionHandlers(store(dir), BudgetConfig.fromEnv(io.voxrelay.common.config.Env.system()),
        60_000, clock).register(vertx.eventBus()));
    SessionCreated created = ask(Addresses.SESSION_CREATE, new CreateSession("Be brief.", List.of("One?")));
    SessionConnected connected = ask(Addresses.SESSION_CONNECT,
        new ConnectSession(created.sessionId(), created.token(), "gw-1", "c-1", 0));
    assertThat(connected.session().gatewayNode()).isEqualTo("gw-1");
    assertThat(connected.resumeToken()).isNotEqualTo(created.token());
    noHandlerAt(Addresses.SESSION_CONTROL, new SessionControlRequest(created.sessionId(), Control.PAUSE, null, 1,
        "c-1"));
  }

  @Test
  @DisplayName("conversations: a control is applied once per client seq, a resend answered as a duplicate; a typed "
      + "turn without a relay is refused, not swallowed")
  void conversations(@TempDir Path dir) {
    SessionStore opened = store(dir);
    register(new ConnectionHandlers(opened, BudgetConfig.fromEnv(io.voxrelay.common.config.Env.system()), 60_000,
        clock).register(vertx.eventBus()));
    register(new ConversationHandlers(opened, clock).register(vertx.eventBus()));
    SessionCreated created = ask(Addresses.SESSION_CREATE, new CreateSession("Be brief.", List.of("One?", "Two?")));
    ask(Addresses.SESSION_CONNECT, new ConnectSession(created.sessionId(), created.token(), "gw-1", "c-1", 0));
    SessionControlRequest next = new SessionControlRequest(created.sessionId(), Control.NEXT_QUESTION, null, 1, "c-1");
    SessionControlReply first = ask(Addresses.SESSION_CONTROL, next);
    SessionControlReply again = ask(Addresses.SESSION_CONTROL, next);
    assertThat(first.duplicate()).isFalse();
    assertThat(first.session().currentQuestionIndex()).isEqualTo(1);
    assertThat(again.duplicate()).isTrue();
    assertThat(again.session().currentQuestionIndex()).as("applied once").isEqualTo(1);
    assertThatThrownBy(() -> ask(Addresses.SESSION_CONTROL,
        new SessionControlRequest(created.sessionId(), Control.PAUSE, null, 2, "c-old"))).rootCause()
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.SUPERSEDED));
    assertThatThrownBy(() -> ask(Addresses.SESSION_CONTROL,
        new SessionControlRequest(created.sessionId(), Control.TEXT, "hi", 2, "c-1"))).rootCause()
        .as("a typed turn needs a relay: not swallowed here")
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAVAILABLE));
    SessionControlReply paused = ask(Addresses.SESSION_CONTROL,
        new SessionControlRequest(created.sessionId(), Control.PAUSE, null, 2, "c-1"));
    assertThat(paused.session().lastClientSeq()).as("the refused typed turn took no seq").isEqualTo(2);
  }

  @Test
  @DisplayName("claims: a relay's renewed lease makes it live")
  void claims(@TempDir Path dir) {
    register(new RelayClaims(store(dir)).register(vertx.eventBus()));
    assertThat(this.<LiveRelays>ask(Addresses.SESSION_LIVE_RELAYS, new FindLiveRelays()).relayNodes()).isEmpty();
    ask(Addresses.SESSION_RELAY_LEASE, new RenewLease("relay-1", 0));
    assertThat(this.<LiveRelays>ask(Addresses.SESSION_LIVE_RELAYS, new FindLiveRelays()).relayNodes())
        .containsExactly("relay-1");
    noHandlerAt(Addresses.SESSION_CREATE, new CreateSession("x", List.of("y")));
  }

  @Test
  @DisplayName("hygiene: the watchdog's query for expired sessions is answered")
  void hygiene(@TempDir Path dir) {
    SessionStore opened = store(dir);
    ClientNotices notices = new ClientNotices(vertx, opened, clock);
    Terminations terminations = new Terminations(vertx, opened, notices, clock);
    BudgetConfig budgets = BudgetConfig.fromEnv(io.voxrelay.common.config.Env.system());
    register(new HygieneHandlers(opened, terminations, new BudgetChecks(opened, terminations, notices, budgets,
        clock), budgets).register(vertx.eventBus()));
    ExpiredSessions expired = ask(Addresses.SESSION_FIND_EXPIRED, new FindExpired(clock.millis(), 60_000, 60_000,
        60_000));
    assertThat(expired.candidates()).isEmpty();
    assertThat(expired.liveSessions()).isZero();
    noHandlerAt(Addresses.SESSION_GET, new io.voxrelay.common.bus.GetSession("nope"));
  }
}
