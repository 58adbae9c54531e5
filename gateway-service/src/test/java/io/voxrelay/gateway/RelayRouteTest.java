package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamHeldElsewhere;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The route's rules, on a real event bus whose relay and session-service ends are played by consumers that
 * answer as those services do (the services themselves are exercised by the integration tests).
 */
@DisplayName("RelayRoute: re-attach at the holder, open anywhere when it is gone, join a race's winner")
class RelayRouteTest {

  private final Vertx vertx = Vertx.vertx();
  /** Every open a relay end received: "address transientsLost". */
  private final List<String> opens = new CopyOnWriteArrayList<>();
  private final AtomicBoolean clientWaiting = new AtomicBoolean(true);

  RelayRouteTest() {
    BusCodecs.register(vertx);
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private RelayRoute route(long busTimeoutMs) {
    return new RelayRoute(vertx, "s1", "gw-1", "c-1", new DeliveryOptions().setSendTimeout(busTimeoutMs),
        busTimeoutMs, clientWaiting::get);
  }

  private static SessionSnapshot session(String relayNode) {
    return new SessionSnapshot("s1", "i", List.of("Q?"), 0, false, false, false, false, relayNode, "gw-1", 0, 0,
        List.of(), 0, 0);
  }

  /** A relay end that opens the session itself. */
  private void relayOpens(String address, String node) {
    vertx.eventBus().<OpenUpstream>consumer(address, m -> {
      opens.add(address + " " + m.body().transientsLost());
      m.reply(new UpstreamOpened("s1", node, List.of(), m.body().transientsLost()));
    });
  }

  @Test
  @DisplayName("a bound relay that holds the session re-attaches it")
  void reattach() {
    relayOpens(Addresses.relayNode("r1"), "r1");
    UpstreamOpened opened = Await.result(route(2_000).open(session("r1"), null, 5, 5));
    assertThat(opened.relayNode()).isEqualTo("r1");
    assertThat(opens).containsExactly(Addresses.relayNode("r1") + " false");
  }

  @Test
  @DisplayName("a bound relay gone from the bus: any relay opens it, told that the transient events are lost")
  void boundRelayGone() {
    relayOpens(Addresses.RELAY_OPEN, "r2");
    UpstreamOpened opened = Await.result(route(2_000).open(session("r-dead"), null, 5, 5));
    assertThat(opened.relayNode()).isEqualTo("r2");
    assertThat(opens).containsExactly(Addresses.RELAY_OPEN + " true");
  }

  @Test
  @DisplayName("a bound relay that no longer holds the session (404): any relay opens it, nothing lost")
  void boundRelayLetGo() {
    vertx.eventBus().consumer(Addresses.relayNode("r1"), m -> m.fail(BusFailure.NOT_FOUND, "not here"));
    relayOpens(Addresses.RELAY_OPEN, "r2");
    Await.result(route(2_000).open(session("r1"), null, 5, 5));
    assertThat(opens).containsExactly(Addresses.RELAY_OPEN + " false");
  }

  @Test
  @DisplayName("another relay won the race for the session: the route joins it there")
  void joinsTheWinner() {
    vertx.eventBus().consumer(Addresses.RELAY_OPEN, m -> m.reply(new UpstreamHeldElsewhere("s1", "r3")));
    relayOpens(Addresses.relayNode("r3"), "r3");
    assertThat(Await.result(route(2_000).open(session(null), null, 0, 0)).relayNode()).isEqualTo("r3");
  }

  @Test
  @DisplayName("a session that moves again while the route joins the winner is unavailable for now: one hop only")
  void oneHop() {
    vertx.eventBus().consumer(Addresses.RELAY_OPEN, m -> m.reply(new UpstreamHeldElsewhere("s1", "r3")));
    vertx.eventBus().consumer(Addresses.relayNode("r3"), m -> m.reply(new UpstreamHeldElsewhere("s1", "r4")));
    relayOpens(Addresses.relayNode("r4"), "r4");
    assertThatThrownBy(() -> Await.result(route(2_000).open(session(null), null, 0, 0)))
        .rootCause().satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAVAILABLE));
    assertThat(opens).as("r4 was never asked").isEmpty();
  }

  @Test
  @DisplayName("a race won by no one (the claim was given back meanwhile) fails as unavailable")
  void heldByNoOne() {
    vertx.eventBus().consumer(Addresses.RELAY_OPEN, m -> m.reply(new UpstreamHeldElsewhere("s1", null)));
    assertThatThrownBy(() -> Await.result(route(2_000).open(session(null), null, 0, 0)))
        .hasRootCauseInstanceOf(ReplyException.class)
        .rootCause().satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAVAILABLE));
  }

  @Test
  @DisplayName("a gateway that gives up waiting tells the relays, so the upstream it never took closes")
  void abandonedOnTimeout() {
    List<OpenAbandoned> abandoned = new CopyOnWriteArrayList<>();
    vertx.eventBus().<OpenAbandoned>consumer(Addresses.RELAY_OPEN_ABANDONED, m -> abandoned.add(m.body()));
    vertx.eventBus().consumer(Addresses.RELAY_OPEN, m -> { });
    assertThatThrownBy(() -> Await.result(route(200).open(session(null), null, 0, 0)));
    Await.until("the relays were told", java.time.Duration.ofSeconds(5), () -> !abandoned.isEmpty());
    assertThat(abandoned).as("a client never connected: the upstream closes at once")
        .containsExactly(new OpenAbandoned("s1", "c-1", false));
  }

  @Test
  @DisplayName("a relay that just opened asks whether the client still waits: not once it left")
  void clientLeftMeanwhile() {
    List<String> answers = new CopyOnWriteArrayList<>();
    vertx.eventBus().<OpenUpstream>consumer(Addresses.RELAY_OPEN, m ->
        m.replyAndRequest(new UpstreamOpened("s1", "r1", List.of(), false))
            .onComplete(ar -> answers.add(ar.succeeded() ? "taken"
                : "refused " + ((ReplyException) ar.cause()).failureCode())));
    RelayRoute route = route(2_000);
    Await.result(route.open(session(null), null, 0, 0));
    clientWaiting.set(false);
    Await.result(route.open(session(null), null, 0, 0));
    Await.until("both answered", java.time.Duration.ofSeconds(5), () -> answers.size() == 2);
    assertThat(answers).containsExactly("taken", "refused " + BusFailure.GONE);
  }

  @Test
  @DisplayName("a lost relay's session moves to another, once, even when several ask; another relay's loss is ignored")
  void takeover() {
    vertx.eventBus().<GetSession>consumer(Addresses.SESSION_GET, m -> m.reply(session("r1")));
    relayOpens(Addresses.RELAY_OPEN, "r2");
    RelayRoute route = route(2_000);
    route.use(new UpstreamOpened("s1", "r1", List.of(), false));
    assertThat(Await.result(route.relayLost("r9", 0))).isNull();
    assertThat(route.relayNode()).isEqualTo("r1");

    // The route is confined to an event loop, as in a gateway: both losses are reported there.
    List<Future<UpstreamOpened>> takeovers = Await.onLoop(vertx,
        () -> List.of(route.relayLost("r1", 7), route.relayLost("r1", 7)));
    assertThat(takeovers.get(1)).as("the second joins the first").isSameAs(takeovers.get(0));
    assertThat(Await.result(takeovers.get(0)).relayNode()).isEqualTo("r2");
    assertThat(route.relayNode()).isEqualTo("r2");
    assertThat(route.takeover()).isNull();
    assertThat(opens).as("a failover opens afresh, with the transient events lost").containsExactly(
        Addresses.RELAY_OPEN + " true");
  }
}
