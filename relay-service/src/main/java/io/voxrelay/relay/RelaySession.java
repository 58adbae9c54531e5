package io.voxrelay.relay;

import io.voxrelay.common.Polls;
import io.voxrelay.common.audio.Pcm16;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.ControlsWithdrawn;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.RelayControlDone;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.bus.WithdrawControls;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;
import io.voxrelay.common.protocol.ToolTurns;
import io.voxrelay.common.rate.IntervalGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.BooleanSupplier;


/**
 * The relay's side of one live session: the conversation state, the client's controls and typed turns, and
 * what the upstream's events mean for them. Its upstream link is kept by a {@link LinkSupervisor} (reconnect,
 * rollover) and its client is reached through a {@link ClientFeed}. Confined to the relay verticle's event
 * loop.
 */
final class RelaySession implements LinkSupervisor.Listener<UpstreamLink> {

  private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);

  private final Vertx vertx;
  private final RelayMetrics metrics;
  private final String relayNode;
  /** This relay's claim of the session: stamped on everything it stores, refused once another relay claims it. */
  private final long epoch;
  private final RelayConfig config;
  private final Timers timers;
  private final ConversationState state;
  private final ActivityAccumulator activity;
  private final ClientFeed feed;
  private final TurnTaking turns;
  private final TurnRecorder recorder;
  private final LinkSupervisor<UpstreamLink> supervisor;
  private final ToolCalls toolCalls;
  private final SessionBilling billing;
  /** When this relay last heard that the client is alive (its own clock): the cost guard's input. */
  private long lastHeartbeatAt;
  /** When this relay last forwarded audio or carried out a control (its own clock): the guard's idle input. */
  private long lastActivityAt;
  private boolean closed;
  /** The relay is stopping and hands this session over: nothing new is carried out here. */
  private boolean leaving;
  private long detachTimer = -1;
  /** Microphone audio the upstream could not take (it lagged), in base64 characters; reported once a second. */
  private long droppedAudioChars;
  private final IntervalGate dropNotices = new IntervalGate(1_000);
  private Runnable onClosed = () -> { };
  private final UpstreamRateLimits rateLimits;
  private Future<Void> closeNotice = Future.succeededFuture();
  private final AnswerCuts cuts;

  private RelaySession(Vertx vertx, String relayNode, long epoch, RelayConfig config, UpstreamConnector connector,
                       ToolEndpoint tools, BooleanSupplier mayAct, ActivityAccumulator activity,
                       SessionSnapshot snapshot, ClientFeed feed) {
    this.metrics = connector.metrics();
    this.vertx = vertx;
    this.relayNode = relayNode;
    this.epoch = epoch;
    this.config = config;
    this.timers = Timers.of(vertx);
    this.activity = activity;
    this.state = new ConversationState(snapshot);
    this.feed = feed;
    this.lastHeartbeatAt = timers.now();
    this.lastActivityAt = timers.now();
    feed.onFenced(this::fenced);
    this.recorder = new TurnRecorder(state, feed, this::giveUpUnstored);
    this.turns = new TurnTaking(state, timers, snapshot.appliedClientSeq(), recorder::record);
    this.toolCalls = new ToolCalls(snapshot.sessionId(), tools, new ToolHost());
    this.billing = new SessionBilling(new UsageMeter(snapshot.sessionId(), config.model()),
        new BudgetWatch(snapshot.budget(), snapshot.spend()), metrics);
    this.rateLimits = new UpstreamRateLimits(snapshot.sessionId(), metrics);
    this.cuts = new AnswerCuts(state, recorder::recordWith);
    turns.holdTextsWhile(toolCalls::running);
    turns.holdAnswersFor(() -> rateLimits.waitMs(timers.now()));
    turns.bound(this::withdraw, metrics::typedTurnsWaiting);
    this.supervisor = new LinkSupervisor<>(snapshot.sessionId(),
        () -> connector.connect().map(socket -> {
          UpstreamLink link = new UpstreamLink(socket, sessionId(), mayAct, this::onEvent, this::onAudio, this::onLost,
              metrics.upstreamOpen);
          billing.linkOpened(link);
          return link;
        }),
        this,
        new LinkSupervisor.Policy(config.reconnectAttempts(), config.reconnectBaseDelayMs(),
            config.upstreamMaxSessionMs(), config.rolloverMarginMs()),
        timers);
  }

  /**
   * Opens the first upstream link, configured and with any earlier conversation restored, under claim
   * {@code epoch}. While {@code mayAct} is false (the relay's lease does not hold: it may have lost its sessions) the
   * session sends nothing upstream and holds what its upstream sends.
   */
  static Future<RelaySession> open(Vertx vertx, String relayNode, long epoch, RelayConfig config,
                                   UpstreamConnector connector, ToolEndpoint tools, BooleanSupplier mayAct,
                                   ActivityAccumulator activity, SessionSnapshot snapshot, String gatewayNode,
                                   String connectionId, TransientRing transients) {
    ClientFeed feed = new ClientFeed(vertx, snapshot.sessionId(), relayNode, config.busTimeoutMs(), () -> epoch,
        transients);
    feed.attach(gatewayNode, connectionId, 0);
    RelaySession session = new RelaySession(vertx, relayNode, epoch, config, connector, tools, mayAct, activity,
        snapshot, feed);
    return session.supervisor.start().map(restored -> {
      // A call the previous relay made and left without an output is carried out here.
      session.toolCalls.resume(ToolTurns.unanswered(session.state.history()));
      return session;
    });
  }

  /** What this session's upstreams cost here, until the session service has it. */
  UsageMeter usage() {
    return billing.meter();
  }

  /** This relay's claim epoch of the session. */
  long epoch() {
    return epoch;
  }

  String sessionId() {
    return state.sessionId();
  }

  /** The client connection this session's events go to, or null while none is attached. */
  String connectionId() {
    return feed.connectionId();
  }

  /**
   * {@code usage}: a response of a session with limits was billed (its usage should reach the session
   * service, which enforces the limits, soon); {@code reached}: by this relay's own count the session reached
   * a limit (once).
   */
  void onBudget(Runnable usage, Runnable reached) {
    billing.onBudget(usage, reached);
  }

  /**
   * Completes once the session service has taken (or, past its retries, not taken) this upstream's close
   * notice; at once if none was sent. Until then the relay must not claim the session again: the notice names
   * the same claim, and would mark a new upstream's session as awaiting resume.
   */
  Future<Void> closeNoticed() {
    return closeNotice;
  }

  /** Whether this session's upstream has closed here. */
  boolean isClosed() {
    return closed;
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
    if (!closed && !leaving && link != null && !state.gated() && fromConnection.equals(feed.connectionId())) {
      long now = timers.now();
      if (!link.sendAudio(base64Pcm)) {
        droppedAudioChars += base64Pcm.length();
        if (dropNotices.tryPass(now)) {
          // The upstream does not keep up: the user hears of it, at most once a second.
          feed.live(ServerEvents.audioDropped("upstream", Pcm16.millisOf(droppedAudioChars * 3 / 4)));
        }
        return;
      }
      activity.audio(sessionId(), now);
      lastActivityAt = now;
    }
  }

  /**
   * The client cut the AI's answer {@code itemId} short after playing {@code audioEndMs} of it (the user spoke
   * over it): the upstream's item is truncated there, and the turn keeps the part of its text that was heard,
   * marked with {@code playedMs} ({@code transcript.truncated} tells the client). An answer not sent from here
   * recently, or a message from a connection that is not the session's live one, changes nothing.
   */
  void playbackTruncated(String fromConnection, String itemId, long audioEndMs) {
    if (closed || leaving || !fromConnection.equals(feed.connectionId())) {
      return;
    }
    long playedMs = cuts.cut(itemId, audioEndMs);
    UpstreamLink link = supervisor.current();
    if (playedMs >= 0 && link != null && link.canSend()) {
      link.send(RealtimeClientEvents.conversationItemTruncate(itemId, playedMs));
    }
  }

  /** The client showed a heartbeat (reported by its gateway). */
  void heartbeat(long receivedAt) {
    lastHeartbeatAt = Math.max(lastHeartbeatAt, receivedAt);
  }

  /**
   * The session's times as this relay saw them, for its guard: the run's start from the store, the heartbeats
   * its gateway reported, and the audio it forwarded and controls it carried out itself.
   */
  SessionTimes times() {
    return new SessionTimes(sessionId(), state.startedAt(), lastHeartbeatAt, lastActivityAt, lastActivityAt,
        state.paused());
  }

  /**
   * Carries out a control upstream, given the session state after it.
   *
   * @return a failed future when the control cannot be carried out now (no upstream link)
   */
  Future<Void> apply(Control control, String text, long clientSeq, SessionSnapshot snapshot) {
    if (leaving) {
      return Future.failedFuture(new Moving());
    }
    state.update(snapshot);
    lastActivityAt = timers.now();
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
    UpstreamControls.apply(link, control, state, config.upstreamDefaults(), turns);
    if (control == Control.PAUSE) {
      toolCalls.cancelAll("the user paused the interview", true);
    }
    turns.accepted(clientSeq);
    if (clientSeq > 0) {
      recordApplied(clientSeq);
    }
    ServerEvents.afterControl(control, snapshot).ifPresent(e -> toClient(e, 0));
    turns.progress(link);
    return Future.succeededFuture();
  }

  /**
   * Records in the store that this relay carried out {@code clientSeq}, retried until acknowledged: a relay
   * taking the session over later does not carry it out again. Refused as fenced: this relay lost the session.
   */
  private void recordApplied(long clientSeq) {
    DurableRequests.request(vertx, Addresses.SESSION_CONTROL_APPLIED, new RelayControlDone(sessionId(), clientSeq,
            epoch), DurableRequests.Policy.standard(config.busTimeoutMs()))
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureCode() == BusFailure.FENCED) {
            fenced();
          } else {
            LOG.warn("[Relay] carrying out client message {} of {} was not recorded: {}", clientSeq, sessionId(),
                e.getMessage());
          }
        });
  }

  /**
   * Takes back typed turns that could not enter the conversation in time: the session service forgets it
   * processed {@code seqs}, then the client is told of each (a stored error carrying its seq) and sends it
   * again. Refused as fenced: this relay lost the session.
   */
  private Future<Boolean> withdraw(List<Long> seqs) {
    return BusRequests.<ControlsWithdrawn>request(vertx, Addresses.SESSION_WITHDRAW_CONTROLS,
            new WithdrawControls(sessionId(), epoch, seqs), new DeliveryOptions().setSendTimeout(config.busTimeoutMs()))
        .map(reply -> {
          if (reply.body().withdrawn()) {
            seqs.forEach(seq -> toClient(ServerEvents.turnWithdrawn(seq), 0));
          }
          return reply.body().withdrawn();
        })
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureCode() == BusFailure.FENCED) {
            fenced();
          }
        });
  }

  /** The client is told that this relay took the session over from another ({@code reason}). */
  void announceTakeover(String reason) {
    toClient(ServerEvents.upstreamRestored(reason, state.history().size()), 0);
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
    close(awaitResume, false);
  }

  /** As {@link #close(boolean)}; {@code failed}: the upstream could not be reopened (reported as such). */
  private void close(boolean awaitResume, boolean failed) {
    if (closed) {
      return;
    }
    if (awaitResume) {
      closeNotice = DurableRequests.request(vertx, Addresses.SESSION_UPSTREAM_CLOSED, new UpstreamClosed(sessionId(),
              relayNode, epoch, failed), DurableRequests.Policy.standard(config.busTimeoutMs()))
          .onFailure(e -> LOG.warn("[Relay] the session service did not take the close of {}'s upstream: {}",
              sessionId(), e.getMessage()))
          .mapEmpty();
    }
    shutDown();
  }

  /**
   * Another relay claimed the session since this one did (the store refused this relay's writes, or its
   * claims check said so): the upstream closes at once, and nothing more is sent anywhere for the session.
   */
  void fenced() {
    if (closed) {
      return;
    }
    LOG.warn("[Relay] closing the upstream of {} at once: another relay holds the session now", sessionId());
    closeSilently();
  }

  /**
   * The relay's guard found the session past a limit that the watchdog should have ended it at: the upstream
   * closes and the session awaits resume. A client still there hears why, and reconnects to a session that
   * awaits its resume.
   */
  void guardClose(TerminationReason reason) {
    if (reason != TerminationReason.HEARTBEAT_TIMEOUT) {
      feed.liveThenClose(ServerEvents.error(reason.code(), reason.message()), CloseCode.TRY_AGAIN_LATER.code());
    }
    close(true);
  }

  /** The relay may act again (its lease holds again): what the upstream sent meanwhile is read now. */
  void release() {
    UpstreamLink link = supervisor.current();
    if (!closed && link != null) {
      link.release();
      turns.progress(link);
    }
  }

  /** Completes once every event of this session is stored (nothing waits in its outbox), or after {@code timeoutMs}. */
  Future<Void> drained(long timeoutMs) {
    return Polls.until(vertx, () -> feed.drained() || closed, timeoutMs);
  }

  /** The bus address of the gateway this session's client is on, or null while none is attached. */
  String gatewayAddress() {
    return feed.gatewayAddress();
  }

  /**
   * The relay is stopping and is about to hand this session over: from now on it carries out no control,
   * forwards no audio and reads nothing more from the upstream (an answer under way is cut off, and the next
   * relay answers again from the stored history). So everything done here is stored before the next relay
   * reads the history.
   */
  void beginLeaving() {
    leaving = true;
    UpstreamLink link = supervisor.current();
    if (link != null) {
      link.pauseReading();
    }
    // An answer cut off here is stored as interrupted before the next relay reads the history.
    recorder.cutOff();
  }

  /**
   * Closes the upstream before the next relay opens its own, so a hand-off never has two upstreams at once.
   * The session stays here, refusing controls as moving, until {@link #handedOver} or {@link #leaveUnmoved}.
   */
  void closeUpstreamForHandOff() {
    supervisor.close();
  }

  /** A control refused because the session is moving to another relay: the gateway sends it there. */
  static final class Moving extends RuntimeException {
    Moving() {
      super("this relay is handing the session over", null, false, false);
    }
  }

  /** Another relay took the session over (a clean hand-off): this upstream closes, nothing more is sent. */
  void handedOver() {
    if (!closed) {
      closeSilently();
    }
  }

  /** Another relay has the session: the upstream closes and nothing more goes to the client from here. */
  private void closeSilently() {
    feed.detachAll();
    toolCalls.abandonAll();
    shutDown();
  }

  /**
   * The relay is stopping and the session could not move to another relay: the upstream closes, the session
   * awaits resume, and the client is told to reconnect (it then resumes on another relay).
   */
  void leaveUnmoved() {
    if (!closed) {
      feed.liveThenClose(ServerEvents.error("upstream_unavailable",
          "The AI service is restarting. Your progress is saved; reconnect to resume."),
          CloseCode.SERVICE_RESTART.code());
      close(true);
    }
  }

  private void shutDown() {
    closed = true;
    recorder.cutOff();
    // A call under way gets a cancelled output, so no relay carries it out later (a resume after a termination).
    toolCalls.cancelAll("the session's upstream closed", false);
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
    fresh.send(RealtimeClientEvents.sessionUpdate(state, config.upstreamDefaults()));
    for (Turn turn : state.history()) {
      fresh.send(switch (turn.role()) {
        case Turn.TOOL_CALL -> RealtimeClientEvents.functionCallItem(ToolTurns.call(turn));
        case Turn.TOOL_OUTPUT -> RealtimeClientEvents.functionCallOutputItem(ToolTurns.output(turn));
        default -> RealtimeClientEvents.conversationItemCreate(null, turn.role(), turn.text());
      });
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
    metrics.reconnects.increment();
    toClient(ServerEvents.upstreamReconnecting(attempt), 0);
  }

  @Override
  public void restored(String reason, int restoredTurns) {
    if ("rollover".equals(reason)) {
      metrics.rollovers.increment();
    }
    toClient(ServerEvents.upstreamRestored(reason, restoredTurns), 0);
  }

  @Override
  public void gaveUp() {
    toClient(ServerEvents.error("upstream_unavailable",
        "The AI service cannot be reached. Your progress is saved; try again later."),
        CloseCode.TRY_AGAIN_LATER.code());
    close(true, true);
  }

  private void onLost(UpstreamLink lost) {
    supervisor.lost(lost);
  }

  // ---- upstream events ---------------------------------------------------------------------------------

  private void onEvent(UpstreamLink from, UpstreamEvent event) {
    if (event instanceof UpstreamEvent.ResponseDone done && done.usage() != null) {
      billing.billed(done);
    }
    if (!supervisor.isCurrent(from)) {
      return;
    }
    if (event instanceof UpstreamEvent.FunctionCall call) {
      toolCalls.requested(new ToolTurns.Call(call.itemId(), call.callId(), call.name(), call.arguments()));
    } else if (event instanceof UpstreamEvent.UserTranscript said) {
      recorder.record(new Turn(said.itemId(), Turn.USER, said.text()), 0);
    } else if (event instanceof UpstreamEvent.AnswerDone done) {
      recorder.answerDone(done.itemId(), done.text());
      cuts.apply();
    } else if (event instanceof UpstreamEvent.AnswerDelta delta) {
      recorder.answerDelta(delta.itemId(), delta.delta());
    } else if (event instanceof UpstreamEvent.ResponseDone) {
      recorder.cutOff();
      cuts.apply();
    } else if (event instanceof UpstreamEvent.Failure failure) {
      LOG.warn("[Relay] upstream error for {}: {}", sessionId(), failure.code());
    }
    turns.observe(event);
    String refused = rateLimits.observe(event, timers.now());
    String toClient = refused != null ? refused : event.toClient();
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
  private void onAudio(UpstreamLink from, String itemId, String base64Pcm) {
    if (supervisor.isCurrent(from)) {
      String item = itemId == null ? "" : itemId;
      long offsetMs = cuts.audioSent(item, base64Pcm.length() * 3L / 4);
      feed.live(ServerEvents.audio(item, offsetMs, base64Pcm));
    }
  }

  /** What this session gives its tool calls. */
  private final class ToolHost implements ToolCalls.Host {
    @Override
    public io.voxrelay.common.bus.SessionTools tools() {
      return state.tools();
    }

    @Override
    public void record(Turn turn, String clientEvent) {
      recorder.recordWith(turn, clientEvent);
    }

    @Override
    public UpstreamChannel link() {
      return closed ? null : supervisor.current();
    }

    @Override
    public void expect(String itemId) {
      turns.expect(itemId);
    }

    @Override
    public void progress() {
      if (!closed) {
        turns.progress(supervisor.current());
      }
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
