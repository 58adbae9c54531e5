package io.voxrelay.relay;

import io.voxrelay.common.config.UpstreamEndpoint;
import io.voxrelay.common.config.UpstreamProvider;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("UpstreamRoute: outages fail over to the fallback for good, configuration errors never do; breakers")
class UpstreamRouteTest {

  private static final UpstreamEndpoint OPENAI = new UpstreamEndpoint(UpstreamProvider.OPENAI,
      "wss://api.openai.com/v1/realtime", "gpt-realtime", Optional.empty(), 60 * 60_000, "VOXRELAY_UPSTREAM_URL");
  private static final UpstreamEndpoint AZURE = new UpstreamEndpoint(UpstreamProvider.AZURE,
      "wss://voice.openai.azure.com/openai/v1/realtime", "voice", Optional.empty(), 30 * 60_000,
      "VOXRELAY_FALLBACK_URL");

  private long now;
  private final ProviderBreakers breakers = new ProviderBreakers(60_000, () -> now);

  private static UpgradeRejectedException refused(int status) {
    return new UpgradeRejectedException("refused", status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  }

  @Test
  @DisplayName("429, a 5xx, a refused or timed-out connect, or every attempt spent: an outage, the session moves "
      + "once; 400, 401, 403 (even to the last attempt) and anything else: it stays")
  void whatFailsOver() {
    for (Throwable outage : new Throwable[] {refused(429), refused(503), new ConnectException("refused"),
        new io.netty.channel.ConnectTimeoutException("timed out")}) {
      UpstreamRoute route = new UpstreamRoute("s1", OPENAI, Optional.of(AZURE), new ProviderBreakers(0, () -> now));
      assertThat(route.failOver(outage, false)).as(String.valueOf(outage)).isTrue();
      assertThat(route.current()).isEqualTo(AZURE);
      assertThat(route.maxSessionMs()).isEqualTo(30 * 60_000);
      assertThat(route.failOver(outage, true)).as("on the fallback for good").isFalse();
      assertThat(route.current()).isEqualTo(AZURE);
    }
    UpstreamRoute spent = new UpstreamRoute("s1", OPENAI, Optional.of(AZURE), new ProviderBreakers(0, () -> now));
    assertThat(spent.failOver(new IllegalStateException("closed mid-handshake"), true))
        .as("every attempt spent, whatever the last failure was but a configuration error").isTrue();
    for (Throwable stays : new Throwable[] {refused(400), refused(401), refused(403), refused(404),
        new IllegalStateException("session closed while connecting")}) {
      UpstreamRoute route = new UpstreamRoute("s1", OPENAI, Optional.of(AZURE), breakers);
      assertThat(route.failOver(stays, false)).as(String.valueOf(stays)).isFalse();
      assertThat(route.current()).isEqualTo(OPENAI);
    }
    for (int status : new int[] {400, 401, 403}) {
      UpstreamRoute route = new UpstreamRoute("s1", OPENAI, Optional.of(AZURE), breakers);
      assertThat(route.failOver(refused(status), true)).as(status + " to the last attempt: configuration").isFalse();
    }
    assertThat(breakers.isOpen(OPENAI)).as("no outage, no breaker").isFalse();
    UpstreamRoute alone = new UpstreamRoute("s1", OPENAI, Optional.empty(), breakers);
    assertThat(alone.failOver(refused(503), false)).as("no fallback").isFalse();
  }

  @Test
  @DisplayName("after a failover, new sessions open at the fallback until the cool-down has passed")
  void breakerCoolDown() {
    UpstreamRoute first = new UpstreamRoute("s1", OPENAI, Optional.of(AZURE), breakers);
    assertThat(first.current()).isEqualTo(OPENAI);
    assertThat(first.failOver(refused(503), false)).isTrue();
    now += 59_999;
    assertThat(new UpstreamRoute("s2", OPENAI, Optional.of(AZURE), breakers).current()).isEqualTo(AZURE);
    now += 1;
    assertThat(new UpstreamRoute("s3", OPENAI, Optional.of(AZURE), breakers).current()).isEqualTo(OPENAI);
  }
}
