package io.voxrelay.gateway;

import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.ApplyControl;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.ClientDetached;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.ConnectionReplaced;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.DurableReleased;
import io.voxrelay.common.bus.ControlRequest;
import io.voxrelay.common.bus.ControlResult;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.OpenAbandoned;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.net.BoundedWrites;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.ProtocolException;
import io.voxrelay.common.protocol.Sequenced;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One client WebSocket on this gateway: waits for {@code hello}, authenticates it with the session service,
 * finds or opens the session's upstream at a relay, then relays the client's frames. Server events reach the
 * client exactly once and in {@code seq} order: replayed ones first, then live ones; an event that arrives
 * early waits for the ones before it, and a gap is filled from the session service's store. Confined to the
 * gateway verticle's event loop.
 */
final class ClientConnection {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
  /** How long an out-of-order event waits before the missing ones are fetched from the store. */
  private static final long GAP_FILL_DELAY_MS = 250;

  private enum State { AWAITING_HELLO, CONNECTING, CONNECTED, CLOSED }

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final String sessionId;
  private final String gatewayNode;
  private final String connectionId = UUID.randomUUID().toString();
  private final ClientRegistry registry;
  private final SlidingWindowLimiter limiter;
  private final ActivityAccumulator activity;
  private final String remoteAddress;
  private final DeliveryOptions busOptions;
  private final long helloTimer;
  private final EventOutbox outbox;
  private final BoundedWrites writes;
  private State state = State.AWAITING_HELLO;
  private String relayNode;
  /** The node address of {@link #relayNode}, built once rather than per audio frame. */
  private String relayAddress;
  /** Audio is dropped here while paused or awaiting resume, before it costs a bus message. */
  private boolean audioGated;
  /** Controls run one after another, in the order the client sent them. */
  private Future<Void> controls = Future.succeededFuture();
  /** Set once connected: the order in which this client gets its numbered events. */
  private EventOrder order;
  private long gapTimer = -1;
  private boolean filling;
  private boolean confirmed;
  /** A move of this session to another relay, while one is under way. */
  private Future<Void> takeover;

  ClientConnection(Vertx vertx, ServerWebSocket socket, String sessionId, String gatewayNode,
                   ClientRegistry registry, SlidingWindowLimiter limiter, ActivityAccumulator activity,
                   long helloTimeoutMs, long busTimeoutMs) {
    this.vertx = vertx;
    this.socket = socket;
    this.sessionId = sessionId;
    this.gatewayNode = gatewayNode;
    this.registry = registry;
    this.limiter = limiter;
    this.activity = activity;
    this.remoteAddress = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
    this.busOptions = new DeliveryOptions().setSendTimeout(busTimeoutMs);
    this.outbox = new EventOutbox(vertx, sessionId, busTimeoutMs, this::deliverAll);
    this.writes = new BoundedWrites(socket);
    this.helloTimer = vertx.setTimer(helloTimeoutMs, id -> {
      if (state == State.AWAITING_HELLO) {
        close(CloseCode.HELLO_TIMEOUT);
      }
    });
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(b -> sendLocalError("binary_not_supported", "send audio as JSON 'audio' messages"));
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> LOG.debug("[Gateway] socket error for {}: {}", sessionId, e.toString()));
  }

  String sessionId() {
    return sessionId;
  }

  String connectionId() {
    return connectionId;
  }

  /** This session's upstream is at relay instance {@code node} now (null: at none). */
  private void useRelay(String node) {
    relayNode = node;
    relayAddress = node == null ? null : Addresses.relayNode(node);
  }

  /** The relay instance holding this session's upstream, or null when none does. */
  String relayNode() {
    return relayNode;
  }

  // ---- server → client ---------------------------------------------------------------------------------

  /**
   * Writes one server event if the socket is live, in seq order ({@link EventOrder}), then closes with
   * {@code closeCode} if it is not 0. Live-only events (no seq, such as audio) go straight out.
   */
  void deliver(String json, int closeCode) {
    if (state != State.CONNECTED) {
      return;
    }
    if (json == null) {
      write(null, closeCode);
      return;
    }
    order.offer(json, closeCode);
    if (order.hasGap()) {
      scheduleGapFill();
    }
  }

  /** Events this gateway emitted, once stored: the relay numbers its transient events after them. */
  private void deliverAll(List<String> events, int closeCode) {
    for (int i = 0; i < events.size(); i++) {
      deliver(events.get(i), i == events.size() - 1 ? closeCode : 0);
    }
    if (relayNode != null && !events.isEmpty()) {
      relayBehind(Sequenced.seqOf(events.get(events.size() - 1)));
    }
  }

  private void write(String json, int closeCode) {
    if (state != State.CONNECTED) {
      return;
    }
    // The AI's voice is live: dropped rather than queued for a client that does not keep up.
    if (json != null && !(ServerEvents.isAudio(json) ? writes.writeDroppable(json) : send(json))) {
      return;
    }
    if (closeCode != 0) {
      close(CloseCode.of(closeCode));
    }
  }

  /**
   * Writes a frame that may not be lost. A client that stopped reading (its socket queue stayed full) is
   * closed with 1013: it reconnects and gets what it missed by replay, and nothing queues without bound.
   */
  private boolean send(String text) {
    if (writes.write(text)) {
      return true;
    }
    LOG.warn("[Gateway] closing the client of {}: it stopped reading ({} audio frames dropped)", sessionId,
        writes.dropped());
    close(CloseCode.TRY_AGAIN_LATER);
    return false;
  }

  /** The relay numbered transient events before a durable event this client has: it hears of that event. */
  private void relayBehind(long lastDurable) {
    if (relayNode != null && lastDurable > 0) {
      vertx.eventBus().send(Addresses.relayNode(relayNode), new DurableReleased(sessionId, lastDurable));
    }
  }

  private EventOrder.Sink sink() {
    return new EventOrder.Sink() {
      @Override
      public void write(String json, int closeCode) {
        ClientConnection.this.write(json, closeCode);
      }

      @Override
      public void relayBehind(long lastDurable) {
        ClientConnection.this.relayBehind(lastDurable);
      }
    };
  }

  private void scheduleGapFill() {
    if (gapTimer < 0 && !filling) {
      gapTimer = vertx.setTimer(GAP_FILL_DELAY_MS, t -> {
        gapTimer = -1;
        fillGap();
      });
    }
  }

  /** Fetches from the store whatever came after the last event delivered, and delivers it in order. */
  private void fillGap() {
    if (state != State.CONNECTED || filling) {
      return;
    }
    filling = true;
    vertx.eventBus().<Replay>request(Addresses.SESSION_REPLAY, new ReplayRequest(sessionId, order.lastDelivered()),
            busOptions)
        .onComplete(ar -> {
          filling = false;
          if (ar.succeeded() && state == State.CONNECTED) {
            deliverReplay(ar.result().body(), List.of());
          }
          if (state == State.CONNECTED && order.hasGap()) {
            scheduleGapFill();
          }
        });
  }

  /**
   * Replayed events: the stored (durable) ones after the client's position and the transient ones the relay
   * still holds, merged in seq order. A replay that lost some first says so with {@code replay.truncated}.
   */
  private void deliverReplay(Replay replay, List<String> transients) {
    if (replay.truncated()) {
      long resumeFrom = replay.events().isEmpty() ? EventSeq.nextDurable(replay.lastSeq())
          : Sequenced.seqOf(replay.events().get(0));
      send(ServerEvents.replayTruncated(resumeFrom));
      order.skipTo(resumeFrom);
    }
    List<String> events = new ArrayList<>(replay.events().size() + transients.size());
    events.addAll(replay.events());
    events.addAll(transients);
    events.sort(Comparator.comparingLong(Sequenced::seqOf));
    for (String event : events) {
      deliver(event, 0);
    }
  }

  // ---- client → server ---------------------------------------------------------------------------------

  private void onText(String text) {
    switch (state) {
      case AWAITING_HELLO -> onHello(text);
      case CONNECTING -> sendLocalError("not_connected", "wait for 'connected' before sending");
      case CONNECTED -> onMessage(text);
      case CLOSED -> { }
    }
  }

  private void onHello(String text) {
    vertx.cancelTimer(helloTimer);
    ClientMessage message;
    try {
      message = ClientMessage.parse(text);
    } catch (ProtocolException e) {
      LOG.info("[Gateway] bad hello for {}: {}", sessionId, e.getMessage());
      close(CloseCode.BAD_HELLO);
      return;
    }
    if (!(message instanceof ClientMessage.Hello hello)) {
      LOG.info("[Gateway] first frame for {} was not hello", sessionId);
      close(CloseCode.BAD_HELLO);
      return;
    }
    if (!limiter.allows(remoteAddress)) {
      LOG.warn("[Gateway] refused a hello for {}: too many failed attempts from this address", sessionId);
      close(CloseCode.TOO_MANY_ATTEMPTS);
      return;
    }
    state = State.CONNECTING;
    vertx.eventBus().<SessionConnected>request(Addresses.SESSION_CONNECT,
            new ConnectSession(sessionId, hello.token(), gatewayNode, connectionId, hello.lastSeq()), busOptions)
        .map(Message::body)
        .compose(connected -> {
          replacePrevious(connected);
          long position = position(hello.lastSeq(), connected);
          if (connected.session().awaitingResume()) {
            // The upstream was let go; a new one opens only when the client asks to resume.
            return Future.succeededFuture(new Joined(connected, position, null));
          }
          return openUpstream(connected.session(), false, position, connected.replay().lastSeq()).map(opened -> {
            useRelay(opened.relayNode());
            return new Joined(connected, position, opened);
          });
        })
        .onSuccess(this::onConnected)
        .onFailure(this::onConnectFailed);
  }

  /**
   * A connect that went through: the session service's answer, the client's position in the event order, and
   * the relay's answer (null while the session awaits resume).
   */
  private record Joined(SessionConnected connected, long position, UpstreamOpened opened) {
  }

  /** Where the client is in the event order: its {@code lastSeq}, but never past the highest seq issued. */
  private static long position(long clientLastSeq, SessionConnected connected) {
    return Math.max(0, Math.min(clientLastSeq, EventSeq.ceiling(connected.replay().lastSeq())));
  }

  /** The newest connection wins: the one it replaces is closed wherever it is, and nothing it sends counts. */
  private void replacePrevious(SessionConnected connected) {
    String previous = connected.previousConnectionId();
    if (previous != null && !previous.equals(connectionId) && connected.previousGatewayNode() != null) {
      vertx.eventBus().send(Addresses.gatewayNode(connected.previousGatewayNode()),
          new ConnectionReplaced(sessionId, previous));
    }
  }

  /**
   * Re-attaches to the relay already holding the session, or asks any relay to open it. If this gateway
   * gives up waiting, the relays are told, so an upstream this client never got does not stay open.
   */
  private Future<UpstreamOpened> openUpstream(SessionSnapshot session, boolean failover, long afterSeq) {
    return openUpstream(session, failover, afterSeq, afterSeq);
  }

  private Future<UpstreamOpened> openUpstream(SessionSnapshot session, boolean failover, long afterSeq,
                                              long storedSeq) {
    OpenUpstream open = new OpenUpstream(sessionId, gatewayNode, connectionId, session, failover, afterSeq,
        storedSeq, failover);
    Future<UpstreamOpened> attempt = session.relayNode() == null || failover
        ? Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no relay bound"))
        : vertx.eventBus().<UpstreamOpened>request(Addresses.relayNode(session.relayNode()), open, busOptions)
            .map(this::take);
    return attempt
        .recover(e -> isRelayGone(e)
            ? vertx.eventBus().<UpstreamOpened>request(Addresses.RELAY_OPEN, relayGone(open, e), busOptions)
                .map(this::take)
            : Future.failedFuture(e))
        .recover(e -> {
          // Another relay claimed the session first (a racing connection): join it there.
          if (e instanceof ReplyException re && re.failureCode() == BusFailure.CONFLICT && !"null".equals(re.getMessage())) {
            return vertx.eventBus().<UpstreamOpened>request(Addresses.relayNode(re.getMessage()), open, busOptions)
                .map(this::take);
          }
          return Future.failedFuture(e);
        })
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            vertx.eventBus().publish(Addresses.RELAY_OPEN_ABANDONED, new OpenAbandoned(sessionId, connectionId));
          }
        });
  }

  /**
   * A relay's answer to an open. For an upstream it just opened, the relay asks whether this client still
   * waits for it: yes unless the client left meanwhile, in which case the relay closes it at once.
   */
  private UpstreamOpened take(Message<UpstreamOpened> reply) {
    if (reply.replyAddress() != null) {
      if (state == State.CLOSED) {
        reply.fail(BusFailure.GONE, "the client left before it was connected");
      } else {
        reply.reply(null);
      }
    }
    return reply.body();
  }

  private static String describe(Throwable e) {
    return e instanceof ReplyException re ? re.failureType() + "/" + re.failureCode() + " " + re.getMessage() : e.toString();
  }

  /** The bound relay did not answer: it is gone, and the transient events it held with it. */
  private static OpenUpstream relayGone(OpenUpstream open, Throwable e) {
    return e instanceof ReplyException re && re.failureCode() == BusFailure.NOT_FOUND ? open : open.afterRelayLost();
  }

  static boolean isRelayGone(Throwable e) {
    return e instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT
        || re.failureCode() == BusFailure.NOT_FOUND);
  }

  /**
   * The relay holding this session is gone from the cluster: another one takes the session over, with the
   * conversation restored from the store. Completes when the session has a relay again.
   */
  Future<Void> relayLost(String lostNode) {
    if (takeover != null) {
      return takeover;
    }
    if (state != State.CONNECTED || !lostNode.equals(relayNode)) {
      return Future.succeededFuture();
    }
    useRelay(null);
    LOG.warn("[Gateway] relay {} is gone; moving {} to another relay", lostNode, sessionId);
    takeover = vertx.eventBus().<SessionSnapshot>request(Addresses.SESSION_GET, new GetSession(sessionId), busOptions)
        .compose(reply -> reply.body().awaitingResume() ? Future.succeededFuture((UpstreamOpened) null)
            : openUpstream(reply.body(), true, order.lastDelivered()))
        .andThen(ar -> {
          takeover = null;
          if (ar.succeeded()) {
            tookUpstream(ar.result());
          } else {
            LOG.warn("[Gateway] takeover of {} failed: {}", sessionId, ar.cause().toString());
            close(CloseCode.TRY_AGAIN_LATER);
          }
        })
        .mapEmpty();
    return takeover;
  }

  /**
   * A relay holds this connected client's session now (after a takeover or a resume): the transient events
   * it replays follow, after {@code replay.truncated} if some were lost with an earlier relay.
   */
  private void tookUpstream(UpstreamOpened opened) {
    useRelay(opened == null ? null : opened.relayNode());
    if (opened == null || state != State.CONNECTED) {
      return;
    }
    if (opened.transientsLost()) {
      send(ServerEvents.transientsTruncated(order.lastDelivered() + 1));
    }
    opened.transients().forEach(event -> deliver(event, 0));
  }

  private void onConnected(Joined joined) {
    SessionConnected connected = joined.connected();
    long clientLastSeq = joined.position();
    UpstreamOpened opened = joined.opened();
    SessionSnapshot session = connected.session();
    if (state != State.CONNECTING) {
      // The client left while we were connecting: let the relay start its detach grace.
      detachFromRelay();
      return;
    }
    state = State.CONNECTED;
    audioGated = session.paused() || session.awaitingResume();
    order = new EventOrder(clientLastSeq, sink());
    registry.put(this);
    send(ServerEvents.connected(session, connected.resumeToken(), connected.resumed(),
        connected.replay().lastSeq()));
    if (opened != null && opened.transientsLost() && clientLastSeq > 0 && !connected.replay().truncated()) {
      send(ServerEvents.transientsTruncated(clientLastSeq + 1));
    }
    deliverReplay(connected.replay(), opened == null ? List.of() : opened.transients());
    // Events stored between the replay and the relay's attach went elsewhere: fetch them now.
    fillGap();
    LOG.info("[Gateway] client connected to {} (resumed: {}, awaiting resume: {}, replayed: {})", sessionId,
        connected.resumed(), session.awaitingResume(), connected.replay().events().size());
  }

  private void onConnectFailed(Throwable e) {
    if (e instanceof ReplyException re && re.failureCode() == BusFailure.UNAUTHORIZED) {
      LOG.info("[Gateway] rejected connection to {}: unauthorized", sessionId);
      limiter.record(remoteAddress);
      close(CloseCode.UNAUTHORIZED);
    } else if (e instanceof ReplyException re && re.failureCode() == BusFailure.GONE) {
      LOG.info("[Gateway] rejected connection to {}: the interview has ended", sessionId);
      close(CloseCode.SESSION_ENDED);
    } else {
      LOG.warn("[Gateway] connecting {} failed: {}", sessionId, e.toString());
      close(CloseCode.TRY_AGAIN_LATER);
    }
  }

  private void onMessage(String text) {
    if (!confirmed) {
      // The client speaks on this connection, so it has the new resume token: the old one may go.
      confirmed = true;
      vertx.eventBus().send(Addresses.SESSION_CONFIRM, new ConfirmConnection(sessionId, connectionId));
    }
    ClientMessage message;
    try {
      message = ClientMessage.parse(text);
    } catch (ProtocolException e) {
      sendLocalError(e.code(), e.getMessage());
      return;
    }
    if (message instanceof ClientMessage.Audio audio) {
      if (!audioGated && relayNode != null) {
        vertx.eventBus().send(relayAddress, new ClientAudio(sessionId, connectionId,
            audio.base64Pcm()));
      }
    } else if (message instanceof ClientMessage.ControlMessage control) {
      if (control.control() == Control.PAUSE) {
        audioGated = true;
      }
      controls = controls.transform(v -> applyControl(control));
    } else if (message instanceof ClientMessage.HeartbeatPing ping) {
      activity.heartbeat(sessionId, System.currentTimeMillis());
      acknowledge(ping.ack());
      send(ServerEvents.heartbeatPong());
    } else if (message instanceof ClientMessage.Ack ack) {
      acknowledge(ack.seq());
    } else if (message instanceof ClientMessage.Hello) {
      sendLocalError("already_connected", "hello is only valid as the first frame");
    }
  }

  private void acknowledge(long seq) {
    if (seq > 0) {
      activity.ack(sessionId, Math.min(seq, order.lastDelivered()));
    }
  }

  /**
   * Applies a control: first to the session state (the session service decides whether it fits, and
   * whether this client seq was processed already), then upstream at the relay, which carries each client
   * seq out once. Audio flows again only once the relay has resumed.
   */
  private Future<Void> applyControl(ClientMessage.ControlMessage message) {
    Control control = message.control();
    return vertx.eventBus().<ControlResult>request(Addresses.SESSION_CONTROL,
            new ControlRequest(sessionId, control, message.text(), message.seq(), connectionId), busOptions)
        .compose(reply -> {
          SessionSnapshot session = reply.body().session();
          // While the session moves to another relay, the control waits for it rather than miss the upstream.
          Future<Void> moved = takeover == null ? Future.succeededFuture() : takeover.otherwiseEmpty();
          return moved.compose(v -> relayNode != null || control == Control.RESUME
              ? applyAtRelay(message, session)
              : applyWithoutUpstream(control, session, reply.body().duplicate()))
              .map(done -> {
                audioGated = session.paused() || session.awaitingResume();
                return (Void) null;
              });
        })
        .recover(e -> {
          // The gate stays as it is: a failed pause keeps audio back, a failed resume does not release it.
          if (e instanceof ReplyException re && re.failureCode() == BusFailure.SUPERSEDED) {
            // This connection lost the session to a newer one: nothing it sends counts, and it is closing.
            sendLocalError("replaced", re.getMessage());
          } else {
            String error = ServerEvents.error(controlErrorCode(e), controlErrorMessage(control, e));
            if (!outbox.emit(error)) {
              // Nothing can be stored now: the client still hears of it on this connection.
              send(error);
            }
          }
          return Future.succeededFuture();
        });
  }

  /** Carries a control out upstream; a resume of a session without an upstream opens one first. */
  private Future<Void> applyAtRelay(ClientMessage.ControlMessage message, SessionSnapshot session) {
    Future<Void> ready = relayNode != null ? Future.succeededFuture()
        : openUpstream(session, false, order.lastDelivered()).map(opened -> {
          tookUpstream(opened);
          LOG.info("[Gateway] upstream of {} reopened on resume", sessionId);
          return null;
        });
    ApplyControl apply = new ApplyControl(sessionId, message.control(), message.text(), message.seq(), session);
    return ready
        .compose(v -> {
          String target = relayNode;
          return vertx.eventBus().request(Addresses.relayNode(target), apply, busOptions)
              .recover(e -> {
                LOG.warn("[Gateway] {} of {} failed at relay {}: {}", message.control(), sessionId, target, describe(e));
                // The relay died with the control in flight: once another relay holds the session, it carries
                // the control out (it knows from the store whether the old one had).
                if (!isRelayGone(e) || target == null) {
                  return Future.failedFuture(e);
                }
                return relayLost(target).compose(moved -> relayNode == null ? Future.failedFuture(e)
                    : vertx.eventBus().request(Addresses.relayNode(relayNode), apply, busOptions));
              });
        })
        .<Void>mapEmpty()
        .recover(e -> message.control() == Control.END
            // The relay could not confirm: still end the interview for the client, as it asked.
            ? applyWithoutUpstream(Control.END, session, false)
            : Future.failedFuture(e));
  }

  /** A session without an upstream (awaiting resume): the state changed; the client is told from here. */
  private Future<Void> applyWithoutUpstream(Control control, SessionSnapshot session, boolean duplicate) {
    if (!duplicate) {
      ServerEvents.afterControl(control, session)
          .ifPresent(event -> outbox.emit(event, control == Control.END ? CloseCode.NORMAL.code() : 0));
    }
    return Future.succeededFuture();
  }

  private static String controlErrorCode(Throwable e) {
    if (e instanceof ReplyException re) {
      return switch (re.failureCode()) {
        case BusFailure.CONFLICT -> "invalid_state";
        case BusFailure.GONE -> "session_ended";
        default -> "unavailable";
      };
    }
    return "unavailable";
  }

  private static String controlErrorMessage(Control control, Throwable e) {
    if (e instanceof ReplyException re && (re.failureCode() == BusFailure.CONFLICT || re.failureCode() == BusFailure.GONE)) {
      return re.getMessage();
    }
    return "'" + control.name().toLowerCase() + "' could not be carried out now; try again";
  }

  /** An error about a frame on this connection: it concerns this socket only, so it is not stored. */
  private void sendLocalError(String code, String message) {
    if (state != State.CLOSED && !socket.isClosed()) {
      send(ServerEvents.error(code, message));
    }
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------

  void close(CloseCode code) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnected = state == State.CONNECTED;
    state = State.CLOSED;
    cancelGapFill();
    if (!socket.isClosed()) {
      socket.close((short) code.code(), code.reason());
    }
    if (wasConnected) {
      detach();
    }
  }

  private void onClosed() {
    vertx.cancelTimer(helloTimer);
    cancelGapFill();
    if (state == State.CONNECTED) {
      state = State.CLOSED;
      detach();
      LOG.info("[Gateway] client left {} ({})", sessionId, socket.closeStatusCode());
    } else {
      state = State.CLOSED;
    }
  }

  private void cancelGapFill() {
    if (gapTimer >= 0) {
      vertx.cancelTimer(gapTimer);
      gapTimer = -1;
    }
  }

  private void detach() {
    registry.remove(this);
    detachFromRelay();
  }

  private void detachFromRelay() {
    if (relayNode != null) {
      vertx.eventBus().send(Addresses.relayNode(relayNode), new ClientDetached(sessionId, gatewayNode, connectionId));
    }
  }
}
