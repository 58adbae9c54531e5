package io.voxrelay.relay;

import io.voxrelay.common.Polls;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.ToolTurns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The relay's side of one live session: its parts wired together, and what reaches it from the client. Its life
 * and every way it ends are {@link SessionLife}'s; its controls {@link SessionControls}'; what the upstream's
 * events mean {@link SessionUpstream}'s, whose {@link LinkSupervisor} keeps the link (reconnect, rollover). Its
 * client is reached through a {@link ClientFeed}. Confined to the relay verticle's event loop.
 */
final class RelaySession implements RelayOpens.Held, SessionLife.Ends, SessionControls.Host, SessionUpstream.Host {

  private static final Logger LOG = LoggerFactory.getLogger(RelaySession.class);

  private final Vertx vertx;
  private final String relayNode;
  /** This relay's claim of the session: stamped on everything it stores, refused once another relay claims it. */
  private final long epoch;
  private final RelayConfig config;
  private final Timers timers;
  private final ConversationState state;
  private final ClientFeed feed;
  private final TurnTaking turns;
  private final TurnRecorder recorder;
  private final LinkSupervisor<UpstreamLink> supervisor;
  private final ToolCalls toolCalls;
  private final SessionBilling billing;
  private final SessionLife life;
  private final SessionControls controls;
  private final ClientInput input;
  private Runnable onClosed = () -> { };
  private Future<Void> closeNotice = Future.succeededFuture();
  private final AnswerCuts cuts;

  private RelaySession(Vertx vertx, String relayNode, long epoch, RelayConfig config, UpstreamConnector connector,
                       ToolEndpoint tools, BooleanSupplier mayAct, ActivityAccumulator activity,
                       SessionSnapshot snapshot, ClientFeed feed) {
    RelayMetrics metrics = connector.metrics();
    this.vertx = vertx;
    this.relayNode = relayNode;
    this.epoch = epoch;
    this.config = config;
    this.timers = Timers.of(vertx);
    this.life = new SessionLife(this, timers, config.detachGraceMs());
    this.state = new ConversationState(snapshot);
    this.feed = feed;
    feed.onFenced(() -> end(SessionLife.Exit.FENCED));
    this.recorder = new TurnRecorder(state, feed, () -> end(SessionLife.Exit.UNSTORED));
    this.turns = new TurnTaking(state, timers, snapshot.lastClientSeq(), recorder::record);
    this.toolCalls = new ToolCalls(snapshot.sessionId(), tools, new SessionToolHost(state, recorder, turns,
        life::isClosed, this::currentLink));
    UpstreamRoute route = connector.route(snapshot.sessionId());
    this.billing = new SessionBilling(new UsageMeter(snapshot.sessionId(), () -> route.current().model()),
        new BudgetWatch(snapshot.budget(), snapshot.spend()), metrics);
    UpstreamRateLimits rateLimits = new UpstreamRateLimits(snapshot.sessionId(), metrics);
    this.cuts = new AnswerCuts(state, recorder::recordWith);
    SessionUpstream upstream = new SessionUpstream(config.upstreamDefaults(), new SessionUpstream.Parts(state,
        recorder, turns, toolCalls, billing, rateLimits, cuts, metrics, timers), this);
    this.supervisor = new LinkSupervisor<>(snapshot.sessionId(),
        () -> connector.connect(route.current()).map(socket -> {
          UpstreamLink link = new UpstreamLink(socket, sessionId(), mayAct, upstream::onEvent, upstream::onAudio,
              lost -> upstream.supervisor().lost(lost), metrics.upstreamOpen);
          billing.linkOpened(link);
          return link;
        }),
        upstream,
        new LinkSupervisor.Policy(config.reconnectAttempts(), config.reconnectBaseDelayMs(), config.rolloverMarginMs()),
        route, timers);
    upstream.supervise(supervisor);
    this.controls = new SessionControls(config.upstreamDefaults(), state, turns,
        () -> toolCalls.cancelAll("the user paused the interview", true), life, supervisor::current, this);
    this.input = new ClientInput(life, state, feed, cuts, supervisor::current, activity, timers, this::live);
    turns.holdTextsWhile(toolCalls::running);
    turns.holdAnswersFor(() -> rateLimits.waitMs(timers.now()));
    turns.bound(controls::withdraw, metrics::typedTurnsWaiting);
  }

  /**
   * Opens the first upstream link, configured and with any earlier conversation restored, under claim
   * {@code epoch}. While {@code mayAct} is false (the relay's lease does not hold: it may have lost its sessions) the
   * session sends nothing upstream and holds what its upstream sends.
   */
  static Future<RelaySession> open(Vertx vertx, String relayNode, long epoch, RelayConfig config,
                                   UpstreamConnector connector, ToolEndpoint tools, BooleanSupplier mayAct,
                                   ActivityAccumulator activity, SessionSnapshot snapshot, ClientFeed feed) {
    RelaySession session = new RelaySession(vertx, relayNode, epoch, config, connector, tools, mayAct, activity,
        snapshot, feed);
    return session.supervisor.start().map(restored -> {
      session.life.opened();
      // A call the previous relay made and left without an output is carried out here.
      session.toolCalls.resume(ToolTurns.unanswered(session.state.history()));
      return session;
    });
  }

  private UpstreamLink currentLink() {
    return supervisor.current();
  }

  /** What this session's upstreams cost here, until the session service has it. */
  UsageMeter usage() {
    return billing.meter();
  }

  /** This relay's claim epoch of the session. */
  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public String sessionId() {
    return state.sessionId();
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
  @Override
  public Future<Void> closeNoticed() {
    return closeNotice;
  }

  /** Whether this session's upstream has closed here. */
  boolean isClosed() {
    return life.isClosed();
  }

  @Override
  public void onClosed(Runnable callback) {
    this.onClosed = callback;
  }

  /** The client's audio, answer cuts, heartbeats, and the times the guard judges by. */
  ClientInput input() {
    return input;
  }

  /** Carries out a client's control ({@link SessionControls#apply}). */
  Future<SessionControlReply> apply(RelayControlRequest request) {
    return controls.apply(request);
  }

  @Override
  public Future<SessionControlReply> storeControl(ClientControl control, int closeCode) {
    return feed.sendControl(control, closeCode);
  }

  /** The client connection this session's events go to, or null while none is attached. */
  @Override
  public String connectionId() {
    return feed.connectionId();
  }

  @Override
  public void active() {
    input.active();
  }

  /** The client is told that this relay took the session over from another ({@code reason}). */
  @Override
  public void announceTakeover(String reason) {
    toClient(ServerEvents.upstreamRestored(reason, state.history().size()), 0);
  }

  /**
   * The client is (again) on {@code node} as {@code connection}, with every event up to {@code afterSeq}; a
   * pending detach close is cancelled.
   *
   * @return the transient events it missed, from the ring
   */
  @Override
  public TransientRing.Replay attach(String node, String connection, SessionSnapshot snapshot, long afterSeq) {
    input.heartbeat(timers.now());
    life.attached();
    state.update(snapshot);
    return feed.attach(node, connection, afterSeq);
  }

  /** The transient events after {@code afterSeq} still in the ring, for the client of a fresh open. */
  @Override
  public TransientRing.Replay transientsAfter(long afterSeq) {
    return feed.transientsAfter(afterSeq);
  }

  /** A durable event from another emitter reached the client: transient events are numbered after it. */
  @Override
  public void durableReleased(long seq) {
    feed.durableReleased(seq);
  }

  /**
   * The client connection {@code connection} left. Ignored if a newer connection has attached since. If no
   * client comes back within the detach grace, the upstream is closed ({@link SessionLife#detached}).
   */
  @Override
  public void detach(String connection) {
    if (feed.detach(connection)) {
      life.detached();
    }
  }

  /** Ends the session by {@code exit}: what the store and the client are told is {@link SessionLife}'s table. */
  @Override
  public void end(SessionLife.Exit exit) {
    if (life.end(exit)) {
      if (exit.unplanned()) {
        LOG.warn("[Relay] upstream of {} closed: {}", sessionId(), exit);
      } else {
        LOG.info("[Relay] upstream of {} closed: {}", sessionId(), exit);
      }
    }
  }

  @Override
  public void discard() {
    end(SessionLife.Exit.DISCARDED);
  }

  @Override
  public void upstreamClosed(boolean failed) {
    closeNotice = DurableRequests.request(vertx, Addresses.SESSION_UPSTREAM_CLOSED, new UpstreamClosed(sessionId(),
            relayNode, epoch, failed), DurableRequests.Policy.standard(config.busTimeoutMs()))
        .onFailure(e -> LOG.warn("[Relay] the session service did not take the close of {}'s upstream: {}",
            sessionId(), e.getMessage()))
        .mapEmpty();
  }

  @Override
  public void storedThenClose(String event, int closeCode) {
    feed.send(event, closeCode);
  }

  @Override
  public void liveThenClose(String event, int closeCode) {
    feed.liveThenClose(event, closeCode);
  }

  @Override
  public void detachClients() {
    feed.detachAll();
    toolCalls.abandonAll();
  }

  /** The relay may act again (its lease holds again): what the upstream sent meanwhile is read now. */
  void release() {
    UpstreamLink link = supervisor.current();
    if (!life.isClosed() && link != null) {
      link.release();
      turns.progress(link);
    }
  }

  /** Completes once every event of this session is stored (nothing waits in its outbox), or after {@code timeoutMs}. */
  Future<Void> drained(long timeoutMs) {
    return Polls.until(vertx, () -> feed.drained() || life.isClosed(), timeoutMs);
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
    life.leaving();
    UpstreamLink link = supervisor.current();
    if (link != null) {
      link.pauseReading();
    }
    // An answer cut off here is stored as interrupted before the next relay reads the history.
    recorder.cutOff();
  }

  /**
   * Closes the upstream before the next relay opens its own, so a hand-off never has two upstreams at once.
   * The session stays here, refusing controls as moving, until it ends by {@link SessionLife.Exit#HANDED_OVER} or
   * {@link SessionLife.Exit#LEFT_UNMOVED}.
   */
  void closeUpstreamForHandOff() {
    supervisor.close();
  }

  @Override
  public void shutDown() {
    recorder.cutOff();
    // A call under way gets a cancelled output, so no relay carries it out later (a resume after a termination).
    toolCalls.cancelAll("the session's upstream closed", false);
    turns.close();
    supervisor.close();
    onClosed.run();
  }

  @Override
  public void live(String json) {
    feed.live(json);
  }

  @Override
  public void toClient(String json, int closeCode) {
    // An event that cannot be stored (the outbox is full: the session service has been away too long) ends
    // the session: no billable upstream runs on a conversation that cannot be kept.
    if (!feed.send(json, closeCode)) {
      end(SessionLife.Exit.UNSTORED);
    }
  }
}
