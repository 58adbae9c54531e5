package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.ConnectionReplaced;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's first frame: a valid {@code hello}, from an address not locked out for failed attempts,
 * whose token the session service accepts; then the session's upstream at a relay (unless it awaits
 * resume). Whoever connected before is replaced. A refusal carries the close code the client gets.
 */
final class ClientHandshake {

  private static final Logger LOG = LoggerFactory.getLogger(ClientHandshake.class);

  /**
   * A connect that went through: the session service's answer, the client's position in the event order, and
   * the relay's answer (null while the session awaits resume).
   */
  record Joined(SessionConnected connected, long position, UpstreamOpened opened) {
  }

  /** The client is refused: it is closed with {@link #code}. */
  static final class Refused extends RuntimeException {
    private final CloseCode code;

    Refused(CloseCode code, String why) {
      super(why, null, false, false);
      this.code = code;
    }

    CloseCode code() {
      return code;
    }
  }

  private final Vertx vertx;
  private final String sessionId;
  private final String gatewayNode;
  private final String connectionId;
  private final DeliveryOptions busOptions;
  private final SlidingWindowLimiter perAddress;
  private final SlidingWindowLimiter perSession;
  private final String remoteAddress;
  private final RelayRoute route;

  /**
   * @param perAddress failed hellos per client address
   * @param perSession failed hellos per session, whatever the address: many addresses cannot guess a token (a
   *                   valid token gets in however many failed)
   */
  ClientHandshake(Vertx vertx, String sessionId, String gatewayNode, String connectionId, DeliveryOptions busOptions,
                  SlidingWindowLimiter perAddress, SlidingWindowLimiter perSession, String remoteAddress,
                  RelayRoute route) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.gatewayNode = gatewayNode;
    this.connectionId = connectionId;
    this.busOptions = busOptions;
    this.perAddress = perAddress;
    this.perSession = perSession;
    this.remoteAddress = remoteAddress;
    this.route = route;
  }

  /** Takes the first frame; fails with {@link Refused} when the client may not in. */
  Future<Joined> start(String firstFrame) {
    ClientMessage message;
    try {
      message = ClientMessage.parse(firstFrame);
    } catch (ProtocolException e) {
      LOG.info("[Gateway] bad hello for {}: {}", sessionId, e.getMessage());
      return Future.failedFuture(new Refused(CloseCode.BAD_HELLO, "bad hello"));
    }
    if (!(message instanceof ClientMessage.Hello hello)) {
      LOG.info("[Gateway] first frame for {} was not hello", sessionId);
      return Future.failedFuture(new Refused(CloseCode.BAD_HELLO, "not a hello"));
    }
    if (!perAddress.allows(remoteAddress)) {
      LOG.warn("[Gateway] refused a hello for {}: too many failed attempts from this address", sessionId);
      return Future.failedFuture(new Refused(CloseCode.TOO_MANY_ATTEMPTS, "too many attempts"));
    }
    // The session's own limit is not checked before the token: strangers failing against a session id must
    // not lock its owner out. A valid token always gets in; past the limit, a wrong one is told 4429.
    boolean sessionLimited = !perSession.allows(sessionId);
    return BusRequests.<SessionConnected>request(vertx, Addresses.SESSION_CONNECT,
            new ConnectSession(sessionId, hello.token(), gatewayNode, connectionId, hello.lastSeq(),
                System.currentTimeMillis() + busOptions.getSendTimeout()), busOptions)
        .map(Message::body)
        .compose(connected -> {
          replacePrevious(connected);
          if (connected.resumed()) {
            GatewayMetrics.of(vertx).resumes.increment();
          }
          long position = position(hello.lastSeq(), connected);
          if (connected.session().awaitingResume()) {
            // The upstream was let go; a new one opens only when the client asks to resume.
            return Future.succeededFuture(new Joined(connected, position, null));
          }
          return route.open(connected.session(), null, position, connected.replay().lastSeq()).map(opened -> {
            route.use(opened);
            return new Joined(connected, position, opened);
          });
        })
        .recover(e -> Future.failedFuture(refusal(e, sessionLimited)));
  }

  /** Where the client is in the event order: its {@code lastSeq}, but never past the highest seq issued. */
  static long position(long clientLastSeq, SessionConnected connected) {
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

  private Refused refusal(Throwable e, boolean sessionLimited) {
    if (BusFailure.is(e, BusFailure.UNAUTHORIZED)) {
      LOG.info("[Gateway] rejected connection to {}: unauthorized", sessionId);
      perAddress.record(remoteAddress);
      perSession.record(sessionId);
      return sessionLimited ? new Refused(CloseCode.TOO_MANY_ATTEMPTS, "too many attempts")
          : new Refused(CloseCode.UNAUTHORIZED, "unauthorized");
    }
    if (BusFailure.is(e, BusFailure.GONE)) {
      LOG.info("[Gateway] rejected connection to {}: the interview has ended", sessionId);
      return new Refused(CloseCode.SESSION_ENDED, "ended");
    }
    LOG.warn("[Gateway] connecting {} failed: {}", sessionId, e.toString());
    return new Refused(CloseCode.TRY_AGAIN_LATER, "unavailable");
  }
}
