package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one typed turn costs on the event bus, counted with outbound interceptors on every service node: from the
 * gateway's first message for it until the session service stores its {@code transcript.done}, a typed turn
 * takes at most two request/replies (gateway → relay, relay → store) and no separate "control applied" message.
 */
@DisplayName("A typed turn crosses the bus in one pass")
class TypedTurnBusTrafficTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final String RELAY_NODE = io.voxrelay.common.bus.Addresses.relayNode("");
  private static Deployment deployment;

  /** One message a service node sent: "request <address> <body type>" or "send <address> <body type>". */
  private record Sent(boolean request, String address, Object body) {
    @Override
    public String toString() {
      String to = address.startsWith(RELAY_NODE) ? RELAY_NODE + "<relay>" : address;
      return (request ? "request " : "send ") + to + " " + body.getClass().getSimpleName();
    }
  }

  private static final List<Sent> sent = new CopyOnWriteArrayList<>();
  private static volatile String watched;

  @BeforeAll
  static void start() {
    deployment = Deployment.start(Map.of(), 1, 1, 0, 1);
    for (List<Vertx> nodes : List.of(deployment.gatewayNodes, deployment.relayNodes, deployment.sessionNodes)) {
      nodes.forEach(node -> node.eventBus().addOutboundInterceptor(TypedTurnBusTrafficTest::record));
    }
  }

  @AfterAll
  static void stop() {
    if (deployment != null) {
      deployment.close();
    }
  }

  /** Keeps the watched session's messages; replies (to a reply address) are the second half of a request. */
  private static void record(DeliveryContext<Object> context) {
    String address = context.message().address();
    Object body = context.body();
    if (watched != null && body != null && !address.startsWith("__vertx.reply") && watched.equals(sessionOf(body))) {
      sent.add(new Sent(context.message().replyAddress() != null, address, body));
    }
    context.next();
  }

  private static String sessionOf(Object body) {
    try {
      Method sessionId = body.getClass().getMethod("sessionId");
      return sessionId.invoke(body) instanceof String id ? id : null;
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static boolean storesUserTurn(Sent message, String text) {
    return message.body() instanceof EmitEvents emit
        && emit.turns().stream().anyMatch(t -> Turn.USER.equals(t.role()) && text.equals(t.text()));
  }

  @Test
  @DisplayName("from the gateway until its transcript.done is stored: two request/replies, no control-applied")
  void typedTurnInOnePass() {
    VoiceClient.Created created = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
    try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), created)) {
      // Settled first: the client's first frame confirms its new token, and the open's messages are done, so
      // nothing else of the session moves while counting.
      client.send("{\"type\":\"heartbeat.ping\"}");
      client.awaitEvent("heartbeat.pong", TIMEOUT);
      Await.sleep(500);
      watched = created.sessionId();
      String text = "counted on the bus";
      client.send("{\"type\":\"text\",\"seq\":1,\"text\":\"" + text + "\"}");
      JsonNode done = client.awaitEvent("the user turn's transcript.done", TIMEOUT,
          e -> "transcript.done".equals(e.path("type").asText()) && "user".equals(e.path("role").asText()));
      assertThat(done.path("text").asText()).isEqualTo(text);
      Await.until("the store's part recorded", TIMEOUT, () -> sent.stream().anyMatch(m -> storesUserTurn(m, text)));

      List<Sent> untilStored = new ArrayList<>();
      for (Sent message : sent) {
        untilStored.add(message);
        if (storesUserTurn(message, text)) {
          break;
        }
      }
      List<String> requests = untilStored.stream().filter(Sent::request).map(Sent::toString).toList();
      System.out.println("[bus] one typed turn, until its transcript.done is stored: " + untilStored);
      assertThat(requests).as("request/replies: the control to the relay, the turn to the store")
          .containsExactly("request " + RELAY_NODE + "<relay> RelayControlRequest",
              "request voxrelay.session.emit EmitEvents");
      assertThat(untilStored).extracting(Sent::address).as("no separate message says the control was applied")
          .noneMatch(address -> address.contains("control"));
    }
  }
}
