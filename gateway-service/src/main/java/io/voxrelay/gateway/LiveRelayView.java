package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.LiveRelays;
import io.voxrelay.common.config.LeaseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * This gateway's view of the relay nodes that hold a valid lease, as the session service (the grantor) last
 * answered. New sessions open at a relay picked from it, and a session whose relay drops out of it is moved
 * ({@link #gone}): that relay's lease ran out, so it acts on nothing and another relay may claim its sessions.
 * Asked every {@link LeaseConfig#LIVE_RELAYS_EVERY_MS}, one question at a time; an unanswered question changes
 * nothing (a session-service outage moves no session). Confined to the gateway verticle's event loop.
 */
final class LiveRelayView {

  private static final Logger LOG = LoggerFactory.getLogger(LiveRelayView.class);

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final LongSupplier clock;
  private List<String> nodes = List.of();
  /** When (by {@link #clock}) the question behind {@link #nodes} was sent; -1 before any answer. */
  private long answerAskedAt = -1;
  private Future<Void> asking;
  private int turn;
  private Runnable onAnswer = () -> { };

  /** @param clock monotonic milliseconds */
  LiveRelayView(Vertx vertx, long busTimeoutMs, LongSupplier clock) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(busTimeoutMs);
    this.clock = clock;
  }

  /** Asks now and then every {@link LeaseConfig#LIVE_RELAYS_EVERY_MS}; {@code onAnswer} runs after each answer. */
  long start(Runnable onAnswer) {
    this.onAnswer = onAnswer;
    ask();
    return vertx.setPeriodic(LeaseConfig.LIVE_RELAYS_EVERY_MS, t -> ask());
  }

  /** Asks the session service which relays are live, unless a question is on its way (then that one is joined). */
  Future<Void> ask() {
    if (asking != null && !asking.isComplete()) {
      return asking;
    }
    long askedAt = clock.getAsLong();
    asking = BusRequests.<LiveRelays>request(vertx, Addresses.SESSION_LIVE_RELAYS, new FindLiveRelays(), options)
        .<Void>map(reply -> {
          nodes = reply.body().relayNodes();
          answerAskedAt = askedAt;
          return null;
        })
        .onFailure(e -> LOG.debug("[Gateway] could not learn the live relays: {}", e.toString()))
        .andThen(ar -> {
          asking = null;
          if (ar.succeeded()) {
            onAnswer.run();
          }
        });
    return asking;
  }

  /** Now, by the clock {@link #gone} compares. */
  long now() {
    return clock.getAsLong();
  }

  /**
   * Whether relay {@code node}, which a session was routed to at {@code routedAt} (by the same clock), has lost
   * its lease: an answer to a question sent after that does not list it. A relay takes its lease before it opens
   * anything, so an answer sent later lists it for as long as the lease holds.
   */
  boolean gone(String node, long routedAt) {
    return answerAskedAt > routedAt && !nodes.contains(node);
  }

  /**
   * A live relay to open a session at, other than those in {@code tried}, taken in turn. With none known yet (a
   * gateway just started, or every relay tried) the session service is asked first. Fails with
   * {@link BusFailure#UNAVAILABLE} when there is none.
   */
  Future<String> pick(Set<String> tried) {
    String picked = pickKnown(tried);
    if (picked != null) {
      return Future.succeededFuture(picked);
    }
    return ask().transform(ar -> {
      String fresh = pickKnown(tried);
      return fresh != null ? Future.succeededFuture(fresh)
          : Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.UNAVAILABLE,
              "no relay is live"));
    });
  }

  private String pickKnown(Set<String> tried) {
    List<String> known = nodes;
    for (int i = 0; i < known.size(); i++) {
      String node = known.get(Math.floorMod(turn++, known.size()));
      if (!tried.contains(node)) {
        return node;
      }
    }
    return null;
  }
}
