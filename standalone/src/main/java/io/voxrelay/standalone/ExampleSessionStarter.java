package io.voxrelay.standalone;

import io.voxrelay.common.config.Secret;
import io.voxrelay.common.webhook.BoundedExchange;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The EXAMPLE backend's {@code POST /demo/sessions}: it creates the demo's interview at the gateway's
 * {@code POST /v1/sessions} with the API key, as an app's backend does, and answers the page with what the
 * gateway answered (the session id and its resume token). The session's instructions, questions and tool are
 * the app's to choose, so they live here and not in the page.
 */
final class ExampleSessionStarter {

  static final String PATH = "/demo/sessions";
  private static final Logger LOG = LoggerFactory.getLogger(ExampleSessionStarter.class);
  /**
   * Two default bus timeouts: room for the gateway's own wait on the session service, inside the gateway's
   * wait for this backend (three bus timeouts, {@code DemoSessions}).
   */
  private static final long DEADLINE_MS = 10_000;
  private static final int MAX_REPLY_BYTES = 16 * 1024;
  static final String INTERVIEW = """
      {"instructions":"You are a friendly interviewer. Ask one question at a time. When the candidate asks what \
      comes next, call lookup_topic with the next question and tell them what it is about.",
       "questions":["Tell me about yourself.","What are you working on now?","What would you like to learn next?"],
       "tools":[{"type":"function","name":"lookup_topic",
         "description":"Looks up what the next interview question is about, so you can introduce it.",
         "parameters":{"type":"object","properties":{"question":{"type":"string","description":"The next question."}},
           "required":["question"]}}]}""";

  private final Vertx vertx;
  private final HttpClient http;
  private volatile String sessionsUrl;
  private volatile Secret apiKey;

  ExampleSessionStarter(Vertx vertx) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) DEADLINE_MS));
  }

  /** Where the gateway is, once it listens, and the key it takes. */
  void useGateway(String gatewayUrl, Secret key) {
    this.apiKey = key;
    this.sessionsUrl = gatewayUrl + "/v1/sessions";
  }

  void start(HttpServerRequest request) {
    String url = sessionsUrl;
    if (url == null) {
      answer(request, 503, "{\"error\":\"unavailable\",\"message\":\"the gateway is not up yet\"}");
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + apiKey.reveal());
    BoundedExchange.start(vertx, http, options, INTERVIEW.getBytes(StandardCharsets.UTF_8), DEADLINE_MS,
            MAX_REPLY_BYTES).reply()
        .onSuccess(reply -> answer(request, reply.status(), reply.body().toString(StandardCharsets.UTF_8)))
        .onFailure(e -> {
          LOG.warn("[example-backend] could not create the demo's session: {}", e.toString());
          answer(request, 502, "{\"error\":\"unavailable\",\"message\":\"the gateway did not answer\"}");
        });
  }

  private static void answer(HttpServerRequest request, int status, String json) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
  }
}
