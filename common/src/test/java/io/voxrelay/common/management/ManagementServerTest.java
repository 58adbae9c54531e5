package io.voxrelay.common.management;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.ManagementPort;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The management port")
class ManagementServerTest {

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  private int serve(Vertx node) {
    return Await.result(ManagementServer.start(node, new ManagementConfig("127.0.0.1", 0, 30_000, "text"))).actualPort();
  }

  private HttpResponse<String> get(int port, String path) {
    return ManagementPort.get(port, path);
  }

  @Test
  @DisplayName("is live at once, ready only once started and in the cluster, and DOWN again from shutdown on")
  void readinessFollowsTheNode() {
    Vertx node = cluster.node();
    int port = serve(node);
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> starting = get(port, "/health/ready");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).contains("starting");

    Telemetry.of(node).started();
    HttpResponse<String> ready = get(port, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"cluster\"").contains("\"members\":1");

    Telemetry.of(node).drain();
    HttpResponse<String> draining = get(port, "/health/ready");
    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(draining.body()).contains("shutting down");
    assertThat(get(port, "/health/live").statusCode()).as("still live while it shuts down").isEqualTo(200);
  }

  @Test
  @DisplayName("goes DOWN when its node loses the cluster, and when a service's own check fails")
  void downWithoutItsCluster() {
    Vertx node = cluster.node();
    int port = serve(node);
    Telemetry telemetry = Telemetry.of(node);
    telemetry.started();
    assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);

    telemetry.readiness("store", () -> io.vertx.core.Future.succeededFuture(
        io.vertx.ext.healthchecks.Status.KO(new io.vertx.core.json.JsonObject().put("reason", "store unreachable"))));
    HttpResponse<String> noStore = get(port, "/health/ready");
    assertThat(noStore.statusCode()).isEqualTo(503);
    assertThat(noStore.body()).contains("store unreachable");
    telemetry.readiness("store", () -> io.vertx.core.Future.succeededFuture(io.vertx.ext.healthchecks.Status.OK()));
    assertThat(get(port, "/health/ready").statusCode()).as("the first check under a name is the one kept")
        .isEqualTo(503);

    // A check slower than its timeout counts as DOWN, and its late answer harms nothing.
    Vertx slow = cluster.node();
    int slowPort = serve(slow);
    Telemetry.of(slow).started();
    Telemetry.of(slow).readiness("store", () -> {
      io.vertx.core.Promise<io.vertx.ext.healthchecks.Status> late = io.vertx.core.Promise.promise();
      slow.setTimer(3_000, t -> late.complete(io.vertx.ext.healthchecks.Status.OK()));
      return late.future();
    });
    HttpResponse<String> slowAnswer = get(slowPort, "/health/ready");
    assertThat(slowAnswer.statusCode()).isEqualTo(503);
    assertThat(slowAnswer.body()).contains("no answer in");
    Await.sleep(2_000);
    assertThat(get(slowPort, "/health/live").statusCode()).isEqualTo(200);

    Vertx other = cluster.node();
    int otherPort = serve(other);
    Telemetry.of(other).started();
    assertThat(get(otherPort, "/health/ready").statusCode()).isEqualTo(200);
    ((HazelcastClusterManager) ((VertxInternal) other).clusterManager()).getHazelcastInstance()
        .getLifecycleService().terminate();
    HttpResponse<String> lost = get(otherPort, "/health/ready");
    assertThat(lost.statusCode()).isEqualTo(503);
    assertThat(lost.body()).contains("not in a cluster");
  }

  @Test
  @DisplayName("serves Prometheus text: the JVM's figures and every bus request timed by outcome, without Vert.x's "
      + "per-message event-bus meters")
  void metrics() {
    Vertx node = cluster.node();
    int port = serve(node);
    node.eventBus().consumer(Addresses.SESSION_GET, m -> m.reply("ok"));
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(2_000);
    Await.result(BusRequests.request(node, Addresses.SESSION_GET, "hello", quick));
    Await.result(BusRequests.request(node, Addresses.relayNode("relay-1"), "hello", quick)
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.failed())));

    String metrics = get(port, "/metrics").body();
    assertThat(metrics)
        .contains("jvm_memory_used_bytes")
        .as("Vert.x's per-message event-bus meters are off").doesNotContain("vertx_eventbus_")
        .contains("voxrelay_bus_request_seconds_count{address=\"voxrelay.session.get\",outcome=\"ok\"} 1")
        .contains("voxrelay_bus_request_seconds_count{address=\"voxrelay.relay.node.*\",outcome=\"no_handlers\"} 1")
        .as("no node id in a label").doesNotContain("relay-1");
  }
}
