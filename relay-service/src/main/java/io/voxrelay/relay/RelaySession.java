package io.voxrelay.relay;

import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.RelayControlDone;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.rate.IntervalGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The relay's side of one live session: the conversation state, the client's controls and typed turns, and
 * what the upstream's events mean for them. Its upstream link is kept by a {@link LinkSupervisor} (reconnect,
 * rollover) and its client is reached through a {@link ClientFeed}. Confined to the relay verticle's event
 * loop.
 */
final class RelaySession implements LinkSupervisor.Listener<UpstreamLink> {

  private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);

  private final Vertx vertx;
  private final String relayNode;
  private final RelayConfig config;
  private final Timers timers;
  private final ConversationState state;
  private final ActivityAccumulator activity;
  private final ClientFeed feed;
  private final TurnTaking turns;
  private final TurnRecorder recorder;
  private final LinkSupervisor<UpstreamLink> supervisor;
  /** When this relay last heard that the client is alive (its own clock): the cost guard's input. */
  private long lastHeartbeatAt;
  private boolean closed;
  private long detachTimer = -1;
  /** Microphone audio the upstream could not take (it lagged), in base64 characters; reported once a second. */
  private long droppedAudioChars;
  private final IntervalGate dropNotices = new IntervalGate(1_000);
  private Runnable onClosed = () -> { };

  private RelaySession(Vertx vertx, String relayNode, RelayConfig config, UpstreamConnector connector,
                       ActivityAccumulator activity, SessionSnapshot snapshot, ClientFeed feed) {
    this.vertx = vertx;
    this.relayNode = relayNode;
    this.config = config;
    this.timers = Timers.of(vertx);
    this.activity = activity;
    this.state = new ConversationState(snapshot);
    this.feed = feed;
    this.lastHeartbeatAt = timers.now();
    this.recorder = new TurnRecorder(state, feed, this::giveUpUnstored);
    this.turns = new TurnTaking(state, timers, snapshot.appliedClientSeq(), recorder::record);
    this.supervisor = new LinkSupervisor<>(snapshot.sessionId(),
        () -> connector.connect().map(socket -> new UpstreamLink(socket, sessionId(), this::onEvent, this::onAudio,
            this::onLost)),
        this,
        new LinkSupervisor.Policy(config.reconnectAttempts(), config.reconnectBaseDelayMs(),
            config.upstreamMaxSessionMs(), config.rolloverMarginMs()),
        timers);
  }

  /** Opens the first upstream link, configured and with any earlier conversation restored. */
  static Future<RelaySession> open(Vertx vertx, String relayNode, RelayConfig config, UpstreamConnector connector,
                                   ActivityAccumulator activity, SessionSnapshot snapshot, String gatewayNode,
                                   String connectionId, TransientRing transients) {
    ClientFeed feed = new ClientFeed(vertx, snapshot.sessionId(), config.busTimeoutMs(), transients);
    feed.attach(gatewayNode, connectionId, 0);
    RelaySession session = new RelaySession(vertx, relayNode, config, connector, activity, snapshot, feed);
    return session.supervisor.start().map(restored -> session);
  }

  String sessionId() {
    return state.sessionId();
  }

  /** The client connection this session's events go to, or null while none is attached. */
  String connectionId() {
    return feed.connectionId();
  }

  void onClosed(Runnable callback) {
    this.onClosed = callback;
  }

  // ---- client side -------------------------------------------------------------------------------------

  /**
   * Microphone audio: forwarded only while the session is live and not gated (paused, awaiting resume).
   * Only audio actually forwarded counts as activity (seed 002, finding 1): gated audio keeps nothing alive.
   */
  void audio(String fromConnection, String base64Pcm) {
    UpstreamLink link = supervisor.current();
    if (!closed && link != null && !state.gated() && fromConnection.equals(feed.connectionId())) {
      long now = timers.now();
      if (!link.sendAudio(base64Pcm)) {
        droppedAudioChars += base64Pcm.length();
        if (dropNotices.tryPass(now)) {
          // The upstream does not keep up: the user hears of it, at most once a second.
          feed.live(ServerEvents.audioDropped("upstream", Pcm16.millisOf(droppedAudioChars * 3 / 4)));
        }
        return;
      }
      turns.audioForwarded(now);
      activity.audio(sessionId(), now);
    }
  }

  /** The client showed a heartbeat (reported by its gateway). */
  void heartbeat(long receivedAt) {
    lastHeartbeatAt = Math.max(lastHeartbeatAt, receivedAt);
  }

  long lastHeartbeatAt() {
    return lastHeartbeatAt;
  }

  /**
   * Carries out a control upstream, given the session state after it.
   *
   * @return a failed future when the control cannot be carried out now (no upstream link)
   */
  Future<Void> apply(Control control, String text, long clientSeq, SessionSnapshot snapshot) {
    state.update(snapshot);
    if (turns.seen(clientSeq)) {
      return Future.succeededFuture();
    }
    if (control == Control.TEXT) {
      if (!turns.acceptText(text, clientSeq)) {
        return Future.failedFuture("too many typed turns are waiting for an answer");
      }
      turns.progress(supervisor.current());
      return Future.succeededFuture();
    }
    if (control == Control.END) {
      turns.accepted(clientSeq);
      ServerEvents.afterControl(control, snapshot).ifPresent(e -> toClient(e, CloseCode.NORMAL.code()));
      LOG.info("[Relay] interview {} ended by the client", sessionId());
      close(false);
      return Future.succeededFuture();
    }
    UpstreamLink link = supervisor.current();
    if (link == null) {
      return Future.failedFuture("the AI service is reconnecting");
    }
    UpstreamControls.apply(link, control, state, config.voice(), turns);
    turns.accepted(clientSeq);
    if (clientSeq > 0) {
      vertx.eventBus().send(Addresses.SESSION_CONTROL_APPLIED, new RelayControlDone(sessionId(), clientSeq));
    }
    ServerEvents.afterControl(control, snapshot).ifPresent(e -> toClient(e, 0));
    turns.progress(link);
    return Future.succeededFuture();
  }

  /** The client is told that this relay took the session over from one that is gone. */
  void announceFailover() {
    toClient(ServerEvents.upstreamRestored("relay_failover", state.history().size()), 0);
  }

  /**
   * The client is (again) on {@code node} as {@code connection}, with every event up to {@code afterSeq}; a
   * pending detach close is cancelled.
   *
   * @return the transient events it missed, from the ring
   */
  TransientRing.Replay attach(String node, String connection, SessionSnapshot snapshot, long afterSeq) {
    heartbeat(timers.now());
    state.update(snapshot);
    if (detachTimer >= 0) {
      timers.cancel(detachTimer);
      detachTimer = -1;
    }
    return feed.attach(node, connection, afterSeq);
  }

  /** The transient events after {@code afterSeq} still in the ring, for the client of a fresh open. */
  TransientRing.Replay transientsAfter(long afterSeq) {
    return feed.transientsAfter(afterSeq);
  }

  /** A durable event from another emitter reached the client: transient events are numbered after it. */
  void durableReleased(long seq) {
    feed.durableReleased(seq);
  }

  /**
   * The client connection {@code connection} left. Ignored if a newer connection has attached since. If no
   * client comes back within the detach grace, the upstream is closed.
   */
  void detach(String connection) {
    if (feed.detach(connection) && detachTimer < 0) {
      detachTimer = timers.schedule(config.detachGraceMs(), () -> {
        detachTimer = -1;
        LOG.info("[Relay] closing upstream of {}: client did not return within {} ms", sessionId(),
            config.detachGraceMs());
        close(true);
      });
    }
  }

  /**
   * Closes the upstream for good. With {@code awaitResume} the session lives on: the session service is
   * told, and a new upstream opens only when the client resumes. Without it the interview has ended.
   */
  void close(boolean awaitResume) {
    if (closed) {
      return;
    }
    closed = true;
    recorder.cutOff();
    if (awaitResume) {
      vertx.eventBus().send(Addresses.SESSION_UPSTREAM_CLOSED, new UpstreamClosed(sessionId(), relayNode));
    }
    if (detachTimer >= 0) {
      timers.cancel(detachTimer);
    }
    turns.close();
    supervisor.close();
    onClosed.run();
  }

  // ---- the upstream link (LinkSupervisor.Listener) -------------------------------------------------------

  @Override
  public int restore(UpstreamLink fresh) {
    fresh.send(RealtimeClientEvents.sessionUpdate(state, config.voice()));
    for (Turn turn : state.history()) {
      fresh.send(RealtimeClientEvents.conversationItemCreate(null, turn.role(), turn.text()));
    }
    return state.history().size();
  }

  @Override
  public void linkReady(UpstreamLink fresh, boolean replaced) {
    if (replaced) {
      recorder.cutOff();
    }
    // Whatever was owed an answer is in the restored history; nothing is being answered on the new link.
    turns.conversationRestored();
    turns.progress(fresh);
  }

  @Override
  public void linkLost() {
    recorder.cutOff();
  }

  @Override
  public void reconnecting(int attempt) {
    toClient(ServerEvents.upstreamReconnecting(attempt), 0);
  }

  @Override
  public void restored(String reason, int restoredTurns) {
    toClient(ServerEvents.upstreamRestored(reason, restoredTurns), 0);
  }

  @Override
  public void gaveUp() {
    toClient(ServerEvents.error("upstream_unavailable",
        "The AI service cannot be reached. Your progress is saved; try again later."),
        CloseCode.TRY_AGAIN_LATER.code());
    close(true);
  }

  private void onLost(UpstreamLink lost) {
    supervisor.lost(lost);
  }

  // ---- upstream events ---------------------------------------------------------------------------------

  private void onEvent(UpstreamLink from, UpstreamEvent event) {
    if (!supervisor.isCurrent(from)) {
      return;
    }
    if (event instanceof UpstreamEvent.UserTranscript said) {
      recorder.record(new Turn(said.itemId(), Turn.USER, said.text()), 0);
    } else if (event instanceof UpstreamEvent.AnswerDone done) {
      recorder.answerDone(done.itemId(), done.text());
    } else if (event instanceof UpstreamEvent.AnswerDelta delta) {
      recorder.answerDelta(delta.itemId(), delta.delta());
    } else if (event instanceof UpstreamEvent.ResponseDone) {
      recorder.cutOff();
    } else if (event instanceof UpstreamEvent.Failure failure) {
      LOG.warn("[Relay] upstream error for {}: {}", sessionId(), failure.code());
    }
    turns.observe(event);
    String toClient = event.toClient();
    if (toClient != null) {
      toClient(toClient, 0);
    }
    if (turns.mayMoveOn(event)) {
      turns.progress(from);
    }
    if (event instanceof UpstreamEvent.ResponseDone || event instanceof UpstreamEvent.SpeechEnded ended
        && !ended.cleared()) {
      supervisor.quietMoment();
    }
  }

  /** Audio is live: it goes straight to the client and is never stored or replayed. */
  private void onAudio(UpstreamLink from, String base64Pcm) {
    if (supervisor.isCurrent(from)) {
      feed.live(ServerEvents.audio(base64Pcm));
    }
  }

  private void toClient(String json, int closeCode) {
    if (!feed.send(json, closeCode)) {
      giveUpUnstored();
    }
  }

  /**
   * The session service has been unreachable so long that the most events an outbox holds wait to be
   * stored: the conversation cannot be kept, so it stops here (no billable upstream runs on unsaved). The
   * client is told at once (1013, retryable); what waits is still stored once the service is back.
   */
  private void giveUpUnstored() {
    if (closed) {
      return;
    }
    LOG.error("[Relay] closing upstream of {}: its events cannot be stored", sessionId());
    feed.liveThenClose(ServerEvents.error("unavailable",
        "The conversation cannot be saved right now; reconnect in a moment."), CloseCode.TRY_AGAIN_LATER.code());
    close(true);
  }
}
