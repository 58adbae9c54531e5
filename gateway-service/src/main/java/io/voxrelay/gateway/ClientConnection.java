package io.voxrelay.gateway;

import io.voxrelay.common.Polls;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.ClientDisconnected;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.LiveSenders;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ProtocolException;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * One client WebSocket on this gateway: waits for {@code hello}, authenticates it with the session service,
 * then routes the client's frames (audio to the relay, controls to the {@link ControlPipeline}, heartbeats
 * and acks to the activity report) and the server's events to the {@link ClientDelivery}. Which relay holds
 * the session is the {@link RelayRoute}'s, and moving it {@link SessionMoves}'. Confined to the gateway
 * verticle's event loop.
 */
final class ClientConnection {

  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

  private enum State { AWAITING_HELLO, CONNECTING, CONNECTED, CLOSED }

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final String sessionId;
  private final String gatewayNode;
  private final String connectionId = UUID.randomUUID().toString();
  private final ClientRegistry registry;
  private final ActivityAccumulator activity;
  private final EventOutbox outbox;
  private final GatewayConfig config;
  private final long helloTimer;
  private final RelayRoute route;
  private final ClientHandshake handshake;
  private final ClientDelivery delivery;
  private final ControlPipeline controls;
  private final SessionMoves moves;
  private final ClientRates rates;
  private final AudioUplink audioUplink;
  /** Its place among its address's open sockets, given back when it closes ({@link OpenConnections}). */
  private final Runnable releasePlace;
  private State state = State.AWAITING_HELLO;
  private boolean confirmed;

  /**
   * @param clientAddress where the client connects from ({@link ClientAddresses}), for the hello limits; the
   *                      socket holds one of its places in {@link GatewayLimits#connections}, given back on close
   */
  ClientConnection(Vertx vertx, ServerWebSocket socket, String sessionId, String clientAddress, String gatewayNode,
                   ClientRegistry registry, GatewayLimits limits, ActivityAccumulator activity,
                   GatewayConfig config, LiveRelayView relays, LiveSenders toRelays) {
    this.vertx = vertx;
    this.socket = socket;
    this.sessionId = sessionId;
    this.gatewayNode = gatewayNode;
    this.registry = registry;
    this.activity = activity;
    this.config = config;
    this.rates = new ClientRates(System.currentTimeMillis(), config.audioBurstMs());
    this.releasePlace = () -> limits.connections().closed(clientAddress);
    DeliveryOptions busOptions = new DeliveryOptions().setSendTimeout(config.busTimeoutMs());
    this.route = new RelayRoute(vertx, sessionId, gatewayNode, connectionId, busOptions, config.openWaitMs(),
        relays, () -> state != State.CLOSED);
    this.handshake = new ClientHandshake(vertx, sessionId, gatewayNode, connectionId, busOptions,
        limits.helloFailures(), limits.helloFailuresPerSession(), clientAddress, route);
    this.delivery = new ClientDelivery(vertx, socket, sessionId, busOptions, config.clientWrites(), this::close,
        route::relayBehind);
    this.outbox = new EventOutbox(vertx, sessionId, config.busTimeoutMs(), delivery::deliverStored);
    this.moves = new SessionMoves(sessionId, route, delivery, () -> state == State.CONNECTED, this::close,
        this::sessionMoved);
    this.controls = new ControlPipeline(vertx, sessionId, connectionId, busOptions, route, outbox,
        moves::reopen, moves::relayLost, this::sendLocal, this::sendFrameError);
    this.audioUplink = new AudioUplink(vertx, sessionId, connectionId, controls::audioGated, route::relayAddress,
        rates, toRelays, delivery::send);
    this.helloTimer = vertx.setTimer(config.helloTimeoutMs(), id -> {
      if (state == State.AWAITING_HELLO) {
        close(CloseCode.HELLO_TIMEOUT);
      }
    });
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(b -> sendFrameError("binary_not_supported", "send audio as JSON 'audio' messages"));
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(this::onSocketError);
    // The gateway is shutting down (its HTTP server's shutdown): the events in flight are stored first, then
    // the client is told to reconnect, to another gateway, with 1012.
    socket.shutdownHandler(v -> drained(config.busTimeoutMs()).onComplete(ar -> close(CloseCode.SERVICE_RESTART)));
  }

  String sessionId() {
    return sessionId;
  }

  String connectionId() {
    return connectionId;
  }

  /** The relay instance holding this session's upstream, or null when none does. */
  String relayNode() {
    return route.relayNode();
  }

  /**
   * Completes once the events this connection emitted are stored (and so replayable after the client
   * reconnects elsewhere), or after {@code timeoutMs}: a stopping gateway closes its clients only then.
   */
  Future<Void> drained(long timeoutMs) {
    return Polls.until(vertx, outbox::drained, timeoutMs);
  }

  /** A server event from the bus for this client. */
  void deliver(ToClient event) {
    if (event.relayNode() != null && !event.relayNode().equals(route.relayNode())) {
      // From a relay this session is not routed to (it lost the session, or is losing it): never shown.
      return;
    }
    if (state == State.CONNECTED) {
      delivery.deliver(event.seq(), event.json(), event.closeCode());
    }
  }

  // ---- connecting ----------------------------------------------------------------------------------------

  private void onText(String text) {
    switch (state) {
      case AWAITING_HELLO -> onHello(text);
      case CONNECTING -> sendFrameError("not_connected", "wait for 'connected' before sending");
      case CONNECTED -> onMessage(text);
      case CLOSED -> { }
    }
  }

  private void onHello(String text) {
    vertx.cancelTimer(helloTimer);
    state = State.CONNECTING;
    handshake.start(text)
        .onSuccess(this::onConnected)
        .onFailure(e -> close(e instanceof ClientHandshake.Refused refused ? refused.code() : CloseCode.TRY_AGAIN_LATER));
  }

  private void onConnected(ClientHandshake.Joined joined) {
    SessionConnected connected = joined.connected();
    long position = joined.position();
    UpstreamOpened opened = joined.opened();
    SessionSnapshot session = connected.session();
    if (state != State.CONNECTING) {
      // The client left while we were connecting: let the relay start its detach grace.
      route.detach();
      reportDisconnected();
      return;
    }
    state = State.CONNECTED;
    route.clientConnected();
    controls.start(session);
    delivery.start(position);
    registry.put(this);
    delivery.send(ServerEvents.connected(session, connected.resumeToken(), connected.resumed(),
        connected.replay().lastSeq(), config.heartbeatIntervalMs()));
    if (opened != null && opened.transientsLost() && position > 0 && !connected.replay().truncated()) {
      delivery.send(ServerEvents.transientsTruncated(position + 1));
    }
    delivery.deliverReplay(connected.replay(), opened == null ? List.of() : opened.transients());
    // Events stored between the replay and the relay's attach went elsewhere: fetch them now.
    delivery.fillGap();
    LOG.info("[Gateway] client connected to {} (resumed: {}, awaiting resume: {}, replayed: {})", sessionId,
        connected.resumed(), session.awaitingResume(), connected.replay().events().size());
  }

  // ---- relays --------------------------------------------------------------------------------------------

  /** Whether the relay this session is routed to lost its lease since ({@link RelayRoute#relayLeaseLost}). */
  boolean relayLeaseLost() {
    return route.relayLeaseLost();
  }

  /** The session moved to another relay while this client stayed: its controls follow it. */
  private void sessionMoved() {
    controls.sessionMoved();
  }

  /** The relay holding this session lost its lease, or said it does not hold it ({@link SessionMoves}). */
  Future<Void> relayLost(String lostNode) {
    return moves.relayLost(lostNode);
  }

  /** The relay holding this session is stopping and hands it over ({@link SessionMoves}). */
  Future<Void> relayLeaving(String leavingNode) {
    return moves.relayLeaving(leavingNode);
  }

  // ---- client → server -----------------------------------------------------------------------------------

  private void onMessage(String text) {
    if (!confirmed) {
      // The client speaks on this connection, so it has the new resume token: the old one may go.
      confirmed = true;
      DurableRequests.request(vertx, Addresses.SESSION_CONFIRM, new ConfirmConnection(sessionId, connectionId),
              DurableRequests.Policy.standard(config.busTimeoutMs()))
          .onFailure(e -> LOG.warn("[Gateway] the confirmation of {}'s new token was not stored: {}", sessionId,
              e.getMessage()));
    }
    ClientMessage message;
    try {
      message = ClientMessage.parse(text);
    } catch (ProtocolException e) {
      sendFrameError(e.code(), e.getMessage());
      return;
    }
    long now = System.currentTimeMillis();
    if (message instanceof ClientMessage.Audio audio) {
      audioUplink.send(audio, now);
    } else if (message instanceof ClientMessage.ControlMessage control) {
      admitControl(now, () -> controls.submit(control));
    } else if (message instanceof ClientMessage.PlaybackTruncated cut) {
      // Counted as a control: a flood of them is refused, then closed, like any other.
      admitControl(now, () -> audioUplink.playbackTruncated(cut));
    } else if (message instanceof ClientMessage.HeartbeatPing ping) {
      activity.heartbeat(sessionId, System.currentTimeMillis());
      acknowledge(ping.ack());
      delivery.send(ServerEvents.heartbeatPong());
    } else if (message instanceof ClientMessage.Ack ack) {
      acknowledge(ack.seq());
    } else if (message instanceof ClientMessage.Hello) {
      sendFrameError("already_connected", "hello is only valid as the first frame");
    }
  }

  /** Carries out a control-like message within the connection's control rate. */
  private void admitControl(long now, Runnable carryOut) {
    switch (rates.control(now)) {
      case ACCEPT -> carryOut.run();
      case REFUSE -> sendFrameError("rate_limited", "too many controls; this one was dropped, send it again later");
      case CLOSE -> {
        LOG.warn("[Gateway] closing the client of {}: it kept flooding controls", sessionId);
        close(CloseCode.POLICY_VIOLATION);
      }
    }
  }

  private void acknowledge(long seq) {
    if (seq > 0) {
      activity.ack(sessionId, Math.min(seq, delivery.lastDelivered()));
    }
  }

  /** An error about a frame on this connection: it concerns this socket only, so it is not stored. */
  private void sendLocalError(String code, String message) {
    sendLocal(ServerEvents.error(code, message));
  }

  /** An error about a bad frame: at most one reply a second, so a flood of bad frames gets no flood back. */
  private void sendFrameError(String code, String message) {
    if (rates.answerError(System.currentTimeMillis())) {
      sendLocalError(code, message);
    }
  }

  private void sendLocal(String event) {
    if (state != State.CLOSED && !socket.isClosed()) {
      delivery.send(event);
    }
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------

  /**
   * A frame the WebSocket decoder refused (compressed although compression is declined: 1002; over the frame
   * limit: 1009) closes the connection at once with the decoder's code, before anything else reads it.
   */
  private void onSocketError(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupted) {
      CloseCode code = corrupted.closeStatus().code() == CloseCode.MESSAGE_TOO_BIG.code()
          ? CloseCode.MESSAGE_TOO_BIG : CloseCode.PROTOCOL_ERROR;
      LOG.info("[Gateway] closing a connection to {} with {}: {}", sessionId, code.code(), e.getMessage());
      close(code);
    } else {
      LOG.debug("[Gateway] socket error for {}: {}", sessionId, e.toString());
    }
  }

  void close(CloseCode code) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnected = state == State.CONNECTED;
    state = State.CLOSED;
    delivery.stop();
    if (!socket.isClosed()) {
      socket.close((short) code.code(), code.reason());
    }
    if (wasConnected) {
      detach();
    }
  }

  private void onClosed() {
    releasePlace.run();
    vertx.cancelTimer(helloTimer);
    delivery.stop();
    if (state == State.CONNECTED) {
      state = State.CLOSED;
      detach();
      LOG.info("[Gateway] client left {} ({})", sessionId, socket.closeStatusCode());
    } else {
      state = State.CLOSED;
    }
  }

  private void detach() {
    registry.remove(this);
    route.detach();
    reportDisconnected();
  }

  /** The session service learns that no client is connected (unless a newer connection took over meanwhile). */
  private void reportDisconnected() {
    DurableRequests.request(vertx, Addresses.SESSION_DISCONNECTED, new ClientDisconnected(sessionId, connectionId),
            DurableRequests.Policy.standard(config.busTimeoutMs()))
        .onFailure(e -> LOG.info("[Gateway] the disconnect of {} was not recorded: {}", sessionId, e.getMessage()));
  }
}
