package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.ConnectionReplaced;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.LiveRelays;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handshake's rules on a real event bus; the session service and relay ends are played by consumers that
 * answer as they do.
 */
@DisplayName("ClientHandshake: a valid hello, an address not locked out, a token the session accepts")
class ClientHandshakeTest {

  private static final String HELLO = "{\"type\":\"hello\",\"token\":\"tok\",\"lastSeq\":%d}";

  private final Vertx vertx = Vertx.vertx();
  private final SlidingWindowLimiter limiter = new SlidingWindowLimiter(2, 60_000, Clock.systemUTC());
  private final SlidingWindowLimiter perSession = new SlidingWindowLimiter(3, 60_000, Clock.systemUTC());
  private final List<OpenUpstream> opens = new CopyOnWriteArrayList<>();
  private final List<ConnectionReplaced> replaced = new CopyOnWriteArrayList<>();

  ClientHandshakeTest() {
    BusCodecs.register(vertx);
    vertx.eventBus().<FindLiveRelays>consumer(Addresses.SESSION_LIVE_RELAYS, m -> m.reply(new LiveRelays(List.of("r1"))));
    vertx.eventBus().<OpenUpstream>consumer(Addresses.relayNode("r1"), m -> {
      opens.add(m.body());
      m.reply(new UpstreamOpened("s1", "r1", List.of(), false));
    });
    vertx.eventBus().<ConnectionReplaced>consumer(Addresses.gatewayNode("gw-old"), m -> replaced.add(m.body()));
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static SessionSnapshot session(boolean awaitingResume) {
    return new SessionSnapshot("s1", "i", List.of("Q?"), 0, false, awaitingResume, false, false, null, "gw-1", 0, 0,
        List.of(), 0);
  }

  private void sessionAnswers(SessionConnected connected, int failure) {
    vertx.eventBus().<ConnectSession>consumer(Addresses.SESSION_CONNECT, m -> {
      if (failure != 0) {
        m.fail(failure, "no");
      } else {
        m.reply(connected);
      }
    });
  }

  private Future<ClientHandshake.Joined> start(String frame) {
    return start(frame, "s1", "10.0.0.1");
  }

  private Future<ClientHandshake.Joined> start(String frame, String sessionId, String address) {
    return Await.onLoop(vertx, () -> {
      DeliveryOptions bus = new DeliveryOptions().setSendTimeout(2_000);
      RelayRoute route = new RelayRoute(vertx, sessionId, "gw-1", "c-1", bus, bus.getSendTimeout(),
          new LiveRelayView(vertx, bus.getSendTimeout(), () -> 0), () -> true);
      return new ClientHandshake(vertx, sessionId, "gw-1", "c-1", bus, limiter, perSession, address, route)
          .start(frame);
    });
  }

  private CloseCode refusal(String frame) {
    return refusal(frame, "s1", "10.0.0.1");
  }

  private CloseCode refusal(String frame, String sessionId, String address) {
    try {
      Await.result(start(frame, sessionId, address));
    } catch (AssertionError e) {
      if (e.getCause() instanceof ClientHandshake.Refused refused) {
        return refused.code();
      }
      throw e;
    }
    throw new AssertionError("the handshake went through");
  }

  @Test
  @DisplayName("a first frame that is not a valid hello is refused with 4400")
  void badHello() {
    assertThat(refusal("{\"type\":")).isEqualTo(CloseCode.BAD_HELLO);
    assertThat(refusal("{\"type\":\"heartbeat.ping\"}")).isEqualTo(CloseCode.BAD_HELLO);
  }

  @Test
  @DisplayName("a wrong token is 4401 and counts against the address, which is then locked out with 4429")
  void unauthorizedThenLockedOut() {
    sessionAnswers(null, BusFailure.UNAUTHORIZED);
    assertThat(refusal(HELLO.formatted(0))).isEqualTo(CloseCode.UNAUTHORIZED);
    assertThat(refusal(HELLO.formatted(0))).isEqualTo(CloseCode.UNAUTHORIZED);
    assertThat(refusal(HELLO.formatted(0))).isEqualTo(CloseCode.TOO_MANY_ATTEMPTS);
  }

  @Test
  @DisplayName("failures count per session too: many addresses cannot keep guessing one session's token, "
      + "and other sessions are not affected")
  void perSessionLimit() {
    sessionAnswers(null, BusFailure.UNAUTHORIZED);
    for (int i = 1; i <= 3; i++) {
      assertThat(refusal(HELLO.formatted(0), "s1", "10.0.1." + i)).isEqualTo(CloseCode.UNAUTHORIZED);
    }
    assertThat(refusal(HELLO.formatted(0), "s1", "10.0.1.9")).as("a fresh address, the same session")
        .isEqualTo(CloseCode.TOO_MANY_ATTEMPTS);
    assertThat(refusal(HELLO.formatted(0), "s2", "10.0.1.9")).as("another session").isEqualTo(CloseCode.UNAUTHORIZED);
  }

  @Test
  @DisplayName("an ended interview is 4410; a session service that does not answer is 1013")
  void endedAndUnavailable() {
    sessionAnswers(null, BusFailure.GONE);
    assertThat(refusal(HELLO.formatted(0))).isEqualTo(CloseCode.SESSION_ENDED);
    Await.result(vertx.close());
    Vertx other = Vertx.vertx();
    try {
      BusCodecs.register(other);
      Future<ClientHandshake.Joined> result = Await.onLoop(other, () -> {
        DeliveryOptions bus = new DeliveryOptions().setSendTimeout(300);
        RelayRoute route = new RelayRoute(other, "s1", "gw-1", "c-1", bus, bus.getSendTimeout(),
            new LiveRelayView(other, bus.getSendTimeout(), () -> 0), () -> true);
        return new ClientHandshake(other, "s1", "gw-1", "c-1", bus, limiter, perSession, "10.0.0.2", route)
            .start(HELLO.formatted(0));
      });
      Await.until("refused", Duration.ofSeconds(5), result::isComplete);
      assertThat(((ClientHandshake.Refused) result.cause()).code()).isEqualTo(CloseCode.TRY_AGAIN_LATER);
    } finally {
      Await.result(other.close());
    }
  }

  @Test
  @DisplayName("a session that awaits resume opens no upstream; the client's position never passes what was issued")
  void awaitingResume() {
    long last = EventSeq.durable(4);
    sessionAnswers(new SessionConnected(session(true), "new", true, new Replay(List.of(), false, last, List.of()),
        null, null), 0);
    ClientHandshake.Joined joined = Await.result(start(HELLO.formatted(EventSeq.durable(99))));
    assertThat(joined.opened()).isNull();
    assertThat(opens).isEmpty();
    assertThat(joined.position()).isEqualTo(EventSeq.ceiling(last));
  }

  @Test
  @DisplayName("a live session's upstream opens at a relay; the connection it replaces is told, wherever it is")
  void opensAndReplaces() {
    sessionAnswers(new SessionConnected(session(false), "new", true,
        new Replay(List.of(), false, EventSeq.durable(2), List.of()), "gw-old", "c-0"), 0);
    ClientHandshake.Joined joined = Await.result(start(HELLO.formatted(EventSeq.durable(2) + 3)));
    assertThat(joined.opened().relayNode()).isEqualTo("r1");
    assertThat(joined.position()).isEqualTo(EventSeq.durable(2) + 3);
    assertThat(opens).singleElement().satisfies(open -> {
      assertThat(open.afterSeq()).isEqualTo(EventSeq.durable(2) + 3);
      assertThat(open.storedSeq()).isEqualTo(EventSeq.durable(2));
    });
    Await.until("the old connection was told", Duration.ofSeconds(5), () -> replaced.size() == 1);
    assertThat(replaced.get(0)).isEqualTo(new ConnectionReplaced("s1", "c-0"));
  }
}
