package io.voxrelay.common.cluster;

import com.hazelcast.config.Config;
import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.ClusterTls;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The Hazelcast join configuration")
class ClusteredVertxTest {

  @Test
  @DisplayName("defaults to TCP/IP on loopback with multicast and auto-detection off")
  void loopbackDefaults() {
    Config hz = ClusteredVertx.hazelcastConfig(ClusterConfig.loopback("c1", ClusterTls.off()));
    assertThat(hz.getClusterName()).isEqualTo("c1");
    assertThat(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .hasSize(20).contains("127.0.0.1:5701", "127.0.0.1:5720");
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(hz.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    // Vert.x's own map settings survive.
    assertThat(hz.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("members, interface and public address come from the configuration")
  void hostSettings() {
    ClusterConfig config = new ClusterConfig("prod", "0.0.0.0", 5801, List.of("10.1.0.5", "10.1.0.6:5801-5802"),
        Optional.of("203.0.113.7:5801"), 0, 10, 7, List.of(), true, ClusterTls.off());
    Config hz = ClusteredVertx.hazelcastConfig(config);
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("10.1.0.5", "10.1.0.6:5801", "10.1.0.6:5802");
    assertThat(hz.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.7:5801");
    assertThat(hz.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hz.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("7");
    assertThat(hz.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("7");
    // Bounded by the failure timeout (10 s here), not Hazelcast's 300 s and 600 s.
    assertThat(hz.getProperty("hazelcast.partition.migration.timeout")).isEqualTo("20");
    assertThat(hz.getProperty("hazelcast.graceful.shutdown.max.wait")).isEqualTo("10");
  }

  @Test
  @DisplayName("in containers, interface wildcards let a member named once be tried at each of its addresses")
  void interfaceWildcards() {
    ClusterConfig config = new ClusterConfig("prod", "10.89.0.5", 5701, List.of("session:5701", "relay:5701"),
        Optional.empty(), 0, 10, 10, List.of("10.*.*.*", "172.16-31.*.*"), true, ClusterTls.off());
    Config hz = ClusteredVertx.hazelcastConfig(config);
    assertThat(hz.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getInterfaces().getInterfaces()).containsExactlyInAnyOrder("10.*.*.*", "172.16-31.*.*");
    assertThat(hz.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
  }

  @Test
  @DisplayName("a member given by name is tried at every address the name has, one entry each")
  void namesResolved() {
    assertThat(ClusteredVertx.resolveNames(List.of("localhost:5701", "10.1.0.5:5801", "10.1.0.6",
        "no-such-host.invalid:5701")))
        .contains("127.0.0.1:5701", "10.1.0.5:5801", "10.1.0.6", "no-such-host.invalid:5701")
        .doesNotContain("localhost:5701")
        .doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("the bus runs mutual TLS with the cluster certificate, and will not start without one unless TLS is off")
  void busTls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    ClusterTls cert = io.voxrelay.common.cluster.ClusterCertificate.ensure(dir);
    io.vertx.core.eventbus.EventBusOptions bus = ClusteredVertx.busOptions(ClusterConfig.loopback("c1", cert));
    assertThat(bus.isSsl()).isTrue();
    assertThat(bus.getClientAuth()).isEqualTo(io.vertx.core.http.ClientAuth.REQUIRED);
    assertThat(((io.vertx.core.net.PfxOptions) bus.getKeyCertOptions()).getPath())
        .isEqualTo(cert.keyStore().orElseThrow().toString());
    assertThat(((io.vertx.core.net.PfxOptions) bus.getTrustOptions()).getPath())
        .isEqualTo(cert.keyStore().orElseThrow().toString());
    assertThat(bus.getSslEngineOptions() instanceof io.vertx.core.net.OpenSSLEngineOptions)
        .as("BoringSSL where it is available (Linux x86-64)")
        .isEqualTo(io.vertx.core.net.OpenSSLEngineOptions.isAvailable());
    assertThat(ClusteredVertx.busOptions(ClusterConfig.loopback("c1", ClusterTls.off())).isSsl()).isFalse();
    ClusterTls none = new ClusterTls(ClusterTls.Mode.REQUIRED, Optional.empty(), Optional.empty(), Optional.empty());
    assertThatThrownBy(() -> ClusteredVertx.busOptions(ClusterConfig.loopback("c1", none)))
        .hasMessageContaining("VOXRELAY_CLUSTER_TLS_KEYSTORE");
  }

  @Test
  @DisplayName("an inverted port range is refused")
  void badRange() {
    assertThatThrownBy(() -> ClusteredVertx.expandPortRanges(List.of("h:5720-5701")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
