package io.voxrelay.relay;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("LinkSupervisor: reconnect with backoff, give up after the attempts, roll over before the limit")
class LinkSupervisorTest {

  /** A link whose quietness the test sets. */
  static final class TestLink implements LinkSupervisor.Link {
    final int number;
    boolean quiet = true;
    boolean closed;

    TestLink(int number) {
      this.number = number;
    }

    @Override
    public boolean quiet() {
      return quiet;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final LinkSupervisor.Policy POLICY = new LinkSupervisor.Policy(3, 500, 60_000, 10_000);

  private final ManualTimers timers = new ManualTimers();
  private final List<String> heard = new ArrayList<>();
  private final List<TestLink> links = new ArrayList<>();
  /** Answers of the next connects: null connects a new link, an exception fails that attempt. */
  private final Deque<RuntimeException> outcomes = new ArrayDeque<>();
  private final List<Long> connectTimes = new ArrayList<>();

  private final LinkSupervisor.Listener<TestLink> listener = new LinkSupervisor.Listener<>() {
    @Override
    public int restore(TestLink fresh) {
      heard.add("restore " + fresh.number);
      return 7;
    }

    @Override
    public void linkReady(TestLink fresh, boolean replaced) {
      heard.add("ready " + fresh.number + (replaced ? " replacing" : ""));
    }

    @Override
    public void linkLost() {
      heard.add("lost");
    }

    @Override
    public void reconnecting(int attempt) {
      heard.add("reconnecting " + attempt);
    }

    @Override
    public void restored(String reason, int turns) {
      heard.add("restored " + reason + " " + turns);
    }

    @Override
    public void gaveUp() {
      heard.add("gave up");
    }
  };

  private final LinkSupervisor<TestLink> supervisor = new LinkSupervisor<>("s1", this::connect, listener, POLICY,
      timers);

  private Future<TestLink> connect() {
    connectTimes.add(timers.now());
    RuntimeException failure = outcomes.poll();
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    TestLink link = new TestLink(links.size() + 1);
    links.add(link);
    return Future.succeededFuture(link);
  }

  @Test
  @DisplayName("a lost link is replaced after 500, 1000, 2000 ms of failed tries; the conversation is restored")
  void reconnectsWithBackoff() {
    assertThat(supervisor.start().result()).isEqualTo(7);
    assertThat(heard).containsExactly("restore 1", "ready 1");
    heard.clear();
    outcomes.add(new IllegalStateException("refused"));
    outcomes.add(new IllegalStateException("refused"));

    supervisor.lost(links.get(0));
    assertThat(supervisor.current()).isNull();
    timers.advance(499);
    assertThat(connectTimes).hasSize(1);
    timers.advance(1);
    timers.advance(1_000);
    timers.advance(2_000);
    assertThat(connectTimes).containsExactly(0L, 500L, 1_500L, 3_500L);
    assertThat(heard).containsExactly("lost", "reconnecting 1", "reconnecting 2", "reconnecting 3", "restore 2",
        "ready 2", "restored dropped 7");
    assertThat(supervisor.isCurrent(links.get(1))).isTrue();
    assertThat(supervisor.isCurrent(links.get(0))).as("events of the lost link are stale").isFalse();
  }

  @Test
  @DisplayName("after the last attempt fails it gives up; the count starts again after a success")
  void givesUpAfterTheAttempts() {
    supervisor.start();
    for (int i = 0; i < POLICY.reconnectAttempts(); i++) {
      outcomes.add(new IllegalStateException("down"));
    }
    supervisor.lost(links.get(0));
    timers.advance(60_000);
    assertThat(heard).endsWith("reconnecting 3", "gave up");
    assertThat(connectTimes).hasSize(1 + POLICY.reconnectAttempts());
  }

  @Test
  @DisplayName("only the current link's loss counts, and nothing reconnects after close")
  void staleLossAndClose() {
    supervisor.start();
    supervisor.lost(new TestLink(99));
    assertThat(heard).doesNotContain("lost");
    supervisor.lost(links.get(0));
    supervisor.close();
    timers.advance(60_000);
    assertThat(connectTimes).as("the pending reconnect was cancelled").hasSize(1);
    assertThat(timers.pending()).isZero();
  }

  @Test
  @DisplayName("the rollover waits for a quiet moment within the margin, then replaces the link")
  void rollsOverAtAQuietMoment() {
    supervisor.start();
    TestLink first = links.get(0);
    first.quiet = false;
    timers.advance(POLICY.upstreamMaxSessionMs() - POLICY.rolloverMarginMs());
    assertThat(links).as("due, but the AI is answering").hasSize(1);
    first.quiet = true;
    supervisor.quietMoment();
    timers.advance(1);
    assertThat(links).hasSize(2);
    assertThat(first.closed).isTrue();
    assertThat(heard).endsWith("restore 2", "ready 2 replacing", "restored rollover 7");
  }

  @Test
  @DisplayName("with no quiet moment, the rollover is forced at a quarter of the margin before the limit")
  void forcedRollover() {
    supervisor.start();
    links.get(0).quiet = false;
    timers.advance(POLICY.upstreamMaxSessionMs() - POLICY.rolloverMarginMs() / 4 - 1);
    assertThat(links).hasSize(1);
    timers.advance(1);
    assertThat(links).hasSize(2);
    assertThat(links.get(0).closed).isTrue();
  }

  @Test
  @DisplayName("a link that connects after close is closed at once and never becomes current")
  void connectAfterClose() {
    Promise<TestLink> slow = Promise.promise();
    LinkSupervisor<TestLink> pending = new LinkSupervisor<>("s2", slow::future, listener, POLICY, timers);
    Future<Integer> started = pending.start();
    pending.close();
    TestLink late = new TestLink(1);
    slow.complete(late);
    assertThat(started.failed()).isTrue();
    assertThat(late.closed).isTrue();
    assertThat(pending.current()).isNull();
  }
}
