package io.voxrelay.relay;

import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.TerminationReason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("SessionLife: one state, one exit table")
class SessionLifeTest {

  private static final long GRACE_MS = 10_000;

  /** Everything the session was made to do, in order: "store …", "client …", "detach", "shut down". */
  private final List<String> done = new ArrayList<>();
  private final ManualTimers timers = new ManualTimers();
  private final SessionLife life = new SessionLife(new SessionLife.Ends() {
    @Override
    public void upstreamClosed(boolean failed) {
      done.add(failed ? "store upstream failed" : "store upstream closed");
    }

    @Override
    public void storedThenClose(String event, int closeCode) {
      done.add("client stored " + Json.parse(event).path("code").asText() + " " + closeCode);
    }

    @Override
    public void liveThenClose(String event, int closeCode) {
      done.add("client live " + Json.parse(event).path("code").asText() + " " + closeCode);
    }

    @Override
    public void detachClients() {
      done.add("detach");
    }

    @Override
    public void shutDown() {
      done.add("shut down");
    }
  }, timers, GRACE_MS);

  /** What each exit must do: the store and the client told, and the close code, as docs/architecture.md says. */
  private static List<String> expected(SessionLife.Exit exit) {
    int retry = CloseCode.TRY_AGAIN_LATER.code();
    return switch (exit) {
      case DETACH_GRACE, GUARD_HEARTBEAT -> List.of("store upstream closed", "shut down");
      case TERMINATED, ENDED, DISCARDED -> List.of("shut down");
      case GAVE_UP_REOPENING -> List.of("client stored upstream_unavailable " + retry, "store upstream failed",
          "shut down");
      case FENCED, HANDED_OVER -> List.of("detach", "shut down");
      case GUARD_IDLE -> List.of("client live idle_timeout " + retry, "store upstream closed", "shut down");
      case GUARD_MAX_AGE -> List.of("client live max_age_exceeded " + retry, "store upstream closed", "shut down");
      case GUARD_BUDGET -> List.of("client live budget_exceeded " + retry, "store upstream closed", "shut down");
      case LEFT_UNMOVED -> List.of("client live upstream_unavailable " + CloseCode.SERVICE_RESTART.code(),
          "store upstream closed", "shut down");
      case UNSTORED -> List.of("client live unavailable " + retry, "store upstream closed", "shut down");
    };
  }

  @ParameterizedTest
  @EnumSource(SessionLife.Exit.class)
  @DisplayName("each exit tells the store and the client what the table says, once")
  void everyExit(SessionLife.Exit exit) {
    life.opened();
    assertThat(life.end(exit)).isTrue();
    assertThat(done).containsExactlyElementsOf(expected(exit));
    assertThat(life.state()).isEqualTo(SessionLife.State.CLOSED);
    assertThat(life.exit()).isEqualTo(exit);

    done.clear();
    for (SessionLife.Exit other : SessionLife.Exit.values()) {
      assertThat(life.end(other)).as("a session ends once").isFalse();
    }
    assertThat(done).isEmpty();
    assertThat(life.exit()).isEqualTo(exit);
  }

  @Test
  @DisplayName("only the exits against the plan are warnings: a failed upstream, a lost claim, a failed hand-off or store")
  void unplanned() {
    assertThat(java.util.Arrays.stream(SessionLife.Exit.values()).filter(SessionLife.Exit::unplanned))
        .containsExactlyInAnyOrder(SessionLife.Exit.GAVE_UP_REOPENING, SessionLife.Exit.FENCED,
            SessionLife.Exit.LEFT_UNMOVED, SessionLife.Exit.UNSTORED);
  }

  @Test
  @DisplayName("the guard's reasons map to their exits")
  void guardExits() {
    assertThat(SessionLife.Exit.guard(TerminationReason.IDLE_TIMEOUT)).isEqualTo(SessionLife.Exit.GUARD_IDLE);
    assertThat(SessionLife.Exit.guard(TerminationReason.MAX_AGE_EXCEEDED)).isEqualTo(SessionLife.Exit.GUARD_MAX_AGE);
    assertThat(SessionLife.Exit.guard(TerminationReason.BUDGET_EXCEEDED)).isEqualTo(SessionLife.Exit.GUARD_BUDGET);
    assertThat(SessionLife.Exit.guard(TerminationReason.HEARTBEAT_TIMEOUT))
        .isEqualTo(SessionLife.Exit.GUARD_HEARTBEAT);
  }

  @Test
  @DisplayName("a client that stays away past the grace ends the session; one back in time keeps it")
  void detachGrace() {
    life.opened();
    assertThat(life.state()).isEqualTo(SessionLife.State.LIVE);
    life.detached();
    assertThat(life.state()).isEqualTo(SessionLife.State.DETACHED);
    timers.advance(GRACE_MS - 1);
    life.attached();
    assertThat(life.state()).isEqualTo(SessionLife.State.LIVE);
    timers.advance(GRACE_MS);
    assertThat(done).as("the grace stopped when the client came back").isEmpty();

    life.detached();
    timers.advance(GRACE_MS);
    assertThat(life.exit()).isEqualTo(SessionLife.Exit.DETACH_GRACE);
    assertThat(done).containsExactly("store upstream closed", "shut down");
    assertThat(timers.pending()).isZero();
  }

  @Test
  @DisplayName("a session handed over acts on nothing, and its detach grace stops: the hand-off decides")
  void leaving() {
    assertThat(life.acting()).as("still opening").isFalse();
    life.opened();
    assertThat(life.acting()).isTrue();
    life.detached();
    assertThat(life.acting()).as("detached, within its grace").isTrue();
    life.leaving();
    assertThat(life.isLeaving()).isTrue();
    assertThat(life.acting()).isFalse();
    timers.advance(GRACE_MS);
    assertThat(done).isEmpty();
    life.end(SessionLife.Exit.HANDED_OVER);
    assertThat(done).containsExactly("detach", "shut down");
  }

  @Test
  @DisplayName("an exit while opening ends the session too (the gateway gave up before the upstream opened)")
  void endWhileOpening() {
    assertThat(life.state()).isEqualTo(SessionLife.State.OPENING);
    life.end(SessionLife.Exit.DISCARDED);
    life.opened();
    assertThat(life.state()).isEqualTo(SessionLife.State.CLOSED);
    assertThat(done).containsExactly("shut down");
  }
}
