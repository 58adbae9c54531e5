package io.voxrelay.standalone;

import io.voxrelay.common.cluster.ClusterCertificate;
import io.voxrelay.common.cluster.ClusteredVertx;
import io.voxrelay.common.cluster.ServiceLauncher;
import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.config.InstanceConfig;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.UpstreamProvider;
import io.voxrelay.common.config.ToolConfig;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.management.ManagementConfig;
import io.voxrelay.common.net.LoopbackHosts;
import io.voxrelay.common.management.ManagementServer;
import io.voxrelay.common.management.Telemetry;
import io.voxrelay.gateway.GatewayVerticle;
import io.voxrelay.relay.RelayVerticle;
import io.voxrelay.session.SessionVerticle;
import io.voxrelay.simulator.UpstreamSimulator;
import io.voxrelay.watchdog.WatchdogVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Every voxrelay service in one JVM on embedded defaults: one clustered Vert.x node (so more processes can
 * join it) running the session, relay, watchdog and gateway services, plus the upstream simulator unless a
 * real upstream is configured.
 */
public final class Standalone {

  private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);

  private final Vertx vertx;
  private final GatewayVerticle gateway;
  private final UpstreamSimulator simulator;

  private Standalone(Vertx vertx, GatewayVerticle gateway, UpstreamSimulator simulator) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.simulator = simulator;
  }

  /**
   * Starts everything. The upstream is {@code VOXRELAY_UPSTREAM_URL} if set; otherwise OpenAI when
   * {@code OPENAI_API_KEY} is set; otherwise the bundled simulator.
   */
  public static Future<Standalone> start(Env given) {
    Env env;
    ClusterConfig cluster;
    try {
      java.nio.file.Path dataDir = StoreConfig.fromEnv(given).dataDir();
      env = withApiKey(given, dataDir);
      cluster = withCertificate(clusterOf(env), dataDir);
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    LOG.info("[Standalone] cluster {}", cluster.clusterName());
    UpstreamProvider provider;
    RelayConfig configured;
    try {
      provider = RelayConfig.upstreamProvider(env);
      // With the bundled simulator, the URL is known once it listens.
      configured = usesSimulator(env, provider) ? null : RelayConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    UpstreamSimulator simulator = configured == null ? new UpstreamSimulator(SimulatorConfig.fromEnv(env)) : null;
    InstanceConfig instances = InstanceConfig.fromEnv(env);

    return ClusteredVertx.start(cluster).compose(vertx -> {
      Future<RelayConfig> upstream = simulator == null
          ? Future.succeededFuture(configured)
          : vertx.deployVerticle(simulator).map(id -> RelayConfig.fromEnv(env, simulator::url));
      // The demo's example backend (its sessions, webhooks, its tool) on embedded defaults; its settings apply
      // as defaults.
      Future<Optional<ExampleBackend>> example = ExampleBackend.wanted(env)
          ? ExampleBackend.start(vertx).map(Optional::of)
          : Future.succeededFuture(Optional.empty());
      return upstream.compose(relayConfig -> example.compose(backend -> {
        Env withBackend = backend.map(b -> env.withDefaults(b.settings())).orElse(env);
        GatewayConfig gatewayConfig = GatewayConfig.fromEnv(withBackend);
        List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
        Supplier<GatewayVerticle> made = GatewayVerticle.instances(gatewayConfig);
        Supplier<GatewayVerticle> gatewayInstances = () -> {
          GatewayVerticle gateway = made.get();
          gateways.add(gateway);
          return gateway;
        };
        return startServices(vertx, withBackend, relayConfig, instances, gatewayInstances)
            .map(id -> {
              GatewayVerticle gateway = gateways.get(0);
              backend.ifPresent(b -> b.useGateway(localUrl(gatewayConfig.httpHost(), gateway.actualPort()),
                  gatewayConfig.requiredApiKey()));
              return new Standalone(vertx, gateway, simulator);
            });
      })).onFailure(e -> vertx.close());
    });
  }

  /**
   * The env with its API key: the one set, or the one in the data directory ({@link GeneratedApiKey}), made on
   * the first run. A made key is for a run on this machine only: bound beyond loopback, the run needs a key
   * set on purpose, and says so.
   */
  static Env withApiKey(Env env, java.nio.file.Path dataDir) throws java.io.IOException {
    if (env.optional("VOXRELAY_API_KEY").isPresent()) {
      return env;
    }
    String host = GatewayConfig.fromEnv(env).httpHost();
    if (!LoopbackHosts.isLoopback(host)) {
      throw new IllegalArgumentException("VOXRELAY_HTTP_HOST is " + host + ", beyond this machine: set "
          + "VOXRELAY_API_KEY (the key a run makes in its data directory is for this machine only)");
    }
    java.nio.file.Path file = dataDir.resolve(GeneratedApiKey.FILE);
    String key = GeneratedApiKey.ensure(dataDir);
    LOG.info("[Standalone] the session API's key is in {} (VOXRELAY_API_KEY was not set)", file.toAbsolutePath());
    return env.withDefaults(Map.of("VOXRELAY_API_KEY", key));
  }

  /** How this process reaches its own gateway. */
  private static String localUrl(String httpHost, int port) {
    String host = "0.0.0.0".equals(httpHost) || "::".equals(httpHost) ? "127.0.0.1" : httpHost;
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The four services, in the order each needs the one before, all reading {@code env}. */
  private static Future<String> startServices(Vertx vertx, Env env, RelayConfig relayConfig, InstanceConfig instances,
                                              Supplier<GatewayVerticle> gatewayInstances) {
    return vertx.deployVerticle(new SessionVerticle(env))
        .compose(id -> vertx.deployVerticle(RelayVerticle.instances(relayConfig, HygieneConfig.fromEnv(env),
            ToolConfig.fromEnv(env), instances.relay()), new DeploymentOptions().setInstances(instances.relay())))
        .compose(id -> vertx.deployVerticle(new WatchdogVerticle(HygieneConfig.fromEnv(env))))
        .compose(id -> vertx.deployVerticle(gatewayInstances::get,
            new DeploymentOptions().setInstances(instances.gateway())));
  }

  /**
   * The cluster a standalone run joins. Unless {@code VOXRELAY_CLUSTER_NAME} is set, its name comes from the
   * store: {@code voxrelay-<hash of the SQLite file's path>}, or of the PostgreSQL URL. Two runs on one machine
   * with different data directories thus stay separate clusters, each with its own store, instead of joining
   * each other over loopback and splitting sessions between two stores; processes meant to join a standalone
   * run set its name (it is logged at start).
   */
  static ClusterConfig clusterOf(Env env) {
    ClusterConfig cluster = ClusterConfig.fromEnv(env);
    if (env.optional("VOXRELAY_CLUSTER_NAME").isPresent()) {
      return cluster;
    }
    String where = StoreConfig.fromEnv(env).where();
    return cluster.withClusterName("voxrelay-" + Integer.toHexString(where.hashCode()));
  }

  /**
   * The cluster with its bus certificate: the one configured, or, when none is and TLS is not off, the one in
   * the data directory, made there on the first run ({@link ClusterCertificate}).
   */
  static ClusterConfig withCertificate(ClusterConfig cluster, java.nio.file.Path dataDir) throws java.io.IOException {
    if (cluster.tls().isOff() || cluster.tls().isConfigured()) {
      return cluster;
    }
    ClusterConfig made = cluster.withTls(ClusterCertificate.ensure(dataDir));
    LOG.info("[Standalone] the event bus uses the cluster certificate {}; a process joining this run sets "
        + "VOXRELAY_CLUSTER_TLS_KEYSTORE to it and VOXRELAY_CLUSTER_TLS_PASSWORD to the contents of {}",
        made.tls().keyStore().orElseThrow().toAbsolutePath(),
        dataDir.resolve(ClusterCertificate.PASSWORD).toAbsolutePath());
    return made;
  }

  /**
   * Whether the standalone run needs the bundled simulator: only when neither an upstream URL nor the provider's
   * key is configured. With an OpenAI key and no URL the relay talks to OpenAI itself; Azure needs its URL.
   */
  static boolean usesSimulator(Env env, UpstreamProvider provider) {
    return env.optional("VOXRELAY_UPSTREAM_URL").isEmpty() && env.optional(provider.keyVariable()).isEmpty();
  }

  public int httpPort() {
    return gateway.actualPort();
  }

  /** The bundled simulator, or null when a real upstream is configured. */
  public UpstreamSimulator simulator() {
    return simulator;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Future<Void> close() {
    return vertx.close();
  }

  public static void main(String[] args) {
    Env env;
    ManagementConfig management;
    try {
      env = Env.system();
      management = ManagementConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    start(env)
        .compose(standalone -> ManagementServer.start(standalone.vertx(), management).map(server -> standalone))
        .onSuccess(standalone -> {
          Telemetry.of(standalone.vertx()).started();
          Runtime.getRuntime().addShutdownHook(new Thread(
              () -> ServiceLauncher.shutDown(standalone.vertx(), management.shutdownTimeoutMs()), "voxrelay-shutdown"));
          String upstream = standalone.simulator() == null ? "the configured upstream" : "the bundled simulator";
          LOG.info("voxrelay is running at http://localhost:{} (upstream: {})", standalone.httpPort(), upstream);
          System.out.println("[voxrelay] ready: standalone http://localhost:" + standalone.httpPort());
        }).onFailure(e -> {
          if (e instanceof IllegalArgumentException) {
            LOG.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
          }
          LOG.error("voxrelay failed to start", e);
          System.exit(1);
        });
  }
}
