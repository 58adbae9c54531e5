package io.voxrelay.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.netty.util.NetUtil;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.ClusterTls;
import io.voxrelay.common.management.ClusterReadiness;
import io.voxrelay.common.management.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Starts a Vert.x instance that joins the voxrelay cluster, with every bus codec registered. */
public final class ClusteredVertx {

  private static final Logger LOG = LoggerFactory.getLogger(ClusteredVertx.class);

  private ClusteredVertx() {
  }

  public static Future<Vertx> start(ClusterConfig config) {
    return start(config, new VertxOptions());
  }

  /** As {@link #start(ClusterConfig)}, from {@code options} (e.g. a lower blocked-thread limit); its bus options are set here. */
  public static Future<Vertx> start(ClusterConfig config, VertxOptions options) {
    // Before Hazelcast's first class loads, or its start-up warnings bypass SLF4J.
    System.setProperty("hazelcast.logging.type", "slf4j");
    EventBusOptions bus;
    try {
      bus = busOptions(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    options.setEventBusOptions(bus);
    // epoll where netty-transport-native-epoll loads (Linux x86-64); NIO elsewhere, by itself.
    options.setPreferNativeTransport(true);
    Telemetry telemetry = Telemetry.forBuilder(options);
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hazelcastConfig(config));
    return telemetry.withMetrics(Vertx.builder().with(options))
        .withClusterManager(clusterManager)
        .buildClustered()
        .onSuccess(vertx -> {
          if (!vertx.isNativeTransportEnabled()) {
            LOG.info("[cluster] sockets use Java NIO: {}", String.valueOf(vertx.unavailableNativeTransportCause()));
          }
          BusCodecs.register(vertx);
          telemetry.attach(vertx);
          telemetry.readiness("cluster", ClusterReadiness.of(clusterManager));
        });
  }

  /**
   * The event bus's options: its address, and mutual TLS with the cluster certificate unless TLS is off.
   * Members reach each other by address, so the certificate proves membership and no host name is checked
   * (Vert.x's bus client checks none).
   */
  static EventBusOptions busOptions(ClusterConfig config) {
    EventBusOptions bus = new EventBusOptions()
        .setHost(config.host())
        .setPort(config.eventBusPort())
        .setClusterPublicHost(config.publicAddress().map(ClusteredVertx::hostOf).orElse(null));
    ClusterTls tls = config.tls().requireUsable();
    if (tls.isOff()) {
      LOG.warn("[cluster] VOXRELAY_CLUSTER_TLS=off: the event bus carries audio, transcripts and tokens in clear "
          + "text, and takes frames from anyone who reaches its port");
      return bus;
    }
    String password = tls.password().orElseThrow().reveal();
    if (OpenSSLEngineOptions.isAvailable()) {
      // BoringSSL (netty-tcnative): the JDK's engine cost about a tenth of a relay's CPU at 100 streams.
      bus.setSslEngineOptions(new OpenSSLEngineOptions());
    } else {
      LOG.info("[cluster] no native TLS for this platform: the event bus uses the JDK's TLS engine");
    }
    return bus.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PfxOptions().setPath(tls.keyStore().orElseThrow().toString()).setPassword(password))
        .setTrustOptions(new PfxOptions().setPath(tls.trusted().toString()).setPassword(password));
  }

  /** Vert.x's own map settings (from its default config), with our join settings on top. */
  static Config hazelcastConfig(ClusterConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.clusterName());
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(config.failureTimeoutSeconds()));
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // A member removed while it stalled runs again as a cluster of its own: it fences itself (its relays act
    // on nothing until their claims are checked) and merges back this soon, instead of after 5 minutes.
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(config.mergeDelaySeconds()));
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(config.mergeDelaySeconds()));
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Hazelcast's migration thread waits for every migration under way before it repairs the partition table
    // after a member leaves; until then, operations on partitions the departed member owned are retried, and a
    // new member cannot register its consumers. Vert.x's maps hold a few kilobytes, so a migration takes
    // milliseconds: one whose participant stopped answering fails within twice the failure timeout, not
    // Hazelcast's 5 minutes (a chaos run saw the table unrepaired for 2.5 minutes, see migrationTimeoutSeconds).
    hz.setProperty("hazelcast.partition.migration.timeout", String.valueOf(migrationTimeoutSeconds(config)));
    // A leaving member first waits for its partitions to move. Under churn that outlasted a supervisor's stop
    // grace (10 s), and the kill mid-way left migrations hanging. It leaves within the failure timeout instead;
    // what it has not handed over its backups hold, as after a crash.
    hz.setProperty("hazelcast.graceful.shutdown.max.wait", String.valueOf(config.failureTimeoutSeconds()));
    // Idle cost: Hazelcast's own metrics collection and health monitor run every few seconds in every process
    // and nothing reads them (voxrelay reports its own figures).
    hz.getMetricsConfig().setEnabled(false);
    hz.setProperty("hazelcast.health.monitoring.level", "OFF");

    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.port()).setPortAutoIncrement(true).setPortCount(100);
    config.publicAddress().ifPresent(network::setPublicAddress);
    if (!config.interfaces().isEmpty()) {
      hz.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).setInterfaces(config.interfaces());
    } else if (!"0.0.0.0".equals(config.host())) {
      hz.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface(config.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(resolveNames(expandPortRanges(config.members())));
    return hz;
  }

  /**
   * How long one partition migration may wait for its participants: twice the failure timeout. A participant
   * that is gone is removed within the failure timeout anyway, so waiting longer only holds up the repair of the
   * partition table (a chaos run: a member stopped with SIGTERM, killed 10 s later mid-way through its graceful
   * leave, its address taken by its successor a second after; the table kept naming it for 2.5 minutes).
   */
  static int migrationTimeoutSeconds(ClusterConfig config) {
    return 2 * config.failureTimeoutSeconds();
  }

  /**
   * Hazelcast tries a member without a port on three ports only, and does not read port ranges in every code
   * path; so {@code host:5701-5720} is expanded into one entry per port.
   */
  static List<String> expandPortRanges(List<String> members) {
    List<String> expanded = new ArrayList<>();
    for (String member : members) {
      int colon = member.lastIndexOf(':');
      int dash = colon < 0 ? -1 : member.indexOf('-', colon);
      if (dash < 0) {
        expanded.add(member);
        continue;
      }
      String host = member.substring(0, colon);
      int from = Integer.parseInt(member.substring(colon + 1, dash));
      int to = Integer.parseInt(member.substring(dash + 1));
      if (from > to || to - from > 1000) {
        throw new IllegalArgumentException("invalid port range in cluster member '" + member + "'");
      }
      for (int port = from; port <= to; port++) {
        expanded.add(host + ":" + port);
      }
    }
    return expanded;
  }

  /**
   * Each member given by name becomes one entry per address the name has now. Hazelcast keeps a member given
   * by name under that name, so the replicas of a scaled service behind one name (a Compose service, a
   * Kubernetes headless Service) would count as one member and be tried once; by address each is. A name
   * that does not resolve yet is kept as it is, for Hazelcast to try later.
   */
  static List<String> resolveNames(List<String> members) {
    List<String> resolved = new ArrayList<>();
    for (String member : members) {
      String host = hostOf(member);
      String port = member.substring(host.length());
      if (host.startsWith("[") || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
        resolved.add(member);
        continue;
      }
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          String ip = address.getHostAddress();
          String entry = (address instanceof Inet6Address ? "[" + ip + "]" : ip) + port;
          if (!resolved.contains(entry)) {
            resolved.add(entry);
          }
        }
      } catch (UnknownHostException e) {
        resolved.add(member);
      }
    }
    return resolved;
  }

  private static String hostOf(String address) {
    int colon = address.lastIndexOf(':');
    return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
  }
}
