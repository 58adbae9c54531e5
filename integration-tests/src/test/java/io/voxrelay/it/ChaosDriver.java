package io.voxrelay.it;

import io.voxrelay.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Drives the chaos suite's sessions as their users would, on two threads of its own. One heartbeats every
 * session about every 2.5 s, as each browser tab does on its own timer, so a slow step of another session never
 * starves a session's heartbeats. The other acts: about every 2.5 s each session types a turn, speaks one,
 * moves to the next question, drops its connection, or does nothing; a session found disconnected tries once
 * to reconnect (and resumes if it awaits resume). {@link #quiesce} stops the acting and keeps the heartbeats.
 */
final class ChaosDriver {

  private static final long CYCLE_MS = 2_500;
  /** A ping unanswered this long means a frozen or dead gateway: the client drops and reconnects. */
  private static final long DEAD_AFTER_MS = 4_000;

  private final List<ScriptedSession> sessions;
  private final Random random;
  private final Thread acting;
  private final Thread heartbeats;
  private volatile boolean acts = true;
  private volatile boolean beats = true;
  private long turns;

  ChaosDriver(List<ScriptedSession> sessions, Random random) {
    this.sessions = sessions;
    this.random = random;
    this.acting = new Thread(this::act, "chaos-driver");
    this.heartbeats = new Thread(this::heartbeat, "chaos-heartbeats");
    acting.setDaemon(true);
    heartbeats.setDaemon(true);
  }

  void start() {
    heartbeats.start();
    acting.start();
  }

  /**
   * Only the tabs' heartbeats (and their reconnection after a dead gateway), without the users' acting: for
   * a test whose own turns must each be carried out, which a random drop could make uncertain.
   */
  void startHeartbeats() {
    heartbeats.start();
  }

  /** The users stop acting; their tabs keep heartbeating until {@link #stop}. */
  void quiesce() {
    acts = false;
    join(acting);
  }

  void stop() {
    quiesce();
    beats = false;
    join(heartbeats);
  }

  private static void join(Thread thread) {
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void heartbeat() {
    while (beats) {
      long cycleStart = System.currentTimeMillis();
      for (ScriptedSession s : sessions) {
        s.keepAlive(DEAD_AFTER_MS);
      }
      restOfCycle(cycleStart);
    }
  }

  private static void restOfCycle(long cycleStart) {
    Await.sleep(Math.max(0, CYCLE_MS - (System.currentTimeMillis() - cycleStart)));
  }

  private void act() {
    List<ScriptedSession> order = new ArrayList<>(sessions);
    while (acts) {
      long cycleStart = System.currentTimeMillis();
      Collections.shuffle(order, random);
      for (ScriptedSession s : order) {
        if (!acts) {
          return;
        }
        step(s);
      }
      restOfCycle(cycleStart);
    }
  }

  private void step(ScriptedSession s) {
    if (!s.client.isConnected()) {
      s.tryReconnect(Duration.ofSeconds(2));
      return;
    }
    int roll = random.nextInt(100);
    if (roll < 45) {
      s.typeUnclassified("chaos turn " + ++turns + " of " + s.marker);
    } else if (roll < 70) {
      s.speak();
    } else if (roll < 78) {
      s.client.send("next_question", "");
    } else if (roll < 83) {
      s.client.drop();
    }
  }
}
