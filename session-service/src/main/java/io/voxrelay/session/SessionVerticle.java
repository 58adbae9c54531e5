package io.voxrelay.session;

import io.voxrelay.common.bus.ActivityBatch;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.RelayControlDone;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.GetTranscript;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.bus.TerminateSessions;
import io.voxrelay.common.bus.TerminateUpstream;
import io.voxrelay.common.bus.TerminatedSession;
import io.voxrelay.common.bus.TerminatedSessions;
import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.RetentionConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.TerminationReason;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.NoSuchElementException;

/**
 * The session service: the only owner of session state and resume tokens. Any number of instances may run;
 * they share one {@link SessionStore}.
 */
public final class SessionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);

  private final StoreConfig config;
  private final Clock clock;
  private volatile SessionStore store;
  private Terminations terminations;
  private final RetentionConfig retentionConfig;
  private RetentionSweep retention;

  public SessionVerticle() {
    this(StoreConfig.fromEnv(Env.system()));
  }

  public SessionVerticle(StoreConfig config) {
    this(config, RetentionConfig.fromEnv(Env.system()), Clock.systemUTC());
  }

  public SessionVerticle(StoreConfig config, RetentionConfig retention) {
    this(config, retention, Clock.systemUTC());
  }

  SessionVerticle(StoreConfig config, Clock clock) {
    this(config, RetentionConfig.fromEnv(Env.system()), clock);
  }

  SessionVerticle(StoreConfig config, RetentionConfig retention, Clock clock) {
    this.config = config;
    this.retentionConfig = retention;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    var bus = vertx.eventBus();
    return JdbcSessionStore.open(vertx, config)
        .compose(opened -> {
          store = opened;
          terminations = new Terminations(vertx, opened, clock);
          retention = new RetentionSweep(vertx, opened, retentionConfig, config.replayMaxAgeMs(), clock);
          retention.start();
          return Future.all(List.of(
              bus.<CreateSession>consumer(Addresses.SESSION_CREATE, this::create).completion(),
              bus.<ConnectSession>consumer(Addresses.SESSION_CONNECT, this::connect).completion(),
              bus.<BindRelay>consumer(Addresses.SESSION_BIND_RELAY, this::bindRelay).completion(),
              bus.<SessionControlRequest>consumer(Addresses.SESSION_CONTROL, this::control).completion(),
              bus.<UpstreamClosed>consumer(Addresses.SESSION_UPSTREAM_CLOSED, this::upstreamClosed).completion(),
              bus.<ActivityBatch>consumer(Addresses.SESSION_ACTIVITY, this::activity).completion(),
              bus.<FindExpired>consumer(Addresses.SESSION_FIND_EXPIRED, this::findExpired).completion(),
              bus.<TerminateSessions>consumer(Addresses.SESSION_TERMINATE, this::terminate).completion(),
              bus.<ConfirmConnection>consumer(Addresses.SESSION_CONFIRM, this::confirm).completion(),
              bus.<EmitEvents>consumer(Addresses.SESSION_EMIT, this::emit).completion(),
              bus.<ReplayRequest>consumer(Addresses.SESSION_REPLAY, this::replay).completion(),
              bus.<GetSession>consumer(Addresses.SESSION_GET, this::get).completion(),
              bus.<GetTranscript>consumer(Addresses.SESSION_TRANSCRIPT, this::transcript).completion(),
              bus.<RelayControlDone>consumer(Addresses.SESSION_CONTROL_APPLIED, m -> store.markApplied(
                  m.body().sessionId(), m.body().clientSeq())).completion()));
        })
        .onSuccess(v -> LOG.info("[SessionService] Started"));
  }

  /** The store's write transactions so far ({@link SessionStore#writeTransactions()}); 0 before it opened. */
  public long storeWriteTransactions() {
    SessionStore opened = store;
    return opened == null ? 0 : opened.writeTransactions();
  }

  @Override
  public Future<?> stop() {
    if (retention != null) {
      retention.stop();
    }
    return store == null ? Future.succeededFuture() : store.close();
  }

  private void create(Message<CreateSession> message) {
    CreateSession request = message.body();
    String token = Tokens.newToken();
    long now = clock.millis();
    SessionRecord session = SessionRecord.create(Tokens.newSessionId(), request.instructions(),
        request.questions(), Tokens.hash(token), now + config.tokenTtlMs(), now);
    store.insert(session)
        .onSuccess(v -> {
          LOG.info("[SessionService] Session created: {} ({} questions)", session.sessionId(),
              session.questions().size());
          message.reply(new SessionCreated(session.sessionId(), token));
        })
        .onFailure(e -> fail(message, "create", e));
  }

  /**
   * Checks the token and rotates it in one atomic update, recording this connection as the session's live
   * one (the gateway closes the one it replaces). Unknown session, wrong token, expired token and a token
   * already replaced all answer {@link BusFailure#UNAUTHORIZED}; only a valid token learns that the
   * interview has ended.
   *
   * <p>The token a rotation replaces stays valid until the client confirms it received the new one
   * ({@link ConfirmConnection}, sent by the gateway on the client's first frame): a connection that drops
   * before {@code connected} arrives cannot lock its client out.
   */
  private void connect(Message<ConnectSession> message) {
    ConnectSession request = message.body();
    String newToken = Tokens.newToken();
    String newHash = Tokens.hash(newToken);
    long now = clock.millis();
    boolean[] resumed = new boolean[1];
    String[] previous = new String[2];
    store.update(request.sessionId(), s -> {
          boolean current = Tokens.matches(request.token(), s.tokenHash());
          boolean replaced = !current && Tokens.matches(request.token(), s.previousTokenHash());
          if (!(current || replaced) || s.tokenExpiresAt() <= now) {
            throw new Unauthorized();
          }
          if (s.ended()) {
            throw new ControlRules.Refused(BusFailure.GONE, "the interview has ended");
          }
          resumed[0] = s.connections() > 0;
          previous[0] = s.gatewayNode();
          previous[1] = s.connectionId();
          // A connecting client is alive: that counts as its heartbeat.
          return s.toBuilder().token(newHash, now + config.tokenTtlMs())
              .previousTokenHash(current ? s.tokenHash() : s.previousTokenHash())
              .gatewayNode(request.gatewayNode()).connectionId(request.connectionId())
              .connections(s.connections() + 1).lastHeartbeatAt(now).build();
        })
        // The history comes with the replay, read after the latest seq: it holds every turn whose event the
        // client may have processed, so a client never loses a turn it already showed.
        .compose(s -> store.replay(s.sessionId(), request.lastSeq(), true)
            .map(replay -> new SessionConnected(s.toBuilder().history(replay.history()).build().snapshot(), newToken,
                resumed[0], replay, previous[0], previous[1])))
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "connect", e instanceof NoSuchElementException ? new Unauthorized() : e));
  }

  private void confirm(Message<ConfirmConnection> message) {
    ConfirmConnection request = message.body();
    store.update(request.sessionId(), s -> request.connectionId().equals(s.connectionId())
            && s.previousTokenHash() != null ? s.toBuilder().previousTokenHash(null).build() : s)
        .onSuccess(s -> message.reply(null))
        .onFailure(e -> fail(message, "confirm", e));
  }

  private void emit(Message<EmitEvents> message) {
    EmitEvents request = message.body();
    store.appendEvents(request.sessionId(), request.events(), request.turns(), request.appliedClientSeq(),
            clock.millis())
        .onSuccess(stamped -> message.reply(new EmittedEvents(stamped)))
        .onFailure(e -> fail(message, "emit", e));
  }

  private void replay(Message<ReplayRequest> message) {
    store.replay(message.body().sessionId(), message.body().afterSeq())
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "replay", e));
  }

  private void get(Message<GetSession> message) {
    store.find(message.body().sessionId())
        .onSuccess(s -> {
          if (s == null) {
            message.fail(BusFailure.NOT_FOUND, "no such session");
          } else {
            message.reply(s.snapshot());
          }
        })
        .onFailure(e -> fail(message, "get", e));
  }

  private void transcript(Message<GetTranscript> message) {
    GetTranscript request = message.body();
    store.transcript(request.sessionId(), request.afterPosition(), request.limit())
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "transcript", e));
  }

  private void bindRelay(Message<BindRelay> message) {
    BindRelay request = message.body();
    store.update(request.sessionId(), s -> {
          if (!Objects.equals(s.relayNode(), request.expectedRelayNode())
              && !Objects.equals(s.relayNode(), request.relayNode())) {
            return s;
          }
          return s.toBuilder().relayNode(request.relayNode()).build();
        })
        .onSuccess(session -> message.reply(Objects.equals(session.relayNode(), request.relayNode())
            ? RelayClaim.granted(session.relayNode()) : RelayClaim.refused(session.relayNode())))
        .onFailure(e -> fail(message, "bind-relay", e));
  }

  /**
   * Applies a control once per client seq: a resend of a seq already processed changes nothing and is
   * answered as a duplicate. Only the session's live connection may control it.
   */
  private void control(Message<SessionControlRequest> message) {
    SessionControlRequest request = message.body();
    long now = clock.millis();
    boolean[] duplicate = new boolean[1];
    store.update(request.sessionId(), s -> {
          if (request.connectionId() != null && !request.connectionId().equals(s.connectionId())) {
            throw new ControlRules.Refused(BusFailure.SUPERSEDED, "a newer connection took this session over");
          }
          duplicate[0] = request.clientSeq() > 0 && request.clientSeq() <= s.lastClientSeq();
          if (duplicate[0]) {
            return s;
          }
          SessionRecord applied = ControlRules.apply(s, request.control(), now);
          return request.clientSeq() > 0 ? applied.toBuilder().lastClientSeq(request.clientSeq()).build() : applied;
        })
        // Only a resume may open a new upstream (from the gateway), which needs the conversation to restore.
        .compose(session -> request.control() == Control.RESUME ? store.find(session.sessionId()) : Future.succeededFuture(session))
        .onSuccess(session -> message.reply(new SessionControlReply(session.snapshot(), duplicate[0])))
        .onFailure(e -> fail(message, "control", e));
  }

  /** The relay holding the session let its upstream go: a new one opens only on resume. */
  private void upstreamClosed(Message<UpstreamClosed> message) {
    UpstreamClosed event = message.body();
    store.update(event.sessionId(), s -> event.relayNode().equals(s.relayNode())
            ? s.toBuilder().relayNode(null).awaitingResume(!s.ended()).build() : s)
        .onSuccess(s -> LOG.info("[SessionService] upstream of {} closed; awaiting resume: {}", s.sessionId(),
            s.awaitingResume()))
        .onFailure(e -> LOG.warn("[SessionService] upstream-closed for {} not applied: {}", event.sessionId(),
            e.toString()));
  }

  private void activity(Message<ActivityBatch> message) {
    store.recordActivity(message.body().activities())
        .onFailure(e -> LOG.warn("[SessionService] activity of {} sessions not recorded: {}",
            message.body().activities().size(), e.toString()));
  }

  private void findExpired(Message<FindExpired> message) {
    store.findExpired(message.body())
        .onSuccess(message::reply)
        .onFailure(e -> fail(message, "find-expired", e));
  }

  private void terminate(Message<TerminateSessions> message) {
    terminations.terminate(message.body().terminations())
        .onSuccess(ended -> message.reply(new TerminatedSessions(ended)));
  }

  private static void fail(Message<?> message, String operation, Throwable e) {
    if (e instanceof ControlRules.Refused refused) {
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
