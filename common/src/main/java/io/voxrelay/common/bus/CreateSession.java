package io.voxrelay.common.bus;

import java.util.List;

/** Asks the session service for a new session: its interview, tools, upstream options and limits. */
public record CreateSession(String instructions, List<String> questions, SessionTools tools, UpstreamOptions upstream,
                            Budget limits) {
  public CreateSession {
    questions = List.copyOf(questions);
    tools = tools == null ? SessionTools.NONE : tools;
    upstream = upstream == null ? UpstreamOptions.NONE : upstream;
    limits = limits == null ? Budget.NONE : limits;
  }

  /** A session without tools, upstream options or limits of its own. */
  public CreateSession(String instructions, List<String> questions) {
    this(instructions, questions, SessionTools.NONE, UpstreamOptions.NONE, Budget.NONE);
  }
}
