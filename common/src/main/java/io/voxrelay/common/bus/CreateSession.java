package io.voxrelay.common.bus;

import java.util.List;

/** Asks the session service for a new session with its interview configuration. */
public record CreateSession(String instructions, List<String> questions) {
  public CreateSession {
    questions = List.copyOf(questions);
  }
}
