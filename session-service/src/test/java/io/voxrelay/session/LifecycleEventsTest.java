package io.voxrelay.session;

import io.voxrelay.common.bus.Control;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Lifecycle webhooks read off a session's changes")
class LifecycleEventsTest {

  private static final SessionRecord NEW = SessionRecord.create("s_" + "ab".repeat(16), "x", List.of("q1", "q2"),
      "cd".repeat(32), 10_000, 1_000);

  private static List<String> types(SessionRecord before, SessionRecord after) {
    return LifecycleEvents.between(before, after).stream().map(LifecycleEvents.Event::type).toList();
  }

  @Test
  @DisplayName("created, connected, disconnected (closed or replaced) and reconnected")
  void connections() {
    assertThat(LifecycleEvents.created(NEW)).extracting(LifecycleEvents.Event::type).containsExactly("session.created");
    SessionRecord first = NEW.toBuilder().connectionId("c1").gatewayNode("g1").connections(1).build();
    assertThat(types(NEW, first)).containsExactly("session.connected");
    assertThat(LifecycleEvents.between(NEW, first).get(0).data().path("reconnect").asBoolean()).isFalse();
    SessionRecord second = first.toBuilder().connectionId("c2").connections(2).build();
    assertThat(types(first, second)).containsExactly("session.disconnected", "session.connected");
    assertThat(LifecycleEvents.between(first, second).get(0).data().path("reason").asText()).isEqualTo("replaced");
    assertThat(LifecycleEvents.between(first, second).get(1).data().path("reconnect").asBoolean()).isTrue();
    SessionRecord gone = second.toBuilder().connectionId(null).gatewayNode(null).build();
    assertThat(types(second, gone)).containsExactly("session.disconnected");
    assertThat(LifecycleEvents.between(second, gone).get(0).data().path("reason").asText()).isEqualTo("closed");
    SessionRecord lost = second.toBuilder().connectionId(null).gatewayNode(null).awaitingResume(true)
        .terminationReason("heartbeat_timeout").build();
    assertThat(types(second, lost)).containsExactly("session.disconnected", "session.terminated");
    assertThat(LifecycleEvents.between(second, lost).get(0).data().path("reason").asText()).isEqualTo("lost");
    assertThat(types(second, second.toBuilder().lastHeartbeatAt(99_999).paused(true).build()))
        .as("a change the rules do not read").isEmpty();
  }

  @Test
  @DisplayName("terminated with the reason and its message, resumed, ended with a link to the transcript, upstream failed")
  void lifecycle() {
    SessionRecord live = NEW.toBuilder().connectionId("c1").connections(1).build();
    SessionRecord terminated = live.toBuilder().awaitingResume(true).terminationReason("idle_timeout").build();
    assertThat(types(live, terminated)).containsExactly("session.terminated");
    assertThat(LifecycleEvents.between(live, terminated).get(0).data().path("message").asText()).contains("inactivity");
    SessionRecord resumed = ControlRules.apply(terminated, Control.RESUME, 5_000);
    assertThat(types(terminated, resumed)).containsExactly("session.resumed");
    assertThat(LifecycleEvents.between(terminated, resumed).get(0).data().path("from").asText()).isEqualTo("terminated");
    SessionRecord failed = resumed.toBuilder().upstreamFailures(1).awaitingResume(true).build();
    assertThat(types(resumed, failed)).containsExactly("upstream.failed");
    SessionRecord ended = ControlRules.apply(failed, Control.END, 6_000);
    assertThat(types(failed, ended)).containsExactly("session.ended");
    assertThat(LifecycleEvents.between(failed, ended).get(0).data().path("transcript").asText())
        .isEqualTo("/v1/sessions/" + NEW.sessionId() + "/transcript");
  }
}
