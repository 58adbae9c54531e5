package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.CreateSession;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionCreated;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.config.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The session service")
class SessionVerticleTest {

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) {
    BusCodecs.register(vertx);
    vertx.deployVerticle(new SessionVerticle(StoreConfig.sqlite(dir))).onComplete(ctx.succeedingThenComplete());
  }

  private static io.vertx.core.Future<SessionCreated> create(Vertx vertx) {
    return vertx.eventBus().<SessionCreated>request(Addresses.SESSION_CREATE,
        new CreateSession("Be brief.", List.of("One?", "Two?"))).map(m -> m.body());
  }

  @Test
  @DisplayName("creates a session and lets its token, and only its token, connect")
  void createAndConnect(Vertx vertx, VertxTestContext ctx) {
    create(vertx)
        .compose(created -> vertx.eventBus().<SessionConnected>request(Addresses.SESSION_CONNECT,
            new ConnectSession(created.sessionId(), created.token(), "gw-1", "c-1", 0)).map(m -> {
              SessionSnapshot s = m.body().session();
              ctx.verify(() -> {
                assertThat(s.sessionId()).isEqualTo(created.sessionId());
                assertThat(s.questions()).containsExactly("One?", "Two?");
                assertThat(s.gatewayNode()).isEqualTo("gw-1");
                assertThat(s.currentQuestionIndex()).isZero();
              });
              return created;
            }))
        .compose(created -> vertx.eventBus().request(Addresses.SESSION_CONNECT,
            new ConnectSession(created.sessionId(), "forged", "gw-1", "c-1", 0)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAUTHORIZED);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answers an unknown session exactly as a wrong token")
  void unknownSession(Vertx vertx, VertxTestContext ctx) {
    create(vertx)
        .compose(created -> vertx.eventBus().request(Addresses.SESSION_CONNECT,
            new ConnectSession("s_nope", created.token(), "gw-1", "c-1", 0)))
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertThat(((ReplyException) e).failureCode()).isEqualTo(BusFailure.UNAUTHORIZED);
          assertThat(e.getMessage()).isEqualTo("unauthorized");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("lets exactly one of two relays claim a session")
  void relayClaims(Vertx vertx, VertxTestContext ctx) {
    create(vertx).compose(created -> renew(vertx, "relay-a", "relay-b", "relay-c").compose(v -> io.vertx.core.Future.all(
            vertx.eventBus().<RelayClaim>request(Addresses.SESSION_BIND_RELAY,
                BindRelay.claim(created.sessionId(), "relay-a", null, false)),
            vertx.eventBus().<RelayClaim>request(Addresses.SESSION_BIND_RELAY,
                BindRelay.claim(created.sessionId(), "relay-b", null, false))))
        .compose(race -> {
          RelayClaim a = race.<io.vertx.core.eventbus.Message<RelayClaim>>resultAt(0).body();
          RelayClaim b = race.<io.vertx.core.eventbus.Message<RelayClaim>>resultAt(1).body();
          ctx.verify(() -> {
            assertThat(a.granted() ^ b.granted()).as("exactly one of two racing claims wins").isTrue();
            assertThat(a.holder()).isEqualTo(b.holder()).isIn("relay-a", "relay-b");
          });
          return vertx.eventBus().<RelayClaim>request(Addresses.SESSION_BIND_RELAY,
              BindRelay.claim(created.sessionId(), "relay-c", "relay-dead", true));
        }))
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertThat(m.body().granted()).as("the holder is alive and is not the relay that disowned it").isFalse();
          assertThat(m.body().holder()).isIn("relay-a", "relay-b");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("keeps both of two concurrent updates to one session")
  void concurrentUpdates(Vertx vertx, VertxTestContext ctx) {
    create(vertx).compose(created -> renew(vertx, "relay-9").compose(v -> io.vertx.core.Future.all(
            vertx.eventBus().request(Addresses.SESSION_BIND_RELAY,
                BindRelay.claim(created.sessionId(), "relay-9", null, false)),
            vertx.eventBus().<SessionConnected>request(Addresses.SESSION_CONNECT,
                new ConnectSession(created.sessionId(), created.token(), "gw-7", "c-7", 0))))
        .compose(all -> vertx.eventBus().<SessionSnapshot>request(Addresses.SESSION_GET,
            new GetSession(created.sessionId()))))
        .onComplete(ctx.succeeding(m -> ctx.verify(() -> {
          assertThat(m.body().relayNode()).isEqualTo("relay-9");
          assertThat(m.body().gatewayNode()).isEqualTo("gw-7");
          ctx.completeNow();
        })));
  }

  /** Each relay renews its lease: only a relay with a valid lease may claim. */
  private static io.vertx.core.Future<Void> renew(Vertx vertx, String... relays) {
    return io.vertx.core.Future.all(java.util.Arrays.stream(relays)
        .map(r -> vertx.eventBus().request(Addresses.SESSION_RELAY_LEASE, new io.voxrelay.common.bus.RenewLease(r, 0)))
        .toList()).mapEmpty();
  }
}
