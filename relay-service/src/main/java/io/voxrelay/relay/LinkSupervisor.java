package io.voxrelay.relay;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Keeps one session's upstream link: connects it, replaces a lost one with backoff (at most
 * {@code reconnectAttempts} tries in a row), and rolls over to a fresh upstream session before the upstream's
 * time limit, at a quiet moment if one comes within the margin, else anyway. When the upstream is out (a connect
 * refused, timed out, or answered 429 or 5xx, or every attempt failed) the session moves to the fallback upstream
 * for good, at once ({@link Upstreams#failOver}); with none, it gives up. Each new link is configured and given
 * the conversation by the session ({@link Listener#restore}) before it becomes current. Confined to one event
 * loop; time comes from {@link Timers}.
 *
 * @param <L> the link type
 */
final class LinkSupervisor<L extends LinkSupervisor.Link> {

  private static final Logger LOG = LoggerFactory.getLogger(LinkSupervisor.class);
  static final long MAX_RECONNECT_DELAY_MS = 5_000;
  /** Wait before a failed rollover is tried again (the old link still serves meanwhile). */
  static final long ROLLOVER_RETRY_MS = 1_000;

  /** What the supervisor needs of a link. */
  interface Link {
    /** Neither answering nor hearing speech: switching now loses nothing. */
    boolean quiet();

    void close();
  }

  /** The session the links serve. */
  interface Listener<L> {
    /** Configures a new link and restores the conversation into it; returns how many turns it restored. */
    int restore(L fresh);

    /** {@code fresh} is the current link now; {@code replaced} says whether it took another's place. */
    void linkReady(L fresh, boolean replaced);

    /** The current link was lost; a new one is being connected. */
    void linkLost();

    /** Reconnect attempt {@code attempt} is about to be made. */
    void reconnecting(int attempt);

    /** A new link serves after a drop ({@code "dropped"}) or a rollover ({@code "rollover"}). */
    void restored(String reason, int turns);

    /** No link could be connected in {@code reconnectAttempts} tries: the session must end here. */
    void gaveUp();
  }

  /** The limits a supervisor works within. */
  record Policy(int reconnectAttempts, long reconnectBaseDelayMs, long rolloverMarginMs) {
  }

  /** Where links open: the session's upstream now, and whether it may leave a failing one for another. */
  interface Upstreams {
    /** The current upstream's own cap on one session: the rollover comes before it. */
    long maxSessionMs();

    /**
     * A connect to the current upstream failed with {@code why}; {@code attemptsSpent} when it was the last of the
     * reconnect attempts. Returns whether the session moved to another upstream for good, so that the next connect
     * goes there.
     */
    boolean failOver(Throwable why, boolean attemptsSpent);
  }

  private final String sessionId;
  private final Supplier<Future<L>> connector;
  private final Listener<L> listener;
  private final Policy policy;
  private final Upstreams upstreams;
  private final Timers timers;
  private L link;
  private boolean closed;
  private boolean switching;
  private boolean rolloverDue;
  private int reconnectAttempt;
  private long rolloverTimer = -1;
  private long forcedRolloverTimer = -1;
  private long reconnectTimer = -1;
  /** Why the latest connect failed, for the decision once the attempts are spent. */
  private Throwable lastFailure;

  /** @param connector connects a link to the upstream {@code upstreams} names now */
  LinkSupervisor(String sessionId, Supplier<Future<L>> connector, Listener<L> listener, Policy policy,
                 Upstreams upstreams, Timers timers) {
    this.sessionId = sessionId;
    this.connector = connector;
    this.listener = listener;
    this.policy = policy;
    this.upstreams = upstreams;
    this.timers = timers;
  }

  /**
   * Connects the first link, at the fallback if the upstream is out; completes with the number of turns restored
   * into it.
   */
  Future<Integer> start() {
    return connect().recover(e -> !closed && upstreams.failOver(e, false) ? connect() : Future.failedFuture(e));
  }

  /** The link serving now, or null between a loss and the next link. */
  L current() {
    return link;
  }

  /** {@code candidate} is the link serving now: events from any other are stale. */
  boolean isCurrent(L candidate) {
    return candidate != null && candidate == link;
  }

  /** A link closed or stopped reading. Only the current link's loss counts. */
  void lost(L lost) {
    if (lost != link || closed) {
      return;
    }
    link = null;
    listener.linkLost();
    cancelRollover();
    reconnect();
  }

  /** A quiet moment may have come (an answer finished, speech ended): a due rollover happens now if it is. */
  void quietMoment() {
    if (rolloverDue) {
      timers.schedule(0, this::tryRollover);
    }
  }

  /** Closes the current link for good; nothing reconnects or rolls over after this. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancelRollover();
    if (reconnectTimer >= 0) {
      timers.cancel(reconnectTimer);
      reconnectTimer = -1;
    }
    if (link != null) {
      link.close();
      link = null;
    }
  }

  private Future<Integer> connect() {
    return connector.get().map(fresh -> {
      if (closed) {
        fresh.close();
        throw new IllegalStateException("session closed while connecting");
      }
      int restored = listener.restore(fresh);
      L old = link;
      link = fresh;
      if (old != null) {
        old.close();
      }
      scheduleRollover();
      listener.linkReady(fresh, old != null);
      return restored;
    });
  }

  private void reconnect() {
    reconnectAttempt++;
    if (reconnectAttempt > policy.reconnectAttempts()) {
      if (lastFailure != null && upstreams.failOver(lastFailure, true)) {
        failOver();
        return;
      }
      LOG.error("[Relay] upstream of {} could not be reopened after {} attempts", sessionId,
          policy.reconnectAttempts());
      listener.gaveUp();
      return;
    }
    listener.reconnecting(reconnectAttempt);
    long delay = Math.min(MAX_RECONNECT_DELAY_MS,
        policy.reconnectBaseDelayMs() << Math.min(20, reconnectAttempt - 1));
    reconnectTimer = timers.schedule(delay, () -> {
      reconnectTimer = -1;
      if (closed) {
        return;
      }
      connect()
          .onSuccess(restored -> {
            LOG.info("[Relay] upstream of {} reopened, {} turns restored", sessionId, restored);
            reconnectAttempt = 0;
            listener.restored("dropped", restored);
          })
          .onFailure(e -> {
            LOG.warn("[Relay] reopening upstream of {} failed: {}", sessionId, e.toString());
            if (closed) {
              return;
            }
            lastFailure = e;
            if (upstreams.failOver(e, false)) {
              failOver();
            } else {
              reconnect();
            }
          });
    });
  }

  /** Connects at the upstream the session just moved to, at once; its own failures count attempts afresh. */
  private void failOver() {
    reconnectAttempt = 0;
    connect()
        .onSuccess(restored -> {
          LOG.info("[Relay] upstream of {} failed over, {} turns restored", sessionId, restored);
          listener.restored("provider_failover", restored);
        })
        .onFailure(e -> {
          LOG.warn("[Relay] opening the fallback upstream of {} failed: {}", sessionId, e.toString());
          if (!closed) {
            lastFailure = e;
            reconnect();
          }
        });
  }

  private void scheduleRollover() {
    cancelRollover();
    rolloverDue = false;
    long due = upstreams.maxSessionMs() - policy.rolloverMarginMs();
    long forced = upstreams.maxSessionMs() - policy.rolloverMarginMs() / 4;
    rolloverTimer = timers.schedule(due, () -> {
      rolloverTimer = -1;
      rolloverDue = true;
      tryRollover();
    });
    forcedRolloverTimer = timers.schedule(forced, () -> {
      forcedRolloverTimer = -1;
      rolloverDue = true;
      rollover();
    });
  }

  private void cancelRollover() {
    if (rolloverTimer >= 0) {
      timers.cancel(rolloverTimer);
      rolloverTimer = -1;
    }
    if (forcedRolloverTimer >= 0) {
      timers.cancel(forcedRolloverTimer);
      forcedRolloverTimer = -1;
    }
  }

  private void tryRollover() {
    if (rolloverDue && link != null && link.quiet()) {
      rollover();
    }
  }

  /** Moves to a fresh upstream session before the current one hits its time limit. */
  private void rollover() {
    if (closed || switching || link == null) {
      return;
    }
    switching = true;
    connect()
        .onSuccess(restored -> {
          switching = false;
          LOG.info("[Relay] upstream of {} rolled over, {} turns restored", sessionId, restored);
          listener.restored("rollover", restored);
        })
        .onFailure(e -> {
          switching = false;
          LOG.warn("[Relay] rollover of {} failed, retrying: {}", sessionId, e.toString());
          if (!closed) {
            timers.schedule(ROLLOVER_RETRY_MS, this::rollover);
          }
        });
  }
}
