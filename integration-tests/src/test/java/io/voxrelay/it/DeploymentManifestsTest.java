package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxrelay.common.config.ClusterConfig;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.config.InstanceConfig;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.RetentionConfig;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.StoreConfig;
import io.voxrelay.common.management.ManagementConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files say what the code does: every setting they give is one voxrelay reads, and the ports
 * and probes are the code's own.
 */
@DisplayName("The deployment manifests")
class DeploymentManifestsTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final List<String> SERVICES = List.of("session", "relay", "watchdog", "gateway");
  /** The secrets each service is given: only those it uses. */
  private static final Map<String, Set<String>> SECRETS = Map.of(
      "session", Set.of("VOXRELAY_DB_PASSWORD", "VOXRELAY_CLUSTER_TLS_PASSWORD"),
      "relay", Set.of("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "VOXRELAY_CLUSTER_TLS_PASSWORD"),
      "watchdog", Set.of("VOXRELAY_CLUSTER_TLS_PASSWORD"),
      "gateway", Set.of("VOXRELAY_API_KEY", "VOXRELAY_CLUSTER_TLS_PASSWORD"));

  private static boolean isSecret(String name) {
    return name.endsWith("_KEY") || name.contains("PASSWORD") || name.contains("SECRET");
  }

  /** Read by the image's entry point, not by Java: the upstream when no other is configured. */
  private static final Set<String> ENTRYPOINT_SETTINGS = Set.of("VOXRELAY_SIMULATOR_URL", "JAVA_OPTS");

  /** Every environment variable the services read, found by reading each configuration. */
  static Set<String> settingsRead() {
    Set<String> asked = new HashSet<>();
    for (Map<String, String> vars : List.of(Map.<String, String>of(),
        Map.of("VOXRELAY_STORE", "postgres", "VOXRELAY_DB_URL", "jdbc:postgresql://db/voxrelay"),
        Map.of("VOXRELAY_UPSTREAM_PROVIDER", "azure",
            "VOXRELAY_UPSTREAM_URL", "wss://voice.openai.azure.com/openai/v1/realtime",
            "VOXRELAY_FALLBACK_PROVIDER", "openai"))) {
      Env env = Env.recording(vars, asked);
      ClusterConfig.fromEnv(env);
      GatewayConfig.fromEnv(env);
      HygieneConfig.fromEnv(env);
      InstanceConfig.fromEnv(env);
      RelayConfig.fromEnv(env);
      RetentionConfig.fromEnv(env);
      SimulatorConfig.fromEnv(env);
      StoreConfig.fromEnv(env);
      ManagementConfig.fromEnv(env);
    }
    return asked;
  }

  /** The YAML documents of {@code file}, with anchors, aliases and merge keys resolved as compose resolves them. */
  private static List<JsonNode> documents(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> docs = new ArrayList<>();
    for (Object doc : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(file))) {
      if (doc != null) {
        docs.add(json.valueToTree(doc));
      }
    }
    return docs;
  }

  private static JsonNode find(List<JsonNode> docs, String kind, String name) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())
            && name.equals(d.path("metadata").path("name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  @Test
  @DisplayName("Kubernetes: a Deployment, probes on the management port, a PodDisruptionBudget per service, and each secret only where it is used")
  void kubernetes() throws IOException {
    List<JsonNode> docs = documents(DEPLOY.resolve("kubernetes/voxrelay.yaml"));
    Set<String> read = settingsRead();
    Env defaults = new Env(Map.of());
    int managementPort = ManagementConfig.fromEnv(defaults).port();
    int clusterPort = ClusterConfig.fromEnv(defaults).port();
    int httpPort = GatewayConfig.fromEnv(defaults).httpPort();

    JsonNode config = find(docs, "ConfigMap", "voxrelay").path("data");
    config.fieldNames().forEachRemaining(key -> assertThat(read).as("ConfigMap setting %s", key).contains(key));
    assertThat(config.path("VOXRELAY_MANAGEMENT_PORT").asInt()).isEqualTo(managementPort);

    JsonNode cluster = find(docs, "Service", "voxrelay-cluster").path("spec");
    assertThat(cluster.path("clusterIP").asText()).as("headless, for DNS discovery").isEqualTo("None");
    assertThat(cluster.path("ports").get(0).path("port").asInt()).isEqualTo(clusterPort);
    assertThat(config.path("VOXRELAY_CLUSTER_MEMBERS").asText()).startsWith("voxrelay-cluster");
    assertThat(find(docs, "Service", "voxrelay-gateway").path("spec").path("ports").get(0).path("targetPort").asInt())
        .isEqualTo(httpPort);

    int busPort = config.path("VOXRELAY_EVENTBUS_PORT").asInt();
    assertThat(busPort).as("a fixed event-bus port, for the policies to name").isPositive();
    assertThat(cluster.path("ports").findValuesAsText("port")).contains(String.valueOf(busPort));
    networkPolicies(docs, clusterPort, busPort, managementPort, httpPort);

    String launcher = Files.readString(Path.of("..", "bin", "voxrelay"));
    for (String service : SERVICES) {
      JsonNode deployment = find(docs, "Deployment", "voxrelay-" + service);
      JsonNode pod = deployment.path("spec").path("template");
      assertThat(pod.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())
          .as("selected by the headless Service").isEqualTo(cluster.path("selector").path("app.kubernetes.io/part-of").asText());
      JsonNode container = pod.path("spec").path("containers").get(0);
      String command = container.path("args").get(0).asText();
      assertThat(command).isEqualTo(service);
      assertThat(launcher).as("bin/voxrelay runs %s", command).contains("  " + command + ") main=");
      Set<String> secrets = new HashSet<>();
      for (JsonNode env : container.path("env")) {
        String name = env.path("name").asText();
        if (isSecret(name)) {
          secrets.add(name);
        }
        assertThat(read).as("%s setting %s", service, name).contains(name);
        if (isSecret(name)) {
          assertThat(env.has("value")).as("%s comes from a Secret, never the manifest", name).isFalse();
        }
      }
      assertThat(secrets).as("the secrets %s is given", service).isEqualTo(SECRETS.get(service));
      if (service.equals("gateway")) {
        JsonNode key = java.util.stream.StreamSupport.stream(container.path("env").spliterator(), false)
            .filter(e -> e.path("name").asText().equals("VOXRELAY_API_KEY")).findFirst().orElseThrow();
        assertThat(key.path("valueFrom").path("secretKeyRef").path("optional").asBoolean(false))
            .as("the gateway's API key is required, not optional").isFalse();
        assertThat(config.path("VOXRELAY_HTTP_HOST").asText()).as("pods listen beyond loopback").isEqualTo("0.0.0.0");
      }
      List<Integer> ports = new ArrayList<>();
      container.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
      assertThat(ports).contains(managementPort, clusterPort);
      if (service.equals("gateway")) {
        assertThat(ports).contains(httpPort);
      }
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        JsonNode get = container.path(probe).path("httpGet");
        assertThat(get.path("port").asInt()).as("%s %s port", service, probe).isEqualTo(managementPort);
        assertThat(get.path("path").asText()).isEqualTo(probe.equals("readinessProbe") ? "/health/ready" : "/health/live");
      }
      assertThat(pod.path("spec").path("terminationGracePeriodSeconds").asLong() * 1000)
          .as("the grace outlasts the process's own shutdown cap")
          .isGreaterThan(ManagementConfig.fromEnv(defaults).shutdownTimeoutMs());
      restricted(service, pod.path("spec"), container);
      JsonNode mount = java.util.stream.StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
          .filter(m -> config.path("VOXRELAY_CLUSTER_TLS_KEYSTORE").asText().startsWith(m.path("mountPath").asText() + "/"))
          .findFirst().orElseThrow(() -> new AssertionError(service + " mounts no cluster certificate"));
      JsonNode volume = java.util.stream.StreamSupport.stream(pod.path("spec").path("volumes").spliterator(), false)
          .filter(v -> v.path("name").asText().equals(mount.path("name").asText())).findFirst().orElseThrow();
      assertThat(volume.path("secret").path("secretName").asText()).as("%s's certificate comes from a Secret", service)
          .isEqualTo("voxrelay-cluster-tls");
      assertThat(ports).as("%s's fixed event-bus port", service).contains(busPort);
      JsonNode budget = find(docs, "PodDisruptionBudget", "voxrelay-" + service).path("spec");
      assertThat(budget.path("selector").path("matchLabels"))
          .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
    }
  }

  /** The "restricted" Pod Security profile's fields. */
  private static void restricted(String service, JsonNode podSpec, JsonNode container) {
    JsonNode pod = podSpec.path("securityContext");
    JsonNode own = container.path("securityContext");
    assertThat(pod.path("runAsNonRoot").asBoolean()).as("%s runAsNonRoot", service).isTrue();
    assertThat(pod.path("seccompProfile").path("type").asText()).as("%s seccomp", service).isEqualTo("RuntimeDefault");
    assertThat(own.path("allowPrivilegeEscalation").isBoolean() && !own.path("allowPrivilegeEscalation").asBoolean())
        .as("%s allowPrivilegeEscalation: false", service).isTrue();
    assertThat(own.path("capabilities").path("drop").get(0).asText()).as("%s drops every capability", service)
        .isEqualTo("ALL");
    assertThat(own.path("readOnlyRootFilesystem").asBoolean()).as("%s read-only root", service).isTrue();
  }

  /**
   * Default deny; the cluster plane from voxrelay pods only; the management port from the monitoring
   * namespace only; the gateways' HTTP port from the Ingress controller's namespace only.
   */
  private static void networkPolicies(List<JsonNode> docs, int clusterPort, int busPort, int managementPort,
                                      int httpPort) {
    JsonNode deny = find(docs, "NetworkPolicy", "voxrelay-default-deny").path("spec");
    assertThat(deny.path("podSelector").size()).as("every pod of the namespace").isZero();
    assertThat(deny.path("ingress").isMissingNode() || deny.path("ingress").isEmpty()).isTrue();
    JsonNode plane = find(docs, "NetworkPolicy", "voxrelay-cluster").path("spec");
    assertThat(plane.path("ingress")).hasSize(1);
    assertThat(plane.path("ingress").get(0).path("from").get(0).path("podSelector").path("matchLabels")
        .path("app.kubernetes.io/part-of").asText()).isEqualTo("voxrelay");
    assertThat(plane.path("ingress").get(0).path("from").get(0).has("namespaceSelector")).isFalse();
    assertThat(plane.path("ingress").get(0).path("ports").findValuesAsText("port"))
        .containsExactlyInAnyOrder(String.valueOf(clusterPort), String.valueOf(busPort));
    JsonNode management = find(docs, "NetworkPolicy", "voxrelay-management").path("spec");
    assertThat(management.path("ingress")).hasSize(1);
    assertThat(management.path("ingress").get(0).path("from").get(0).path("namespaceSelector").path("matchLabels")
        .path("kubernetes.io/metadata.name").asText()).isEqualTo("monitoring");
    assertThat(management.path("ingress").get(0).path("ports").findValuesAsText("port"))
        .containsExactly(String.valueOf(managementPort));
    JsonNode http = find(docs, "NetworkPolicy", "voxrelay-gateway-http").path("spec");
    assertThat(http.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText())
        .isEqualTo("voxrelay-gateway");
    assertThat(http.path("ingress").get(0).path("ports").findValuesAsText("port"))
        .containsExactly(String.valueOf(httpPort));
    assertThat(http.path("ingress").get(0).path("from").get(0).path("namespaceSelector").path("matchLabels")
        .path("kubernetes.io/metadata.name").asText()).as("the HTTP port from the Ingress controller only")
        .isEqualTo("ingress-nginx");
    // No other policy opens a port.
    assertThat(docs.stream().filter(d -> "NetworkPolicy".equals(d.path("kind").asText()))).hasSize(4);
  }

  @Test
  @DisplayName("compose: every setting it gives is read, each secret only to the service that uses it, and two of each service run")
  void compose() throws IOException {
    // podman-compose 1.0.3 leaves "${X:-}" (an empty default) as it is: a container got that text as a password.
    assertThat(Files.readString(DEPLOY.resolve("compose.yaml"))).doesNotContain(":-}");
    JsonNode compose = documents(DEPLOY.resolve("compose.yaml")).get(0);
    Set<String> read = settingsRead();
    for (String service : SERVICES) {
      JsonNode desc = compose.path("services").path(service);
      assertThat(desc.path("command").get(0).asText()).isEqualTo(service);
      assertThat(desc.path("deploy").path("replicas").asInt()).as("%s replicas", service).isEqualTo(2);
      assertThat(desc.path("cap_drop").get(0).asText()).as("%s drops every capability", service).isEqualTo("ALL");
      assertThat(desc.path("read_only").asBoolean()).as("%s read-only", service).isTrue();
      assertThat(desc.path("security_opt").get(0).asText()).as("%s gains no privilege", service)
          .isEqualTo("no-new-privileges");
      Set<String> given = new HashSet<>();
      // A service's whole environment: the merge keys resolved, the shared one and its own.
      desc.path("environment").fieldNames().forEachRemaining(given::add);
      for (String name : given) {
        assertThat(read.contains(name) || ENTRYPOINT_SETTINGS.contains(name))
            .as("%s setting %s is one voxrelay reads", service, name).isTrue();
      }
      assertThat(given.stream().filter(DeploymentManifestsTest::isSecret).collect(java.util.stream.Collectors.toSet()))
          .as("the secrets %s is given", service).isEqualTo(SECRETS.get(service));
    }
    JsonNode gateway = compose.path("services").path("gateway").path("environment");
    assertThat(gateway.has("VOXRELAY_API_KEY")).as("the gateways take the API key from compose's environment").isTrue();
    assertThat(gateway.path("VOXRELAY_HTTP_HOST").asText()).isEqualTo("0.0.0.0");
    assertThat(gateway.path("VOXRELAY_DEMO_BACKEND_URL").asText())
        .as("the demo's sessions come from the example backend, which holds the key")
        .isEqualTo("http://example:" + compose.path("services").path("example").path("environment")
            .path("VOXRELAY_EXAMPLE_PORT").asText());
    assertThat(compose.path("services").path("example").path("command").get(0).asText()).isEqualTo("example-backend");
    JsonNode shared = compose.path("x-voxrelay");
    assertThat(shared.path("environment").path("VOXRELAY_EVENTBUS_PORT").asInt()).as("a fixed event-bus port")
        .isPositive();
    String keyStore = shared.path("environment").path("VOXRELAY_CLUSTER_TLS_KEYSTORE").asText();
    assertThat(shared.path("volumes").get(0).asText()).as("the certificate's directory, mounted read-only")
        .endsWith(":" + keyStore.substring(0, keyStore.lastIndexOf('/')) + ":ro");
  }

  @Test
  @DisplayName("every hop encrypted: TLS on the public port and to PostgreSQL (verify-full), in compose and Kubernetes")
  void encryptedHops() throws IOException {
    JsonNode compose = documents(DEPLOY.resolve("compose.yaml")).get(0).path("services");
    JsonNode lb = compose.path("lb");
    assertThat(lb.path("ports")).hasSize(1);
    assertThat(lb.path("ports").get(0).asText()).as("the one public port").endsWith(":8443");
    assertThat(lb.path("volumes").get(0).asText()).endsWith(":/etc/voxrelay/lb-tls:ro");
    assertThat(Files.readString(DEPLOY.resolve("haproxy/haproxy.cfg")))
        .contains("bind :8443 ssl crt /etc/voxrelay/lb-tls/lb.pem").doesNotContain("bind :8080");
    assertThat(compose.path("gateway").path("environment").path("VOXRELAY_TRUSTED_PROXIES").asText())
        .as("the gateways believe the load balancer alone").isEqualTo("lb");

    JsonNode session = compose.path("session");
    String url = session.path("environment").path("VOXRELAY_DB_URL").asText();
    assertThat(url).contains("sslmode=verify-full");
    String rootCert = url.replaceAll(".*sslrootcert=([^&]+).*", "$1");
    assertThat(java.util.stream.StreamSupport.stream(session.path("volumes").spliterator(), false)
        .map(JsonNode::asText)).as("the session services mount the database's CA").anyMatch(v -> v.endsWith(":" + rootCert + ":ro"));
    JsonNode postgres = compose.path("postgres");
    String tlsDir = postgres.path("environment").path("POSTGRES_TLS_DIR").asText();
    assertThat(java.util.stream.StreamSupport.stream(postgres.path("volumes").spliterator(), false).map(JsonNode::asText))
        .anyMatch(v -> v.endsWith(":" + tlsDir + ":ro"));
    String start = Files.readString(DEPLOY.resolve("postgres/start.sh"));
    assertThat(start).as("logins from the network over TLS only").contains("echo \"hostssl ").doesNotContain("echo \"host ")
        .contains("-c ssl=on");

    List<JsonNode> k8s = documents(DEPLOY.resolve("kubernetes/voxrelay.yaml"));
    assertThat(find(k8s, "ConfigMap", "voxrelay").path("data").path("VOXRELAY_DB_URL").asText())
        .contains("sslmode=verify-full", "sslrootcert=/etc/voxrelay/db-ca/ca.crt");
    JsonNode sessionPod = find(k8s, "Deployment", "voxrelay-session").path("spec").path("template").path("spec");
    assertThat(sessionPod.path("containers").get(0).path("volumeMounts").findValuesAsText("mountPath"))
        .contains("/etc/voxrelay/db-ca");
    for (String other : List.of("relay", "watchdog", "gateway")) {
      assertThat(find(k8s, "Deployment", "voxrelay-" + other).path("spec").path("template").path("spec")
          .path("volumes").findValuesAsText("name")).as("%s has no use for the database's CA", other)
          .doesNotContain("db-ca");
    }
    JsonNode ingress = find(k8s, "Ingress", "voxrelay").path("spec");
    assertThat(ingress.path("tls").get(0).path("secretName").asText()).isEqualTo("voxrelay-tls");
    assertThat(ingress.path("tls").get(0).path("hosts").get(0).asText())
        .isEqualTo(ingress.path("rules").get(0).path("host").asText());
    assertThat(ingress.path("rules").get(0).path("http").path("paths").get(0).path("backend").path("service")
        .path("name").asText()).isEqualTo("voxrelay-gateway");
  }

  @Test
  @DisplayName("base images pinned by digest, through a BASE_IMAGE build argument that the deployment test sets")
  void pinnedBaseImages() throws IOException {
    for (String dockerfile : List.of("Dockerfile", "haproxy/Dockerfile", "postgres/Dockerfile")) {
      List<String> lines = Files.readAllLines(DEPLOY.resolve(dockerfile));
      List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
      assertThat(from).as(dockerfile).containsExactly("FROM ${BASE_IMAGE}");
      assertThat(lines).as(dockerfile).anyMatch(l -> l.matches("ARG BASE_IMAGE=\\S+@sha256:[0-9a-f]{64}"));
    }
    assertThat(Files.readString(DEPLOY.resolve("test.sh"))).contains("--build-arg BASE_IMAGE=");
  }
}
