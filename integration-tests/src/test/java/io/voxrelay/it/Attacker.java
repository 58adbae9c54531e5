package io.voxrelay.it;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.SpeechLikeAudio;
import io.vertx.core.http.WebSocketClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * One attacker of a fuzz run: its own sessions, connections and forwarded address (behind the trusted proxy),
 * and its own seeded {@link Random}. Mostly fuzzed frames ({@link ClientFrameFuzzer}); also valid ones, binary
 * frames, floods of controls and of audio, slow reads, the end of an interview, and attacks on sockets of
 * their own ({@link RawAttack}). A connection the server closes is checked ({@link FuzzConnection#finish}) and
 * replaced: a resume, or a new session once the old one ended or was locked.
 */
final class Attacker {

  private static final String SECOND_OF_AUDIO = Base64.getEncoder().encodeToString(SpeechLikeAudio.speech(1_000));
  private static final String AUDIO_40MS = Base64.getEncoder().encodeToString(SpeechLikeAudio.speech(40));

  private final Random random;
  private final WebSocketClient client;
  private final int port;
  private final String address;
  private final FuzzSessions sessions;
  private final RawAttack rawAttacks;
  private final FuzzTally tally;
  private final List<String> oldTokens = new ArrayList<>();
  private VoiceClient.Created session;
  private String token;
  private FuzzConnection connection;
  /** Controls over the rate were sent on this connection: a close with 1008 is its documented answer. */
  private boolean flooded;

  Attacker(int index, long seed, WebSocketClient client, int port, FuzzSessions sessions, RawAttack rawAttacks,
           FuzzTally tally) {
    this.random = new Random(seed + index);
    this.client = client;
    this.port = port;
    this.address = "10.8." + index + ".1";
    this.sessions = sessions;
    this.rawAttacks = rawAttacks;
    this.tally = tally;
  }

  /** Attacks until the run has sent {@code target} frames, then closes its connection. */
  void run(long target) throws Exception {
    ClientFrameFuzzer fuzzer = new ClientFrameFuzzer(random);
    newSession();
    try {
      while (tally.frames() < target) {
        if (connected()) {
          act(fuzzer);
          connection.awaitWritable();
        }
      }
    } finally {
      if (connection != null) {
        connection.finish(flooded);
      }
    }
  }

  private void newSession() {
    session = sessions.create();
    token = session.token();
  }

  /**
   * Whether this attacker has a connection: a closed one is checked and replaced (the same session, or a new
   * one after an end or a flood); a refused one counts and leaves a new session for the next try.
   */
  private boolean connected() {
    if (connection != null && !connection.isClosed()) {
      return true;
    }
    if (connection != null) {
      connection.finish(flooded);
      if (connection.closeCode() == 1000 || connection.closeCode() == 1008) {
        newSession();
      }
    }
    flooded = false;
    connection = FuzzConnection.open(client, port, session.sessionId(), token, address, tally);
    tally.sent(1);
    if (!connection.connected()) {
      // Refused: its session was ended, or locked by this attacker's own forged hellos.
      int code = connection.closeCode();
      tally.answer("refused:" + code);
      if (code != 4401 && code != 4410 && code != 4429) {
        tally.violation("a resume refused with " + code);
      }
      newSession();
      connection = null;
      return false;
    }
    oldTokens.add(token);
    token = connection.connectedEvent().path("resumeToken").asText();
    return true;
  }

  /** One action, drawn by weight: mostly a fuzzed frame. */
  private void act(ClientFrameFuzzer fuzzer) throws Exception {
    int roll = random.nextInt(1000);
    if (roll < 700) {
      ClientFrameFuzzer.Fuzzed frame = fuzzer.next();
      connection.send(frame.name(), frame.text());
      tally.sent(frame.name());
    } else if (roll < 780) {
      sendValid(connection);
    } else if (roll < 830) {
      byte[] bytes = new byte[1 + random.nextInt(4096)];
      random.nextBytes(bytes);
      connection.sendBinary(bytes);
      tally.sent("binary");
    } else if (roll < 870) {
      for (int i = 0; i < 80; i++) {
        connection.send("flood", i % 2 == 0 ? "{\"type\":\"pause_interview\"}" : "{\"type\":\"resume_interview\"}");
      }
      tally.sent(80);
      flooded = true;
    } else if (roll < 900) {
      for (int i = 0; i < 20; i++) {
        connection.send("audio flood", "{\"type\":\"audio\",\"data\":\"" + SECOND_OF_AUDIO + "\"}");
      }
      tally.sent(20);
    } else if (roll < 910) {
      connection.pauseReading();
      for (int i = 0; i < 20; i++) {
        connection.send("ping while not reading", "{\"type\":\"heartbeat.ping\"}");
        Await.sleep(random.nextInt(100));
      }
      connection.resumeReading();
      tally.sent(20);
    } else if (roll < 915) {
      connection.send("end_interview", "{\"type\":\"end_interview\"}");
      tally.sent("end_interview");
      Await.until("the end closes the connection", Duration.ofSeconds(20), connection::isClosed);
    } else {
      rawAttacks.run(random, session, oldTokens);
    }
  }

  private void sendValid(FuzzConnection connection) {
    String[] valid = {"{\"type\":\"heartbeat.ping\"}", "{\"type\":\"ack\",\"seq\":1}",
        "{\"type\":\"audio\",\"data\":\"" + AUDIO_40MS + "\"}",
        "{\"type\":\"text\",\"text\":\"hello there\"}", "{\"type\":\"pause_interview\"}",
        "{\"type\":\"resume_interview\"}", "{\"type\":\"next_question\"}", "{\"type\":\"text_only\",\"enabled\":true}",
        "{\"type\":\"text_only\",\"enabled\":false}"};
    String frame = valid[random.nextInt(valid.length)];
    connection.send("valid", frame);
    tally.sent("valid:" + frame.substring(9, Math.min(frame.length(), 25)));
  }
}
