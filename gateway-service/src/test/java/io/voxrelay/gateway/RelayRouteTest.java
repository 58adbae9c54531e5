package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.LiveRelays;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamHeldElsewhere;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The route's rules, on a real event bus whose relay and session-service ends are played by consumers that
 * answer as those services do (the services themselves are exercised by the integration tests).
 */
@DisplayName("RelayRoute: re-attach at the holder, open at a live relay when it is gone, join a race's winner")
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

  /** The session service's answer to which relays hold a valid lease. */
  private final List<String> live = new CopyOnWriteArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000);
  private final LiveRelayView relays = new LiveRelayView(vertx, 2_000, now::get);

  private RelayRoute route(long busTimeoutMs) {
    vertx.eventBus().<FindLiveRelays>consumer(Addresses.SESSION_LIVE_RELAYS, m -> m.reply(new LiveRelays(live)));
    return new RelayRoute(vertx, "s1", "gw-1", "c-1", new DeliveryOptions().setSendTimeout(busTimeoutMs),
        busTimeoutMs, relays, clientWaiting::get);
  }

  private static String node(String relay) {
    return Addresses.relayNode(relay);
  }

  private static SessionSnapshot session(String relayNode) {
    return new SessionSnapshot("s1", "i", List.of("Q?"), 0, false, false, false, false, relayNode, "gw-1", 0, 0,
        List.of(), 0);
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
    live.add("r2");
    relayOpens(node("r2"), "r2");
    UpstreamOpened opened = Await.result(route(2_000).open(session("r-dead"), null, 5, 5));
    assertThat(opened.relayNode()).isEqualTo("r2");
    assertThat(opens).containsExactly(node("r2") + " true");
  }

  @Test
  @DisplayName("a bound relay that no longer holds the session (404): any relay opens it, nothing lost")
  void boundRelayLetGo() {
    vertx.eventBus().consumer(Addresses.relayNode("r1"), m -> m.fail(BusFailure.NOT_FOUND, "not here"));
    live.add("r2");
    relayOpens(node("r2"), "r2");
    Await.result(route(2_000).open(session("r1"), null, 5, 5));
    assertThat(opens).containsExactly(node("r2") + " false");
  }

  @Test
  @DisplayName("another relay won the race for the session: the route joins it there")
  void joinsTheWinner() {
    live.add("r2");
    vertx.eventBus().consumer(node("r2"), m -> m.reply(new UpstreamHeldElsewhere("s1", "r3")));
    relayOpens(Addresses.relayNode("r3"), "r3");
    assertThat(Await.result(route(2_000).open(session(null), null, 0, 0)).relayNode()).isEqualTo("r3");
  }

  @Test
  @DisplayName("a session that moves again while the route joins the winner is unavailable for now: one hop only")
  void oneHop() {
    live.add("r2");
    vertx.eventBus().consumer(node("r2"), m -> m.reply(new UpstreamHeldElsewhere("s1", "r3")));
    vertx.eventBus().consumer(Addresses.relayNode("r3"), m -> m.reply(new UpstreamHeldElsewhere("s1", "r4")));
    relayOpens(Addresses.relayNode("r4"), "r4");
    assertThatThrownBy(() -> Await.result(route(2_000).open(session(null), null, 0, 0)))
        .rootCause().satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAVAILABLE));
    assertThat(opens).as("r4 was never asked").isEmpty();
  }

  @Test
  @DisplayName("a race won by no one (the claim was given back meanwhile) fails as unavailable")
  void heldByNoOne() {
    live.add("r2");
    vertx.eventBus().consumer(node("r2"), m -> m.reply(new UpstreamHeldElsewhere("s1", null)));
    assertThatThrownBy(() -> Await.result(route(2_000).open(session(null), null, 0, 0)))
        .hasRootCauseInstanceOf(ReplyException.class)
        .rootCause().satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAVAILABLE));
  }

  @Test
  @DisplayName("a gateway that gives up waiting tells the relays, so the upstream it never took closes")
  void abandonedOnTimeout() {
    List<OpenAbandoned> abandoned = new CopyOnWriteArrayList<>();
    vertx.eventBus().<OpenAbandoned>consumer(Addresses.RELAY_OPEN_ABANDONED, m -> abandoned.add(m.body()));
    live.add("r2");
    vertx.eventBus().consumer(node("r2"), m -> { });
    assertThatThrownBy(() -> Await.result(route(200).open(session(null), null, 0, 0)));
    Await.until("the relays were told", java.time.Duration.ofSeconds(5), () -> !abandoned.isEmpty());
    assertThat(abandoned).as("a client never connected: the upstream closes at once")
        .containsExactly(new OpenAbandoned("s1", "c-1", false));
  }

  @Test
  @DisplayName("a relay that just opened asks whether the client still waits: not once it left")
  void clientLeftMeanwhile() {
    List<String> answers = new CopyOnWriteArrayList<>();
    live.add("r1");
    vertx.eventBus().<OpenUpstream>consumer(node("r1"), m ->
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
    live.add("r2");
    relayOpens(node("r2"), "r2");
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
        node("r2") + " true");
  }

  @Test
  @DisplayName("a wait for a move ends when the takeover has settled, not at its timeout; a re-attach to the same relay is no move")
  void waitForAMove() {
    vertx.eventBus().<GetSession>consumer(Addresses.SESSION_GET, m -> m.reply(session("r1")));
    live.add("r2");
    relayOpens(node("r2"), "r2");
    RelayRoute route = route(2_000);
    AtomicReference<String> routedWhenDone = new AtomicReference<>("not yet");
    Future<Void> waiting = Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r1", List.of(), false));
      Future<Void> wait = route.movedOff("r1", 60_000, null);
      wait.onComplete(ar -> routedWhenDone.set(route.relayNode()));
      route.use(new UpstreamOpened("s1", "r1", List.of(), false));
      return wait;
    });
    assertThat(waiting.isComplete()).as("re-attached to r1: still there").isFalse();

    Await.result(Await.onLoop(vertx, () -> route.relayLost("r1", 7)));
    Await.result(waiting, Duration.ofSeconds(5));
    assertThat(routedWhenDone.get()).as("heard of once the session was at r2").isEqualTo("r2");
    assertThat(Await.result(Await.onLoop(vertx, () -> route.movedOff("r1", 60_000, null)), Duration.ofSeconds(5)))
        .as("already off r1: at once").isNull();
  }

  @Test
  @DisplayName("a wait for a move also ends at its timeout, or when what it waited beside is done")
  void waitForAMoveEnds() {
    RelayRoute route = route(2_000);
    Promise<Void> answered = Promise.promise();
    List<Future<Void>> waits = Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r1", List.of(), false));
      return List.of(route.movedOff("r1", 50, null), route.movedOff("r1", 60_000, answered.future()));
    });
    Await.result(waits.get(0), Duration.ofSeconds(5));
    assertThat(route.isOff("r1")).as("timed out, the route unchanged").isFalse();
    assertThat(waits.get(1).isComplete()).isFalse();
    vertx.runOnContext(v -> answered.complete());
    Await.result(waits.get(1), Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("an open goes to the live relays in turn, past one that is stopping and one that left since")
  void picksLiveRelays() {
    live.addAll(List.of("r1", "r2", "r3"));
    vertx.eventBus().consumer(node("r1"), m -> m.fail(BusFailure.MOVING, "stopping"));
    relayOpens(node("r3"), "r3");
    // r2 has no handler: its lease is still listed, but the relay left the cluster.
    assertThat(Await.result(route(2_000).open(session(null), null, 0, 0)).relayNode()).isEqualTo("r3");
    assertThat(opens).hasSize(1);
  }

  @Test
  @DisplayName("with no live relay an open fails as unavailable, and the session service was asked")
  void noLiveRelay() {
    assertThatThrownBy(() -> Await.result(route(2_000).open(session(null), null, 0, 0)))
        .rootCause().satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAVAILABLE));
    live.add("r2");
    relayOpens(node("r2"), "r2");
    assertThat(Await.result(route(2_000).open(session(null), null, 0, 0)).relayNode())
        .as("a relay live since is found without waiting for the next periodic question").isEqualTo("r2");
  }

  @Test
  @DisplayName("a relay's lease counts as lost only in an answer to a question sent after the route was taken")
  void leaseLost() {
    RelayRoute route = route(2_000);
    live.add("r1");
    Await.result(relays.ask());
    Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r1", List.of(), false));
      return null;
    });
    assertThat(route.relayLeaseLost()).isFalse();
    live.clear();
    assertThat(route.relayLeaseLost()).as("nothing asked since").isFalse();
    now.addAndGet(500);
    Await.result(relays.ask());
    assertThat(route.relayLeaseLost()).as("asked after the route, r1 not listed").isTrue();

    live.add("r2");
    Await.result(relays.ask());
    Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r2", List.of(), false));
      return null;
    });
    live.clear();
    Await.result(relays.ask());
    assertThat(route.relayLeaseLost())
        .as("an answer to a question sent at the moment the route was taken may predate the relay's lease").isFalse();
  }
}
