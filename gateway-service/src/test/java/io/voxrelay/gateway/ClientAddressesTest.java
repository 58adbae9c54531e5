package io.voxrelay.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.voxrelay.testing.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ClientAddresses: forwarding headers believed only from trusted proxies, read from the right")
class ClientAddressesTest {

  private static SocketAddress peer(String ip) {
    return SocketAddress.inetSocketAddress(40_000, ip);
  }

  private static MultiMap headers(String name, String value) {
    return MultiMap.caseInsensitiveMultiMap().add(name, value);
  }

  private final ClientAddresses addresses = ClientAddresses.trusting(List.of("10.0.0.0/8", "::1"));

  @Test
  @DisplayName("an untrusted peer's headers are ignored")
  void untrustedPeer() {
    assertThat(addresses.clientOf(peer("192.0.2.7"), headers("X-Forwarded-For", "127.0.0.1"))).isEqualTo("192.0.2.7");
    assertThat(ClientAddresses.trusting(List.of()).clientOf(peer("10.1.1.1"), headers("X-Forwarded-For", "1.2.3.4")))
        .as("no proxies trusted by default").isEqualTo("10.1.1.1");
  }

  @Test
  @DisplayName("behind trusted proxies the client is the rightmost address that is not a proxy")
  void behindProxies() {
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("X-Forwarded-For", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("X-Forwarded-For", "127.0.0.1, 203.0.113.9, 10.0.0.3")))
        .as("what the client wrote itself, left of the real hop, is not believed").isEqualTo("203.0.113.9");
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("Forwarded", "for=198.51.100.4;proto=https")))
        .isEqualTo("198.51.100.4");
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("Forwarded", "for=\"[2001:db8::5]:4711\"")))
        .isEqualTo("2001:db8::5");
    assertThat(addresses.clientOf(peer("0:0:0:0:0:0:0:1"), headers("X-Forwarded-For", "203.0.113.1")))
        .isEqualTo("203.0.113.1");
  }

  @Test
  @DisplayName("a hop that is no address stops the walk at the last trusted one; names are never looked up")
  void garbage() {
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("X-Forwarded-For", "unknown"))).isEqualTo("10.0.0.2");
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("X-Forwarded-For", "evil.example, 10.0.0.9")))
        .isEqualTo("10.0.0.9");
    assertThat(addresses.clientOf(null, MultiMap.caseInsensitiveMultiMap())).isEqualTo("unknown");
  }

  @Test
  @DisplayName("a bad entry in VOXRELAY_TRUSTED_PROXIES is refused at start")
  void badConfig() {
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("proxy local"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("lb/24"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("-lb"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(ClientAddresses.trusting(List.of("load_balancer", "lb.internal")).trusted().hasNames()).isTrue();
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("10.0.0.300"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientAddresses.trusting(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(ClientAddresses.trusting(List.of("10.1.2.0/23")).clientOf(peer("10.1.3.200"),
        headers("X-Forwarded-For", "203.0.113.5"))).as("a /23 holds .3.200").isEqualTo("203.0.113.5");
    assertThat(ClientAddresses.trusting(List.of("10.1.2.0/23")).clientOf(peer("10.1.4.1"),
        headers("X-Forwarded-For", "203.0.113.5"))).isEqualTo("10.1.4.1");
  }

  @Test
  @DisplayName("a proxy given by name is trusted at the addresses it resolves to, from its first answer on")
  void proxyByName() {
    Vertx vertx = Vertx.vertx();
    try {
      ClientAddresses byName = ClientAddresses.trusting(List.of("lb"));
      List<byte[]> answer = new java.util.ArrayList<>();
      boolean[] fails = {true};
      TrustedProxies.Resolver resolver = name -> {
        assertThat(name).isEqualTo("lb");
        if (fails[0]) {
          throw new UnknownHostException(name);
        }
        return answer;
      };

      Await.result(byName.trusted().refresh(vertx, resolver));
      assertThat(byName.clientOf(peer("10.89.0.7"), headers("X-Forwarded-For", "203.0.113.9")))
          .as("not resolved yet: nothing is trusted").isEqualTo("10.89.0.7");

      fails[0] = false;
      answer.add(new byte[] {10, 89, 0, 7});
      Await.result(byName.trusted().refresh(vertx, resolver));
      assertThat(byName.clientOf(peer("10.89.0.7"), headers("X-Forwarded-For", "203.0.113.9"))).isEqualTo("203.0.113.9");
      assertThat(byName.clientOf(peer("10.89.0.8"), headers("X-Forwarded-For", "203.0.113.9")))
          .as("only the name's own address, not its network").isEqualTo("10.89.0.8");

      fails[0] = true;
      Await.result(byName.trusted().refresh(vertx, resolver));
      assertThat(byName.clientOf(peer("10.89.0.7"), headers("X-Forwarded-For", "203.0.113.9")))
          .as("a failed lookup keeps the last answer").isEqualTo("203.0.113.9");

      fails[0] = false;
      answer.set(0, new byte[] {10, 89, 0, 12});
      Await.result(byName.trusted().refresh(vertx, resolver));
      assertThat(byName.clientOf(peer("10.89.0.7"), headers("X-Forwarded-For", "203.0.113.9")))
          .as("a new answer replaces the old").isEqualTo("10.89.0.7");
      assertThat(byName.clientOf(peer("10.89.0.12"), headers("X-Forwarded-For", "203.0.113.9"))).isEqualTo("203.0.113.9");
    } finally {
      Await.result(vertx.close());
    }
  }
}
