package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
  private static final Map<String, Set<String>> SECRETS = Map.of("session", Set.of("VOXRELAY_DB_PASSWORD"),
      "relay", Set.of("OPENAI_API_KEY"), "watchdog", Set.of(), "gateway", Set.of("VOXRELAY_API_KEY"));

  private static boolean isSecret(String name) {
    return name.contains("KEY") || name.contains("PASSWORD") || name.contains("SECRET");
  }

  /** Read by the image's entry point, not by Java: the upstream when no other is configured. */
  private static final Set<String> ENTRYPOINT_SETTINGS = Set.of("VOXRELAY_SIMULATOR_URL", "JAVA_OPTS");

  /** Every environment variable the services read, found by reading each configuration. */
  static Set<String> settingsRead() {
    Set<String> asked = new HashSet<>();
    for (Map<String, String> vars : List.of(Map.<String, String>of(),
        Map.of("VOXRELAY_STORE", "postgres", "VOXRELAY_DB_URL", "jdbc:postgresql://db/voxrelay"))) {
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

  private static List<JsonNode> documents(Path file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs = new ArrayList<>();
    try (var values = yaml.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
      values.forEachRemaining(docs::add);
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
        if (name.contains("KEY") || name.contains("PASSWORD")) {
          assertThat(env.has("value")).as("%s comes from a Secret, never the manifest", name).isFalse();
        }
      }
      assertThat(secrets).as("the secrets %s is given", service).isEqualTo(SECRETS.get(service));
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
      JsonNode budget = find(docs, "PodDisruptionBudget", "voxrelay-" + service).path("spec");
      assertThat(budget.path("selector").path("matchLabels"))
          .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
    }
  }

  @Test
  @DisplayName("compose: every setting it gives is read, each secret only to the service that uses it, and two of each service run")
  void compose() throws IOException {
    JsonNode compose = documents(DEPLOY.resolve("compose.yaml")).get(0);
    Set<String> read = settingsRead();
    for (String service : SERVICES) {
      JsonNode desc = compose.path("services").path(service);
      assertThat(desc.path("command").get(0).asText()).isEqualTo(service);
      assertThat(desc.path("deploy").path("replicas").asInt()).as("%s replicas", service).isEqualTo(2);
      Set<String> given = new HashSet<>();
      // A service's environment: the shared one (its own "<<", or the service template's) and its own.
      JsonNode shared = desc.path("environment").has("<<") ? desc.path("environment").path("<<")
          : desc.path("<<").path("environment");
      shared.fieldNames().forEachRemaining(given::add);
      desc.path("environment").fieldNames().forEachRemaining(given::add);
      given.remove("<<");
      for (String name : given) {
        assertThat(read.contains(name) || ENTRYPOINT_SETTINGS.contains(name))
            .as("%s setting %s is one voxrelay reads", service, name).isTrue();
      }
      assertThat(given.stream().filter(DeploymentManifestsTest::isSecret).collect(java.util.stream.Collectors.toSet()))
          .as("the secrets %s is given", service).isEqualTo(SECRETS.get(service));
    }
    assertThat(compose.path("services").path("lb").path("ports").get(0).asText()).endsWith(":8080");
  }
}
