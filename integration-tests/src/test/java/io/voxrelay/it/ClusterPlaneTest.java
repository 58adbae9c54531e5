package io.voxrelay.it;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.EndSession;
import io.voxrelay.common.bus.GetSession;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster plane is closed: the event bus runs mutual TLS with the cluster certificate, so a process that
 * joins Hazelcast's membership with the cluster's name (the open-source edition cannot keep it out) still
 * cannot deliver a message to any voxrelay address, and a raw frame to a node's bus port fails the handshake.
 */
@DisplayName("The cluster plane: mutual TLS on the event bus")
class ClusterPlaneTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Test
  @DisplayName("a node with the cluster's name and no certificate cannot end a session; a member with it can read it")
  void strangerIsKeptOut() {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 1, 0, 1)) {
      VoiceClient.Created session = VoiceClient.createSession(deployment.clientVertx(), deployment.gatewayPort(0));
      try (VoiceClient client = VoiceClient.connect(deployment.clientVertx(), deployment.gatewayPort(0), session)) {
        // A member with the certificate is heard: the bus itself works over TLS.
        Vertx member = deployment.cluster.node();
        assertThat(snapshot(member, session.sessionId()).ended()).isFalse();

        Vertx stranger = deployment.cluster.stranger();
        Future<io.vertx.core.eventbus.Message<Object>> ended = stranger.eventBus().request(Addresses.SESSION_END,
            new EndSession(session.sessionId()), new DeliveryOptions().setSendTimeout(3_000));
        Await.until("the stranger's request given up", TIMEOUT, ended::isComplete);
        assertThat(ended.failed()).as("a stranger's message delivered").isTrue();

        Await.sleep(500);
        assertThat(client.events("interview.ended")).isEmpty();
        assertThat(client.isClosed()).isFalse();
        assertThat(snapshot(member, session.sessionId()).ended()).isFalse();
      }
    }
  }

  @Test
  @DisplayName("a raw frame to a node's event-bus port fails the TLS handshake: the node closes the socket unanswered")
  void rawFrameFailsTheHandshake() throws IOException {
    try (Deployment deployment = Deployment.start(Map.of(), 1, 0, 0, 0)) {
      Vertx sessionNode = deployment.sessionNodes.get(0);
      var node = ((VertxInternal) sessionNode).clusterManager().getNodeInfo();
      try (Socket socket = new Socket(node.host(), node.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        // What a clear-text bus frame starts with (a length, a protocol version, a codec id), then an address.
        byte[] address = Addresses.SESSION_END.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(4 + 2 + 4 + address.length + 64);
        frame.putInt(frame.capacity() - 4).put((byte) 2).put((byte) 16).putInt(address.length).put(address);
        out.write(frame.array());
        out.flush();
        InputStream in = socket.getInputStream();
        int read;
        try {
          read = in.read();
          while (read >= 0 && read != 0x15) {
            read = in.read();
          }
        } catch (SocketTimeoutException e) {
          throw new AssertionError("the node kept a socket open that never began a TLS handshake", e);
        } catch (IOException reset) {
          read = -1;
        }
        // Either closed at once or a TLS alert (0x15) first: never a bus reply.
        assertThat(read).isIn(-1, 0x15);
      }
    }
  }

  private static SessionSnapshot snapshot(Vertx node, String sessionId) {
    return Await.result(node.eventBus().<SessionSnapshot>request(Addresses.SESSION_GET, new GetSession(sessionId),
        new DeliveryOptions().setSendTimeout(5_000)).map(m -> m.body()));
  }
}
