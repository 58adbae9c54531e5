package io.voxrelay.standalone;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.Secret;
import io.vertx.core.Vertx;

/**
 * Runs the EXAMPLE backend alone, for the demo page of a multi-service deployment (compose): it creates the
 * page's sessions at {@code VOXRELAY_EXAMPLE_GATEWAY_URL} with {@code VOXRELAY_API_KEY}, listening on
 * {@code VOXRELAY_EXAMPLE_HOST}:{@code VOXRELAY_EXAMPLE_PORT} (default 127.0.0.1:8090). The gateways forward
 * the page's {@code POST /demo/sessions} to it ({@code VOXRELAY_DEMO_BACKEND_URL}). An example, not a product:
 * write your own backend.
 */
public final class ExampleBackendMain {

  private ExampleBackendMain() {
  }

  public static void main(String[] args) {
    Env env = Env.system();
    String gateway;
    Secret key;
    try {
      gateway = env.optional("VOXRELAY_EXAMPLE_GATEWAY_URL").orElseThrow(() -> new IllegalArgumentException(
          "VOXRELAY_EXAMPLE_GATEWAY_URL is required: where the example creates sessions"));
      key = Secret.of(env.optional("VOXRELAY_API_KEY")).orElseThrow(() -> new IllegalArgumentException(
          "VOXRELAY_API_KEY is required: the example creates sessions with it"));
    } catch (IllegalArgumentException e) {
      System.err.println("[example-backend] invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    ExampleBackend.start(vertx, env.string("VOXRELAY_EXAMPLE_HOST", "127.0.0.1"),
            env.integer("VOXRELAY_EXAMPLE_PORT", 8090))
        .onSuccess(backend -> {
          backend.useGateway(gateway.replaceAll("/+$", ""), key);
          System.out.println("[voxrelay] ready: example-backend");
          System.out.flush();
        })
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
