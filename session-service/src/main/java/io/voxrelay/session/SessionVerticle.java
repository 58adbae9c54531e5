package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.ControlRequest;
import io.voxrelay.common.bus.RecordTurn;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.bus.SessionSnapshot;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.NoSuchElementException;

/**
 * The session service: the only owner of session state and client tokens. Any number of instances may run;
 * they share one {@link SessionStore}.
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private final Clock clock;
  private SessionStore store;

  public SessionVerticle() {
    this(Clock.systemUTC());
  }

  SessionVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    store = new ClusterMapSessionStore(vertx);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<CreateSession>consumer(Addresses.SESSION_CREATE, this::create).completion(),
        bus.<ConnectSession>consumer(Addresses.SESSION_CONNECT, this::connect).completion(),
        bus.<BindRelay>consumer(Addresses.SESSION_BIND_RELAY, this::bindRelay).completion(),
        bus.<ControlRequest>consumer(Addresses.SESSION_CONTROL, this::control).completion(),
        bus.<RecordTurn>consumer(Addresses.SESSION_RECORD_TURN, this::recordTurn).completion())
        .onSuccess(v -> LOG.info("[SessionService] Started"));
  }

  private void create(Message<CreateSession> message) {
    CreateSession request = message.body();
    String token = Tokens.newToken();
    SessionRecord session = SessionRecord.create(Tokens.newSessionId(), request.instructions(),
        request.questions(), Tokens.hash(token), clock.millis());
    store.insert(session)
        .onSuccess(v -> {
          LOG.info("[SessionService] Session created: {} ({} questions)", session.sessionId(),
              session.questions().size());
          message.reply(new SessionCreated(session.sessionId(), token));
        })
        .onFailure(e -> fail(message, "create", e));
  }

  private void connect(Message<ConnectSession> message) {
    ConnectSession request = message.body();
    store.find(request.sessionId())
        .compose(session -> {
          if (session == null || !Tokens.matches(request.token(), session.tokenHash())) {
            return Future.failedFuture(new Unauthorized());
          }
          if (session.ended()) {
            return Future.failedFuture(new Controls.Refused(BusFailure.GONE, "the interview has ended"));
          }
          return store.update(request.sessionId(), s -> s.withGatewayNode(request.gatewayNode()));
        })
        .onSuccess(session -> message.reply(session.snapshot()))
        .onFailure(e -> fail(message, "connect", e));
  }

  private void bindRelay(Message<BindRelay> message) {
    BindRelay request = message.body();
    store.update(request.sessionId(), s -> s.withRelayNode(request.relayNode()))
        .onSuccess(session -> message.reply(session.snapshot()))
        .onFailure(e -> fail(message, "bind-relay", e));
  }

  private void control(Message<ControlRequest> message) {
    ControlRequest request = message.body();
    store.update(request.sessionId(), s -> Controls.apply(s, request.control()))
        .onSuccess(session -> message.reply(session.snapshot()))
        .onFailure(e -> fail(message, "control", e));
  }

  private void recordTurn(Message<RecordTurn> message) {
    RecordTurn request = message.body();
    store.update(request.sessionId(), s -> s.withTurn(request.turn()))
        .onFailure(e -> LOG.warn("[SessionService] turn of {} not recorded: {}", request.sessionId(), e.toString()));
  }

  private static void fail(Message<?> message, String operation, Throwable e) {
    if (e instanceof Controls.Refused refused) {
      message.fail(refused.code, refused.getMessage());
    } else if (e instanceof Unauthorized) {
      message.fail(BusFailure.UNAUTHORIZED, "unauthorized");
    } else if (e instanceof NoSuchElementException) {
      message.fail(BusFailure.NOT_FOUND, "no such session");
    } else {
      LOG.error("[SessionService] {} failed", operation, e);
      message.fail(BusFailure.INTERNAL, operation + " failed");
    }
  }

  /** Unknown session or wrong token, deliberately indistinguishable to the caller. */
  private static final class Unauthorized extends RuntimeException {
    Unauthorized() {
      super("unauthorized", null, false, false);
    }
  }

}
