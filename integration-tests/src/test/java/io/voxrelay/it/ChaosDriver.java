package io.voxrelay.it;

import io.voxrelay.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Drives the chaos suite's sessions on a thread of its own, as their users would: about every 2.5 s each
 * session heartbeats and then types a turn, speaks one, moves to the next question, drops its connection, or
 * does nothing; a session found disconnected tries once to reconnect (and resumes if it awaits resume).
 */
final class ChaosDriver {

  private static final long CYCLE_MS = 2_500;
  /** A ping unanswered this long means a frozen or dead gateway: the client drops and reconnects. */
  private static final long DEAD_AFTER_MS = 4_000;

  private final List<ScriptedSession> sessions;
  private final Random random;
  private final Thread thread;
  private volatile boolean running = true;
  private long turns;

  ChaosDriver(List<ScriptedSession> sessions, Random random) {
    this.sessions = sessions;
    this.random = random;
    this.thread = new Thread(this::run, "chaos-driver");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() {
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<ScriptedSession> order = new ArrayList<>(sessions);
    while (running) {
      long cycleStart = System.currentTimeMillis();
      Collections.shuffle(order, random);
      for (ScriptedSession s : order) {
        if (!running) {
          return;
        }
        step(s);
      }
      Await.sleep(Math.max(0, CYCLE_MS - (System.currentTimeMillis() - cycleStart)));
    }
  }

  private void step(ScriptedSession s) {
    s.keepAlive(DEAD_AFTER_MS);
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
