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

@DisplayName("LinkSupervisor: reconnect with backoff, fail over or give up after the attempts, roll over before the limit")
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

  private static final LinkSupervisor.Policy POLICY = new LinkSupervisor.Policy(3, 500, 10_000);
  private static final long PRIMARY_CAP_MS = 60_000;
  private static final long FALLBACK_CAP_MS = 30_000;

  /** A provider outage, as the route would classify it. */
  static final class Outage extends RuntimeException {
    Outage() {
      super("503 at the upgrade");
    }
  }

  /** The session's upstreams: a primary, and a fallback (when the test gives one) it moves to once. */
  final class TestUpstreams implements LinkSupervisor.Upstreams {
    boolean hasFallback;
    boolean onFallback;

    @Override
    public long maxSessionMs() {
      return onFallback ? FALLBACK_CAP_MS : PRIMARY_CAP_MS;
    }

    @Override
    public boolean failOver(Throwable why, boolean attemptsSpent) {
      heard.add("fail over? " + (attemptsSpent ? "attempts spent" : why.getMessage()));
      if (!hasFallback || onFallback || !attemptsSpent && !(why instanceof Outage)) {
        return false;
      }
      onFallback = true;
      return true;
    }
  }

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

  private final TestUpstreams upstreams = new TestUpstreams();
  private final LinkSupervisor<TestLink> supervisor = new LinkSupervisor<>("s1", this::connect, listener, POLICY,
      upstreams, timers);

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
    assertThat(heard).containsExactly("lost", "reconnecting 1", "fail over? refused", "reconnecting 2",
        "fail over? refused", "reconnecting 3", "restore 2", "ready 2", "restored dropped 7");
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
    assertThat(heard).endsWith("reconnecting 3", "fail over? down", "fail over? attempts spent", "gave up");
    assertThat(connectTimes).hasSize(1 + POLICY.reconnectAttempts());
  }

  @Test
  @DisplayName("an outage while reopening moves the session to the fallback at once, told as provider_failover; "
      + "the rollover then keeps the fallback's cap")
  void outageFailsOverAtOnce() {
    upstreams.hasFallback = true;
    supervisor.start();
    outcomes.add(new Outage());
    supervisor.lost(links.get(0));
    timers.advance(500);
    assertThat(connectTimes).as("the first try, then the fallback at once").containsExactly(0L, 500L, 500L);
    assertThat(heard).endsWith("reconnecting 1", "fail over? 503 at the upgrade", "restore 2", "ready 2",
        "restored provider_failover 7");
    assertThat(supervisor.isCurrent(links.get(1))).isTrue();

    timers.advance(FALLBACK_CAP_MS - POLICY.rolloverMarginMs() - 1);
    assertThat(links).hasSize(2);
    timers.advance(1);
    assertThat(links).as("rolled over before the fallback's own cap").hasSize(3);
  }

  @Test
  @DisplayName("when every attempt failed without a sign of an outage, a session with a fallback moves there "
      + "instead of giving up; one that is there already gives up")
  void attemptsSpentFailOver() {
    upstreams.hasFallback = true;
    supervisor.start();
    for (int i = 0; i < POLICY.reconnectAttempts(); i++) {
      outcomes.add(new IllegalStateException("down"));
    }
    supervisor.lost(links.get(0));
    timers.advance(5_000); // the three delays: 500 + 1000 + 2000 ms
    assertThat(heard).endsWith("fail over? attempts spent", "restore 2", "ready 2", "restored provider_failover 7")
        .doesNotContain("gave up");

    for (int i = 0; i < POLICY.reconnectAttempts(); i++) {
      outcomes.add(new IllegalStateException("down"));
    }
    supervisor.lost(links.get(1));
    timers.advance(5_000); // the three delays: 500 + 1000 + 2000 ms
    assertThat(heard).endsWith("fail over? attempts spent", "gave up");
  }

  @Test
  @DisplayName("a session whose first connect meets an outage opens at the fallback; another failure fails the open")
  void outageAtTheStart() {
    upstreams.hasFallback = true;
    outcomes.add(new Outage());
    assertThat(supervisor.start().result()).isEqualTo(7);
    assertThat(upstreams.onFallback).isTrue();
    assertThat(heard).containsExactly("fail over? 503 at the upgrade", "restore 1", "ready 1");

    TestUpstreams none = new TestUpstreams();
    outcomes.add(new IllegalStateException("401 at the upgrade"));
    LinkSupervisor<TestLink> refused = new LinkSupervisor<>("s3", this::connect, listener, POLICY, none, timers);
    assertThat(refused.start().failed()).isTrue();
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
    timers.advance(PRIMARY_CAP_MS - POLICY.rolloverMarginMs());
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
    timers.advance(PRIMARY_CAP_MS - POLICY.rolloverMarginMs() / 4 - 1);
    assertThat(links).hasSize(1);
    timers.advance(1);
    assertThat(links).hasSize(2);
    assertThat(links.get(0).closed).isTrue();
  }

  @Test
  @DisplayName("a link that connects after close is closed at once and never becomes current")
  void connectAfterClose() {
    Promise<TestLink> slow = Promise.promise();
    LinkSupervisor<TestLink> pending = new LinkSupervisor<>("s2", slow::future, listener, POLICY, upstreams,
        timers);
    Future<Integer> started = pending.start();
    pending.close();
    TestLink late = new TestLink(1);
    slow.complete(late);
    assertThat(started.failed()).isTrue();
    assertThat(late.closed).isTrue();
    assertThat(pending.current()).isNull();
  }
}
