package io.voxrelay.relay;

import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;

/**
 * Where one relay session is in its life, and the one table of how it ends: for each {@link Exit}, what the
 * session service is told, what the client is told, and with which close code. A session ends once; every later
 * exit is ignored. Confined to the relay verticle's event loop.
 */
final class SessionLife {

  /** A relay session's states. */
  enum State {
    /** Its first upstream link is being opened. */
    OPENING,
    /** Open, with a client attached. */
    LIVE,
    /** Open, its client gone: the detach grace runs. */
    DETACHED,
    /** The relay is stopping and hands it over: nothing new is carried out. */
    LEAVING,
    /** Its upstream closed here for good. */
    CLOSED
  }

  /** What the session service hears when a session ends here. */
  enum StoreNotice {
    /** Nothing: the session service ended it, or another relay holds it now. */
    NONE,
    /** {@code UpstreamClosed}: the session awaits resume. */
    UPSTREAM_CLOSED,
    /** {@code UpstreamClosed} with {@code failed}: the upstream could not be reopened. */
    UPSTREAM_FAILED
  }

  /** How the client hears of it: nothing, an error that is stored and replayed, or one sent live only. */
  enum ClientNotice { NONE, STORED_ERROR, LIVE_ERROR, DETACHED }

  /** Every way a relay session ends. */
  enum Exit {
    /** The client did not come back within the detach grace. */
    DETACH_GRACE(StoreNotice.UPSTREAM_CLOSED, ClientNotice.NONE, null, null, 0),
    /** The session service terminated the session (a limit, the API): it told the client itself. */
    TERMINATED(StoreNotice.NONE, ClientNotice.NONE, null, null, 0),
    /** The client ended the interview: {@code interview.ended} and close 1000 went out with the control. */
    ENDED(StoreNotice.NONE, ClientNotice.NONE, null, null, 0),
    /** The gateway never took the upstream (it gave up, or its client left first): the claim is given back. */
    DISCARDED(StoreNotice.NONE, ClientNotice.NONE, null, null, 0),
    /** The upstream dropped and could not be reopened. */
    GAVE_UP_REOPENING(StoreNotice.UPSTREAM_FAILED, ClientNotice.STORED_ERROR, "upstream_unavailable",
        "The AI service cannot be reached. Your progress is saved; try again later.", CloseCode.TRY_AGAIN_LATER),
    /** Another relay claimed the session since: nothing more goes anywhere from here. */
    FENCED(StoreNotice.NONE, ClientNotice.DETACHED, null, null, 0),
    /** The relay's guard found the session idle past its limit (the watchdog should have ended it). */
    GUARD_IDLE(TerminationReason.IDLE_TIMEOUT),
    /** The relay's guard found the session past its maximum age. */
    GUARD_MAX_AGE(TerminationReason.MAX_AGE_EXCEEDED),
    /** By the relay's own count the session is past its budget, and the session service did not end it. */
    GUARD_BUDGET(TerminationReason.BUDGET_EXCEEDED),
    /** The relay's guard heard no client heartbeat for too long: no client is there to tell. */
    GUARD_HEARTBEAT(StoreNotice.UPSTREAM_CLOSED, ClientNotice.NONE, null, null, 0),
    /** The relay stopped and another relay took the session over (a clean hand-off). */
    HANDED_OVER(StoreNotice.NONE, ClientNotice.DETACHED, null, null, 0),
    /** The relay stopped and the session could not move: the client reconnects and resumes elsewhere. */
    LEFT_UNMOVED(StoreNotice.UPSTREAM_CLOSED, ClientNotice.LIVE_ERROR, "upstream_unavailable",
        "The AI service is restarting. Your progress is saved; reconnect to resume.", CloseCode.SERVICE_RESTART),
    /** The session service has been away so long that the outbox is full: the conversation cannot be kept. */
    UNSTORED(StoreNotice.UPSTREAM_CLOSED, ClientNotice.LIVE_ERROR, "unavailable",
        "The conversation cannot be saved right now; reconnect in a moment.", CloseCode.TRY_AGAIN_LATER);

    final StoreNotice store;
    final ClientNotice client;
    /** The error's code and message for the client, or null. */
    final String errorCode;
    final String errorMessage;
    /** The close code the client's socket gets, or 0 for none. */
    final int closeCode;

    /** Whether the session ended against the plan (logged as a warning): the upstream failed, or the service did. */
    boolean unplanned() {
      return this == GAVE_UP_REOPENING || this == FENCED || this == LEFT_UNMOVED || this == UNSTORED;
    }

    Exit(StoreNotice store, ClientNotice client, String errorCode, String errorMessage, CloseCode close) {
      this(store, client, errorCode, errorMessage, close.code());
    }

    Exit(StoreNotice store, ClientNotice client, String errorCode, String errorMessage, int closeCode) {
      this.store = store;
      this.client = client;
      this.errorCode = errorCode;
      this.errorMessage = errorMessage;
      this.closeCode = closeCode;
    }

    /** A guard's limit: the session awaits resume, and a client still there hears why, live, with 1013. */
    Exit(TerminationReason reason) {
      this(StoreNotice.UPSTREAM_CLOSED, ClientNotice.LIVE_ERROR, reason.code(), reason.message(),
          CloseCode.TRY_AGAIN_LATER);
    }

    /** The guard's exit for {@code reason}. */
    static Exit guard(TerminationReason reason) {
      return switch (reason) {
        case IDLE_TIMEOUT -> GUARD_IDLE;
        case MAX_AGE_EXCEEDED -> GUARD_MAX_AGE;
        case BUDGET_EXCEEDED -> GUARD_BUDGET;
        case HEARTBEAT_TIMEOUT -> GUARD_HEARTBEAT;
        default -> throw new IllegalArgumentException("no guard exit for " + reason);
      };
    }
  }

  /** What carrying an exit out does, outside this class. */
  interface Ends {
    /** Tells the session service ({@code failed}: the upstream could not be reopened). */
    void upstreamClosed(boolean failed);

    /** Sends the client an event that is stored and replayed, then closes its socket with {@code closeCode}. */
    void storedThenClose(String event, int closeCode);

    /** Sends the client an event live only, then closes its socket with {@code closeCode}. */
    void liveThenClose(String event, int closeCode);

    /** Sends nothing more to any client of the session. */
    void detachClients();

    /** Closes the upstream and lets go of everything the session holds. */
    void shutDown();
  }

  private final Ends ends;
  private final Timers timers;
  private final long detachGraceMs;
  private State state = State.OPENING;
  private Exit exit;
  private long graceTimer = -1;

  /** @param detachGraceMs how long a session without a client keeps its upstream ({@code VOXRELAY_DETACH_GRACE_MS}) */
  SessionLife(Ends ends, Timers timers, long detachGraceMs) {
    this.ends = ends;
    this.timers = timers;
    this.detachGraceMs = detachGraceMs;
  }

  State state() {
    return state;
  }

  /** How the session ended, or null while it has not. */
  Exit exit() {
    return exit;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  boolean isLeaving() {
    return state == State.LEAVING;
  }

  /** Whether the session carries out what its client sends: open, and not being handed over. */
  boolean acting() {
    return state == State.LIVE || state == State.DETACHED;
  }

  /** Its first upstream link opened. */
  void opened() {
    if (state == State.OPENING) {
      state = State.LIVE;
    }
  }

  /** Its client left: the detach grace runs, and the session ends by {@link Exit#DETACH_GRACE} unless one attaches. */
  void detached() {
    if (state == State.LIVE) {
      state = State.DETACHED;
      graceTimer = timers.schedule(detachGraceMs, () -> {
        graceTimer = -1;
        end(Exit.DETACH_GRACE);
      });
    }
  }

  /** A client is attached again: the detach grace stops. */
  void attached() {
    if (state == State.DETACHED) {
      state = State.LIVE;
      cancelGrace();
    }
  }

  private void cancelGrace() {
    if (graceTimer >= 0) {
      timers.cancel(graceTimer);
      graceTimer = -1;
    }
  }

  /** The relay is stopping and hands the session over: a detach grace under way stops (the hand-off decides). */
  void leaving() {
    if (state != State.CLOSED) {
      state = State.LEAVING;
      cancelGrace();
    }
  }

  /**
   * Ends the session by {@code how}, as the table says: the store and the client told, then everything let go.
   *
   * @return false when it had ended already (nothing is done again)
   */
  boolean end(Exit how) {
    if (state == State.CLOSED) {
      return false;
    }
    state = State.CLOSED;
    exit = how;
    cancelGrace();
    switch (how.client) {
      case STORED_ERROR -> ends.storedThenClose(ServerEvents.error(how.errorCode, how.errorMessage), how.closeCode);
      case LIVE_ERROR -> ends.liveThenClose(ServerEvents.error(how.errorCode, how.errorMessage), how.closeCode);
      case DETACHED -> ends.detachClients();
      case NONE -> { }
    }
    if (how.store != StoreNotice.NONE) {
      ends.upstreamClosed(how.store == StoreNotice.UPSTREAM_FAILED);
    }
    ends.shutDown();
    return true;
  }
}
