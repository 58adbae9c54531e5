package io.voxrelay.gateway;

import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.ClientDetached;
import io.voxrelay.common.bus.ApplyControl;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.ControlRequest;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ProtocolException;
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

import java.util.UUID;

/**
 * One client WebSocket on this gateway: waits for {@code hello}, authenticates it with the session service,
 * finds or opens the session's upstream at a relay, then relays the client's frames. Confined to the gateway
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
  private final HelloFailureLimiter limiter;
  private final ActivityAccumulator activity;
  private final String remoteAddress;
  private final DeliveryOptions busOptions;
  private final long helloTimer;
  private State state = State.AWAITING_HELLO;
  private String relayNode;
  /** Audio is dropped here while paused or awaiting resume, before it costs a bus message. */
  private boolean audioGated;
  /** Controls run one after another, in the order the client sent them. */
  private Future<Void> controls = Future.succeededFuture();

  ClientConnection(Vertx vertx, ServerWebSocket socket, String sessionId, String gatewayNode,
                   ClientRegistry registry, HelloFailureLimiter limiter, ActivityAccumulator activity,
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
    this.helloTimer = vertx.setTimer(helloTimeoutMs, id -> {
      if (state == State.AWAITING_HELLO) {
        close(CloseCode.HELLO_TIMEOUT);
      }
    });
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(b -> sendError("binary_not_supported", "send audio as JSON 'audio' messages"));
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> LOG.debug("[Gateway] socket error for {}: {}", sessionId, e.toString()));
  }

  String sessionId() {
    return sessionId;
  }

  /** The relay instance holding this session's upstream, or null when none does. */
  String relayNode() {
    return relayNode;
  }

  /** Writes one server event (a JSON text frame) if the socket is live, then closes it if asked to. */
  void deliver(String json, int closeCode) {
    if (state != State.CONNECTED) {
      return;
    }
    if (json != null) {
      socket.writeTextMessage(json);
    }
    if (closeCode != 0) {
      close(CloseCode.of(closeCode));
    }
  }

  private void onText(String text) {
    switch (state) {
      case AWAITING_HELLO -> onHello(text);
      case CONNECTING -> sendError("not_connected", "wait for 'connected' before sending");
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
            new ConnectSession(sessionId, hello.token(), gatewayNode), busOptions)
        .map(Message::body)
        .compose(connected -> {
          if (connected.session().awaitingResume()) {
            // The upstream was let go; a new one opens only when the client asks to resume.
            return Future.succeededFuture(connected);
          }
          return openUpstream(connected.session()).map(opened -> {
            relayNode = opened.relayNode();
            return connected;
          });
        })
        .onSuccess(this::onConnected)
        .onFailure(this::onConnectFailed);
  }

  /** Re-attaches to the relay already holding the session, or asks any relay to open it. */
  private Future<UpstreamOpened> openUpstream(SessionSnapshot session) {
    OpenUpstream open = new OpenUpstream(sessionId, gatewayNode, connectionId, session);
    Future<UpstreamOpened> attempt = session.relayNode() == null
        ? Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no relay bound"))
        : vertx.eventBus().<UpstreamOpened>request(Addresses.relayNode(session.relayNode()), open, busOptions)
            .map(m -> m.body());
    return attempt.recover(e -> isRelayGone(e)
        ? vertx.eventBus().<UpstreamOpened>request(Addresses.RELAY_OPEN, open, busOptions).map(m -> m.body())
        : Future.failedFuture(e));
  }

  private static boolean isRelayGone(Throwable e) {
    return e instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT);
  }

  private void onConnected(SessionConnected connected) {
    SessionSnapshot session = connected.session();
    if (state != State.CONNECTING) {
      // The client left while we were connecting: let the relay start its detach grace.
      detachFromRelay();
      return;
    }
    state = State.CONNECTED;
    audioGated = session.paused() || session.awaitingResume();
    registry.put(this);
    socket.writeTextMessage(ServerEvents.connected(session, connected.resumeToken(), connected.resumed()));
    LOG.info("[Gateway] client connected to {} (resumed: {}, awaiting resume: {})", sessionId, connected.resumed(),
        session.awaitingResume());
  }

  private void onConnectFailed(Throwable e) {
    if (e instanceof ReplyException re && re.failureCode() == BusFailure.UNAUTHORIZED) {
      LOG.info("[Gateway] rejected connection to {}: unauthorized", sessionId);
      limiter.recordFailure(remoteAddress);
      close(CloseCode.UNAUTHORIZED);
    } else if (e instanceof ReplyException re && re.failureCode() == BusFailure.GONE) {
      LOG.info("[Gateway] rejected connection to {}: the interview has ended", sessionId);
      close(CloseCode.SESSION_ENDED);
    } else if (e instanceof ReplyException re && re.failureCode() == BusFailure.UNAVAILABLE) {
      LOG.warn("[Gateway] no upstream for {}: {}", sessionId, e.getMessage());
      close(CloseCode.TRY_AGAIN_LATER);
    } else {
      LOG.warn("[Gateway] connecting {} failed: {}", sessionId, e.toString());
      close(CloseCode.TRY_AGAIN_LATER);
    }
  }

  private void onMessage(String text) {
    ClientMessage message;
    try {
      message = ClientMessage.parse(text);
    } catch (ProtocolException e) {
      sendError(e.code(), e.getMessage());
      return;
    }
    if (message instanceof ClientMessage.Audio audio) {
      if (!audioGated) {
        vertx.eventBus().send(Addresses.relayNode(relayNode), new ClientAudio(sessionId, audio.base64Pcm()));
      }
    } else if (message instanceof ClientMessage.ControlMessage control) {
      if (control.control() == Control.PAUSE) {
        audioGated = true;
      }
      controls = controls.transform(v -> applyControl(control.control(), control.text()));
    } else if (message instanceof ClientMessage.HeartbeatPing) {
      activity.heartbeat(sessionId, System.currentTimeMillis());
      socket.writeTextMessage(ServerEvents.heartbeatPong());
    } else if (message instanceof ClientMessage.Hello) {
      sendError("already_connected", "hello is only valid as the first frame");
    }
  }

  /**
   * Applies a control: first to the session state (the session service decides whether it fits), then
   * upstream at the relay. Audio flows again only once the relay has resumed.
   */
  private Future<Void> applyControl(Control control, String text) {
    return vertx.eventBus().<SessionSnapshot>request(Addresses.SESSION_CONTROL,
            new ControlRequest(sessionId, control, text), busOptions)
        .compose(reply -> {
          SessionSnapshot session = reply.body();
          Future<Void> applied = relayNode != null || control == Control.RESUME
              ? applyAtRelay(control, text, session)
              : applyWithoutUpstream(control, session);
          return applied.map(done -> {
            audioGated = session.paused() || session.awaitingResume();
            return (Void) null;
          });
        })
        .recover(e -> {
          // The gate stays as it is: a failed pause keeps audio back, a failed resume does not release it.
          sendError(controlErrorCode(e), controlErrorMessage(control, e));
          return Future.succeededFuture();
        });
  }

  /** Carries a control out upstream; a resume of a session without an upstream opens one first. */
  private Future<Void> applyAtRelay(Control control, String text, SessionSnapshot session) {
    Future<Void> ready = relayNode != null ? Future.succeededFuture()
        : openUpstream(session).map(opened -> {
          relayNode = opened.relayNode();
          LOG.info("[Gateway] upstream of {} reopened on resume", sessionId);
          return null;
        });
    return ready
        .compose(v -> vertx.eventBus().request(Addresses.relayNode(relayNode),
            new ApplyControl(sessionId, control, text, session), busOptions))
        .<Void>mapEmpty()
        .recover(e -> control == Control.END
            // The relay could not confirm: still end the interview for the client, as it asked.
            ? applyWithoutUpstream(control, session)
            : Future.failedFuture(e));
  }

  /** A session without an upstream (awaiting resume): the state changed; the client is told here. */
  private Future<Void> applyWithoutUpstream(Control control, SessionSnapshot session) {
    ServerEvents.afterControl(control, session)
        .ifPresent(event -> deliver(event, control == Control.END ? CloseCode.NORMAL.code() : 0));
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

  private void sendError(String code, String message) {
    if (state != State.CLOSED && !socket.isClosed()) {
      socket.writeTextMessage(ServerEvents.error(code, message));
    }
  }

  void close(CloseCode code) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasConnected = state == State.CONNECTED;
    state = State.CLOSED;
    if (!socket.isClosed()) {
      socket.close((short) code.code(), code.reason());
    }
    if (wasConnected) {
      detach();
    }
  }

  private void onClosed() {
    vertx.cancelTimer(helloTimer);
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
    detachFromRelay();
  }

  private void detachFromRelay() {
    if (relayNode != null) {
      vertx.eventBus().send(Addresses.relayNode(relayNode), new ClientDetached(sessionId, gatewayNode, connectionId));
    }
  }
}
