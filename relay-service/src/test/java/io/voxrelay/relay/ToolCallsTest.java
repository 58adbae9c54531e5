package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.ToolDefinition;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.config.Secret;
import io.voxrelay.common.config.ToolConfig;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.ToolTurns;
import io.voxrelay.common.webhook.Signatures;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.RealtimeSchema;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A session's tool calls against a real HTTP tool endpoint that checks every signature. */
@DisplayName("Tool calls")
class ToolCallsTest {

  private static final String SECRET = "tool-secret-0123456789";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SessionTools TOOLS = new SessionTools(List.of(
      new ToolDefinition("lookup_topic", "Looks a topic up.", "{\"type\":\"object\",\"properties\":{\"topic\":"
          + "{\"type\":\"string\"}}}", false),
      new ToolDefinition("record_score", "Records a score.", "{\"type\":\"object\"}", true)), "auto");

  private Vertx vertx;
  private HttpServer backend;
  /** What the backend answers: a status and a body, or nothing at all (a hang). */
  private volatile int status = 200;
  private volatile String reply = "{\"output\":{\"topic\":\"distributed systems\"}}";
  private volatile boolean hang;
  /** The backend answers 200 and then one byte a second, never ending its reply. */
  private volatile boolean trickle;
  private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger badSignatures = new AtomicInteger();

  private final Host host = new Host();
  private final TurnTakingTest.Channel link = new TurnTakingTest.Channel();

  /** The session's side, recorded. */
  private final class Host implements ToolCalls.Host {
    final List<Turn> turns = new CopyOnWriteArrayList<>();
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    final List<String> expected = new CopyOnWriteArrayList<>();
    int progressed;
    boolean linked = true;

    @Override
    public SessionTools tools() {
      return TOOLS;
    }

    @Override
    public void record(Turn turn, String clientEvent) {
      // The event first: the tests wait on the turns from their own thread, and then read both lists.
      events.add(Json.parse(clientEvent));
      turns.add(turn);
    }

    @Override
    public UpstreamChannel link() {
      return linked ? link : null;
    }

    @Override
    public void expect(String itemId) {
      expected.add(itemId);
    }

    @Override
    public void progress() {
      progressed++;
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    backend = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (!Signatures.verify(SECRET, request.getHeader(Signatures.HEADER), body.getBytes(),
          System.currentTimeMillis() / 1000)) {
        badSignatures.incrementAndGet();
      }
      calls.add(Json.parse(body.getBytes()));
      if (trickle) {
        request.response().setChunked(true).putHeader("Content-Type", "application/json").write("{");
        long timer = vertx.setPeriodic(1_000, t -> request.response().write(" "));
        request.response().closeHandler(v -> vertx.cancelTimer(timer));
        request.connection().closeHandler(v -> vertx.cancelTimer(timer));
      } else if (!hang) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(reply);
      }
    })).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private ToolCalls calls(long timeoutMs) {
    ToolConfig config = new ToolConfig(Optional.of(URI.create("http://127.0.0.1:" + backend.actualPort() + "/tools")),
        Secret.of(Optional.of(SECRET)), timeoutMs);
    ToolEndpoint endpoint = new ToolEndpoint(vertx, config);
    return new ToolCalls("s_test", endpoint, host);
  }

  private void onLoop(Runnable action) {
    Await.result(vertx.<Void>executeBlocking(() -> null).compose(v -> {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      vertx.runOnContext(x -> {
        action.run();
        done.complete();
      });
      return done.future();
    }));
  }

  private static ToolTurns.Call call(String callId, String name) {
    return new ToolTurns.Call("item_" + callId, callId, name, "{\"topic\":\"systems\"}");
  }

  private List<String> eventTypes() {
    return host.events.stream().map(e -> e.path("type").asText()).toList();
  }

  @Test
  @DisplayName("a call is stored, carried out signed with its arguments, and its output stored, given to the model and answered; the client sees name and status only")
  void roundTrip() {
    ToolCalls tools = calls(5_000);
    onLoop(() -> tools.requested(call("call_1", "lookup_topic")));
    Await.until("the output stored", TIMEOUT, () -> host.turns.size() == 2);
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).path("callId").asText()).isEqualTo("call_1");
    assertThat(calls.get(0).path("arguments").path("topic").asText()).isEqualTo("systems");
    assertThat(badSignatures).hasValue(0);
    assertThat(host.turns).extracting(Turn::role).containsExactly(Turn.TOOL_CALL, Turn.TOOL_OUTPUT);
    assertThat(ToolTurns.output(host.turns.get(1)).output()).isEqualTo("{\"topic\":\"distributed systems\"}");
    assertThat(eventTypes()).containsExactly("tool.started", "tool.finished");
    assertThat(host.events.get(0).has("arguments")).as("a hidden tool's arguments never reach the client").isFalse();
    assertThat(host.events.get(1).path("status").asText()).isEqualTo("ok");
    assertThat(host.events.get(1).has("output")).isFalse();
    JsonNode sent = Json.parse(link.sent.get(0));
    assertThat(sent.path("item").path("type").asText()).isEqualTo("function_call_output");
    assertThat(sent.path("item").path("call_id").asText()).isEqualTo("call_1");
    assertThat(host.expected).containsExactly(ToolTurns.outputItemId("call_1"));
    assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, List.of(sent))).isEmpty();

    // The same call reported again is carried out once.
    onLoop(() -> tools.requested(call("call_1", "lookup_topic")));
    Await.sleep(300);
    assertThat(calls).hasSize(1);
  }

  @Test
  @DisplayName("a clientVisible tool shows its arguments and output to the client")
  void visibleTool() {
    ToolCalls tools = calls(5_000);
    reply = "{\"output\":\"score recorded\"}";
    onLoop(() -> tools.requested(call("call_v", "record_score")));
    Await.until("the output stored", TIMEOUT, () -> host.turns.size() == 2);
    assertThat(host.events.get(0).path("arguments").asText()).contains("systems");
    assertThat(host.events.get(1).path("output").asText()).isEqualTo("score recorded");
  }

  @Test
  @DisplayName("an error status, a malformed reply, a timeout and an unknown tool each become an error output the model reads")
  void failures() {
    ToolCalls tools = calls(500);
    status = 500;
    onLoop(() -> tools.requested(call("call_e", "lookup_topic")));
    Await.until("answered", TIMEOUT, () -> host.turns.size() == 2);
    status = 200;
    reply = "not json";
    onLoop(() -> tools.requested(call("call_m", "lookup_topic")));
    Await.until("answered", TIMEOUT, () -> host.turns.size() == 4);
    hang = true;
    onLoop(() -> tools.requested(call("call_t", "lookup_topic")));
    Await.until("answered", TIMEOUT, () -> host.turns.size() == 6);
    onLoop(() -> tools.requested(call("call_u", "no_such_tool")));
    Await.until("answered", TIMEOUT, () -> host.turns.size() == 8);
    List<String> statuses = new ArrayList<>();
    for (Turn turn : host.turns) {
      if (Turn.TOOL_OUTPUT.equals(turn.role())) {
        ToolTurns.Output output = ToolTurns.output(turn);
        statuses.add(output.status());
        assertThat(Json.parse(output.output()).path("message").asText()).isNotBlank();
      }
    }
    assertThat(statuses).containsExactly("error", "error", "timeout", "error");
    assertThat(host.expected).as("each is answered by the model, never a hung response").hasSize(4);
  }

  @Test
  @DisplayName("a tool endpoint that sends one byte a second is cut at the call's deadline: a timeout the model reads")
  void tricklingEndpointIsCutOff() {
    ToolCalls tools = calls(2_500);
    trickle = true;
    long startedAt = System.nanoTime();
    onLoop(() -> tools.requested(call("call_s", "lookup_topic")));
    // Vert.x's own request timeout is an idle timeout: a byte a second keeps it from ever firing.
    Await.until("answered", TIMEOUT, () -> host.turns.size() == 2);
    long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
    assertThat(ToolTurns.output(host.turns.get(1)).status()).isEqualTo("timeout");
    assertThat(tookMs).as("not before the deadline").isGreaterThanOrEqualTo(2_500);
    assertThat(host.expected).hasSize(1);
  }

  @Test
  @DisplayName("a pause cancels a call under way: the model gets a cancelled output it is not asked to answer, and a late reply is dropped")
  void pauseCancels() {
    ToolCalls tools = calls(5_000);
    hang = true;
    onLoop(() -> tools.requested(call("call_p", "lookup_topic")));
    Await.until("the call reached the backend", TIMEOUT, () -> calls.size() == 1);
    assertThat(tools.running()).isTrue();
    onLoop(() -> tools.cancelAll("the user paused the interview", true));
    assertThat(tools.running()).isFalse();
    assertThat(ToolTurns.output(host.turns.get(1)).status()).isEqualTo("cancelled");
    assertThat(host.events.get(1).path("status").asText()).isEqualTo("cancelled");
    assertThat(Json.parse(link.sent.get(0)).path("item").path("type").asText()).isEqualTo("function_call_output");
    assertThat(host.expected).isEmpty();
    Await.sleep(300);
    assertThat(host.turns).hasSize(2);
  }

  @Test
  @DisplayName("a call found in the history without an output is carried out once; one with an output is not")
  void resumesUnanswered() {
    ToolCalls tools = calls(5_000);
    List<Turn> history = List.of(new Turn("u1", Turn.USER, "look it up"),
        ToolTurns.callTurn(call("call_a", "lookup_topic")),
        ToolTurns.outputTurn(new ToolTurns.Output("call_a", "lookup_topic", "ok", "done")),
        ToolTurns.callTurn(call("call_b", "lookup_topic")));
    host.linked = false;
    onLoop(() -> tools.resume(ToolTurns.unanswered(history)));
    Await.until("the open call answered", TIMEOUT, () -> host.turns.size() == 1);
    assertThat(calls).extracting(c -> c.path("callId").asText()).containsExactly("call_b");
    assertThat(host.turns.get(0).itemId()).isEqualTo(ToolTurns.outputItemId("call_b"));
    assertThat(link.sent).as("no link now: the output goes in with the restored history").isEmpty();
    assertThat(host.expected).containsExactly(ToolTurns.outputItemId("call_b"));
  }

  @Test
  @DisplayName("the session.update carries OpenAI's tool fields only, and restored tool items are valid GA")
  void upstreamShapes() {
    SessionSnapshot base = ConversationStateTest.snapshot("s1", false, false, 0, List.of());
    SessionSnapshot snapshot = new SessionSnapshot(base.sessionId(), base.instructions(), base.questions(), 0, false,
        false, false, false, null, null, 0, 0, List.of(), 0,
        new SessionTools(TOOLS.tools(), "record_score"), io.voxrelay.common.bus.UpstreamOptions.NONE, null, null);
    JsonNode update = Json.parse(RealtimeClientEvents.sessionUpdate(new ConversationState(snapshot), UpstreamDefaultsForTest.DEFAULTS));
    assertThat(update.path("session").path("tools")).hasSize(2);
    assertThat(update.toString()).doesNotContain("clientVisible");
    assertThat(update.path("session").path("tool_choice").path("name").asText()).isEqualTo("record_score");
    JsonNode callItem = Json.parse(RealtimeClientEvents.functionCallItem(call("call_x", "lookup_topic")));
    JsonNode outputItem = Json.parse(RealtimeClientEvents.functionCallOutputItem(
        new ToolTurns.Output("call_x", "lookup_topic", "ok", "{}")));
    assertThat(RealtimeSchema.load().problems(RealtimeSchema.Side.CLIENT, List.of(update, callItem, outputItem)))
        .isEmpty();
  }
}
