package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamHeldElsewhere;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bookkeeping of opens on a real event bus, with the session service's and the gateway's ends played by
 * consumers and requests, and sessions that record what was done to them.
 */
@DisplayName("RelayOpens: claim, open, confirm or abandon")
class RelayOpensTest {

  private static final String RELAY = "voxrelay.test.relay";

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();
  private final Map<String, FakeSession> sessions = new ConcurrentHashMap<>();
  /** Every claim and give-back the session service got: "claim s1", "give back s1 @7". */
  private final List<String> store = new CopyOnWriteArrayList<>();
  private final AtomicBoolean mayAct = new AtomicBoolean(true);
  private final AtomicBoolean stopping = new AtomicBoolean(false);
  private final AtomicReference<String> holder = new AtomicReference<>(null);
  /** The upstream opens under way: the test completes them. */
  private final Map<String, Promise<FakeSession>> upstreams = new ConcurrentHashMap<>();
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final RelayOpens<FakeSession> opens;

  RelayOpensTest() {
    BusCodecs.register(vertx);
    opens = new RelayOpens<>(vertx, "relay-1", 1_000, 2, mayAct::get, stopping::get, sessions,
        (request, epoch) -> {
          Promise<FakeSession> upstream = Promise.promise();
          upstreams.put(request.sessionId(), upstream);
          return upstream.future().map(s -> s.claimed(epoch));
        },
        new RelayOpens.Listener<>() {
          @Override
          public void opened(FakeSession session) {
            heard.add("opened " + session.sessionId());
          }

          @Override
          public void closed(FakeSession session) {
            heard.add("closed " + session.sessionId());
          }
        });
    // Everything runs on one event loop, as in a relay: the consumers are registered from it.
    loop.runOnContext(v -> register());
    Await.until("registered", Duration.ofSeconds(5), () -> registered);
  }

  private volatile boolean registered;

  private void register() {
    vertx.eventBus().<BindRelay>consumer(Addresses.SESSION_BIND_RELAY, m -> {
      BindRelay bind = m.body();
      if (bind.relayNode() == null) {
        store.add("give back " + bind.sessionId() + " @" + bind.epoch());
        m.reply(RelayClaim.granted(null, bind.epoch()));
      } else if (holder.get() == null) {
        store.add("claim " + bind.sessionId());
        m.reply(RelayClaim.granted(bind.relayNode(), 7));
      } else {
        store.add("refused " + bind.sessionId());
        m.reply(RelayClaim.refused(holder.get(), 6));
      }
    });
    vertx.eventBus().<OpenUpstream>consumer(RELAY, m -> opens.open(m, m.body()));
    vertx.eventBus().<OpenAbandoned>consumer(Addresses.RELAY_OPEN_ABANDONED, m -> opens.abandoned(m.body()));
    registered = true;
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static OpenUpstream open(String sessionId, String connectionId) {
    SessionSnapshot snapshot = new SessionSnapshot(sessionId, "i", List.of("Q?"), 0, false, false, false, false, null,
        "gw-1", 0, 0, List.of(), 0);
    return new OpenUpstream(sessionId, "gw-1", connectionId, snapshot, null, 0, 0, false);
  }

  /** A gateway's open; {@code confirm}: whether it confirms that its client took the upstream. */
  private Future<Object> gateway(OpenUpstream request, boolean confirm) {
    return vertx.eventBus().request(RELAY, request, new DeliveryOptions().setSendTimeout(2_000)).map(reply -> {
      if (reply.replyAddress() != null) {
        if (confirm) {
          reply.reply(null);
        } else {
          reply.fail(BusFailure.GONE, "the client left");
        }
      }
      return reply.body();
    });
  }

  private void upstreamOpens(String sessionId) {
    Await.until("the upstream of " + sessionId + " is being opened", Duration.ofSeconds(5),
        () -> upstreams.containsKey(sessionId));
    loop.runOnContext(v -> upstreams.get(sessionId).complete(new FakeSession(sessionId)));
  }

  private static int failureCode(Future<?> future) {
    Await.until("answered", Duration.ofSeconds(5), future::isComplete);
    return ((ReplyException) future.cause()).failureCode();
  }

  @Test
  @DisplayName("claimed, opened and confirmed: the session is held, and a second open re-attaches it")
  void opensThenReattaches() {
    Future<Object> first = gateway(open("s1", "c1"), true);
    upstreamOpens("s1");
    assertThat(((UpstreamOpened) Await.result(first)).relayNode()).isEqualTo("relay-1");
    assertThat(store).containsExactly("claim s1");
    assertThat(heard).containsExactly("opened s1");
    assertThat(sessions.get("s1").epoch()).isEqualTo(7);

    assertThat(Await.result(gateway(open("s1", "c2"), true))).isInstanceOf(UpstreamOpened.class);
    assertThat(sessions.get("s1").done).containsExactly("attach c2");
    assertThat(store).as("a re-attach claims nothing").hasSize(1);
  }

  @Test
  @DisplayName("a claim refused answers who holds the session, and opens nothing")
  void claimRefused() {
    holder.set("relay-2");
    Object answer = Await.result(gateway(open("s1", "c1"), true));
    assertThat(answer).isEqualTo(new UpstreamHeldElsewhere("s1", "relay-2"));
    assertThat(upstreams).isEmpty();
  }

  @Test
  @DisplayName("two opens of one session: the second waits for the first, then re-attaches")
  void secondOpenWaits() {
    Future<Object> first = gateway(open("s1", "c1"), true);
    Future<Object> second = gateway(open("s1", "c2"), true);
    upstreamOpens("s1");
    Await.result(first);
    Await.result(second);
    assertThat(store).containsExactly("claim s1");
    assertThat(sessions.get("s1").done).containsExactly("attach c2");
  }

  @Test
  @DisplayName("a gateway that does not take the upstream: it closes at once, and the claim is given back")
  void notConfirmed() {
    Future<Object> answer = gateway(open("s1", "c1"), false);
    upstreamOpens("s1");
    Await.result(answer);
    FakeSession session = Await.value("the session opened", Duration.ofSeconds(5), () -> upstreams.get("s1")
        .future().result());
    Await.until("discarded and given back", Duration.ofSeconds(5), () -> store.contains("give back s1 @7"));
    assertThat(session.done).containsExactly("discard");
    assertThat(heard).containsExactly("opened s1", "closed s1");
    assertThat(sessions).isEmpty();
  }

  @Test
  @DisplayName("an open abandoned while under way: a client never connected gets nothing, the claim goes back")
  void abandonedWhileOpening() {
    Future<Object> answer = gateway(open("s1", "c1"), true);
    Await.until("opening", Duration.ofSeconds(5), () -> upstreams.containsKey("s1"));
    vertx.eventBus().publish(Addresses.RELAY_OPEN_ABANDONED, new OpenAbandoned("s1", "c1", false));
    Await.sleep(100);
    upstreamOpens("s1");
    assertThat(failureCode(answer)).isEqualTo(BusFailure.UNAVAILABLE);
    Await.until("given back", Duration.ofSeconds(5), () -> store.contains("give back s1 @7"));
    assertThat(sessions).isEmpty();
  }

  @Test
  @DisplayName("an open abandoned for a connected client (a resume): the detach grace runs instead")
  void abandonedConnectedClient() {
    Future<Object> answer = gateway(open("s1", "c1"), true);
    Await.until("opening", Duration.ofSeconds(5), () -> upstreams.containsKey("s1"));
    vertx.eventBus().publish(Addresses.RELAY_OPEN_ABANDONED, new OpenAbandoned("s1", "c1", true));
    Await.sleep(100);
    upstreamOpens("s1");
    failureCode(answer);
    assertThat(sessions.get("s1").done).containsExactly("detach c1");
    assertThat(store).containsExactly("claim s1");
  }

  @Test
  @DisplayName("no lease, stopping or full: refused at once, with no claim")
  void refusals() {
    mayAct.set(false);
    assertThat(failureCode(gateway(open("s1", "c1"), true))).isEqualTo(BusFailure.UNAVAILABLE);
    mayAct.set(true);
    stopping.set(true);
    assertThat(failureCode(gateway(open("s1", "c1"), true))).isEqualTo(BusFailure.MOVING);
    stopping.set(false);
    sessions.put("a", new FakeSession("a"));
    sessions.put("b", new FakeSession("b"));
    assertThat(failureCode(gateway(open("s1", "c1"), true))).as("at its maximum of 2")
        .isEqualTo(BusFailure.UNAVAILABLE);
    assertThat(store).isEmpty();
  }

  @Test
  @DisplayName("an upstream that fails to open gives its claim back")
  void upstreamFails() {
    Future<Object> answer = gateway(open("s1", "c1"), true);
    Await.until("opening", Duration.ofSeconds(5), () -> upstreams.containsKey("s1"));
    loop.runOnContext(v -> upstreams.get("s1").fail("connect refused"));
    assertThat(failureCode(answer)).isEqualTo(BusFailure.UNAVAILABLE);
    Await.until("given back", Duration.ofSeconds(5), () -> store.contains("give back s1 @7"));
  }

  /** A session that records what the opens did to it. */
  private static final class FakeSession implements RelayOpens.Held {
    private final String sessionId;
    private final List<String> done = new CopyOnWriteArrayList<>();
    private long epoch;
    private Runnable onClosed = () -> { };

    FakeSession(String sessionId) {
      this.sessionId = sessionId;
    }

    FakeSession claimed(long epoch) {
      this.epoch = epoch;
      return this;
    }

    @Override
    public String sessionId() {
      return sessionId;
    }

    @Override
    public long epoch() {
      return epoch;
    }

    @Override
    public TransientRing.Replay attach(String gatewayNode, String connectionId, SessionSnapshot snapshot,
                                       long afterSeq) {
      done.add("attach " + connectionId);
      return new TransientRing.Replay(List.of(), false);
    }

    @Override
    public TransientRing.Replay transientsAfter(long afterSeq) {
      return new TransientRing.Replay(List.of(), false);
    }

    @Override
    public void durableReleased(long seq) {
    }

    @Override
    public void detach(String connectionId) {
      done.add("detach " + connectionId);
    }

    @Override
    public void discard() {
      done.add("discard");
      onClosed.run();
    }

    @Override
    public void announceTakeover(String reason) {
      done.add("announce " + reason);
    }

    @Override
    public Future<Void> closeNoticed() {
      return Future.succeededFuture();
    }

    @Override
    public void onClosed(Runnable callback) {
      this.onClosed = callback;
    }
  }
}
