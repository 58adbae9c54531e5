package io.voxrelay.gateway;

import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.ClientAudio;
import io.voxrelay.common.bus.ClientDetached;
import io.voxrelay.common.bus.ConfirmConnection;
import io.voxrelay.common.bus.ConnectSession;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.LiveRelays;
import io.voxrelay.common.bus.OpenUpstream;
import io.voxrelay.common.bus.RelayCommand;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.SessionConnected;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thin connection on a real WebSocket: it routes frames to its parts. The session service and the relay
 * are played by consumers that answer as they do; the whole path runs in the integration tests.
 */
@DisplayName("ClientConnection: hello first, then frames routed: audio to the relay, events to the socket")
class ClientConnectionTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Object> atRelay = new CopyOnWriteArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private final List<ConfirmConnection> confirms = new CopyOnWriteArrayList<>();
  private WebSocketClient client;
  private WebSocket socket;
  /** How long the session service takes to answer a hello. */
  private long connectDelayMs;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private void connect(Map<String, String> env) {
    BusCodecs.register(vertx);
    SessionSnapshot session = new SessionSnapshot("s1", "i", List.of("Q?"), 0, false, false, false, false, null,
        "gw-1", 0, 0, List.of(), 0);
    vertx.eventBus().<ConnectSession>consumer(Addresses.SESSION_CONNECT, m -> vertx.setTimer(
        Math.max(1, connectDelayMs), t -> m.reply(new SessionConnected(session, "tok-2", false,
            new Replay(List.of(NumberedEvent.of("{\"type\":\"stored\"}", EventSeq.durable(1))), false,
                EventSeq.durable(1), List.of()), null, null))));
    vertx.eventBus().<ConfirmConnection>consumer(Addresses.SESSION_CONFIRM, m -> {
      confirms.add(m.body());
      m.reply(null);
    });
    vertx.eventBus().<FindLiveRelays>consumer(Addresses.SESSION_LIVE_RELAYS, m -> m.reply(new LiveRelays(List.of("r1"))));
    vertx.eventBus().<RelayCommand>consumer(Addresses.relayNode("r1"), m -> {
      if (m.body() instanceof OpenUpstream) {
        m.reply(new UpstreamOpened("s1", "r1", List.of(), false));
      } else {
        atRelay.add(m.body());
      }
    });
    GatewayConfig config = GatewayConfig.fromEnv(new Env(env));
    ClientRegistry registry = new ClientRegistry();
    var server = vertx.createHttpServer().webSocketHandler(ws -> new ClientConnection(vertx, ws, "s1", "127.0.0.1",
        "gw-1", registry, GatewayLimits.of(config), new ActivityAccumulator(), config,
        new LiveRelayView(vertx, config.busTimeoutMs(), () -> System.nanoTime() / 1_000_000),
        new io.voxrelay.common.bus.LiveSenders(vertx, () -> { })));
    vertx.eventBus().<ToClient>consumer(Addresses.gatewayNode("gw-1"), m -> {
      ClientConnection connection = registry.get(m.body().sessionId());
      if (connection != null) {
        connection.deliver(m.body());
      }
    });
    int port = Await.result(server.listen(0)).actualPort();
    client = vertx.createWebSocketClient();
    socket = Await.result(client.connect(port, "localhost", "/"));
    socket.textMessageHandler(received::add);
    socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
  }

  private String type(int index) {
    return Json.parse(received.get(index)).path("type").asText();
  }

  @Test
  @DisplayName("a hello connects: connected with the server's constants, then the replay; audio goes to the relay")
  void connects() {
    connect(Map.of("VOXRELAY_HEARTBEAT_INTERVAL_MS", "4321"));
    socket.writeTextMessage("{\"type\":\"hello\",\"token\":\"tok\",\"lastSeq\":0}");
    Await.until("connected and replayed", Duration.ofSeconds(5), () -> received.size() == 2);
    assertThat(type(0)).isEqualTo("connected");
    assertThat(Json.parse(received.get(0)).path("heartbeatIntervalMs").asLong()).isEqualTo(4321);
    assertThat(type(1)).isEqualTo("stored");
    String frame = java.util.Base64.getEncoder().encodeToString(new byte[960]);
    socket.writeTextMessage("{\"type\":\"audio\",\"data\":\"" + frame + "\"}");
    Await.until("audio at the relay", Duration.ofSeconds(5),
        () -> atRelay.stream().anyMatch(c -> c instanceof ClientAudio));
    vertx.eventBus().send(Addresses.gatewayNode("gw-1"),
        ToClient.numbered("s1", NumberedEvent.of("{\"type\":\"live\"}", EventSeq.durable(2)), 0));
    Await.until("a relay's event reached the socket", Duration.ofSeconds(5), () -> received.size() == 3);
    assertThat(type(2)).isEqualTo("live");
    socket.close();
    Await.until("the relay heard the client left", Duration.ofSeconds(5),
        () -> atRelay.stream().anyMatch(c -> c instanceof ClientDetached));
  }

  @Test
  @DisplayName("a first frame that is not a hello closes with 4400")
  void badHello() {
    connect(Map.of());
    socket.writeTextMessage("{\"type\":\"audio\",\"data\":\"AAAA\"}");
    assertThat(Await.result(closed.future())).isEqualTo((short) 4400);
    assertThat(atRelay).isEmpty();
  }

  @Test
  @DisplayName("a binary frame gets an error and the connection goes on")
  void binaryFrame() {
    connect(Map.of());
    socket.writeTextMessage("{\"type\":\"hello\",\"token\":\"tok\",\"lastSeq\":0}");
    Await.until("connected", Duration.ofSeconds(5), () -> received.size() == 2);
    socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));
    Await.until("an error", Duration.ofSeconds(5), () -> received.size() == 3);
    assertThat(Json.parse(received.get(2)).path("code").asText()).isEqualTo("binary_not_supported");
    assertThat(socket.isClosed()).isFalse();
  }

  @Test
  @DisplayName("a frame sent before connected arrived keeps the token just used valid; the first one after retires it")
  void confirmsOnlyOnceConnected() {
    connectDelayMs = 300;
    connect(Map.of());
    socket.writeTextMessage("{\"type\":\"hello\",\"token\":\"tok\",\"lastSeq\":0}");
    // A client that pings at once, before it has the new token: the connection may still drop before it does.
    socket.writeTextMessage("{\"type\":\"heartbeat.ping\",\"ack\":0}");
    Await.until("connected", Duration.ofSeconds(5), () -> received.stream().anyMatch(r -> r.contains("connected")));
    Await.sleep(300);
    assertThat(confirms).as("no token retired by a frame sent before connected").isEmpty();
    socket.writeTextMessage("{\"type\":\"heartbeat.ping\",\"ack\":1}");
    Await.until("the token just used retired once", Duration.ofSeconds(5), () -> confirms.size() == 1);
    assertThat(confirms.get(0).sessionId()).isEqualTo("s1");
  }
}
