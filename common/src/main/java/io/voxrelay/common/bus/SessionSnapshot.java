package io.voxrelay.common.bus;

import java.util.List;

/**
 * What the session service knows about a session, as other services may see it (never the token hash).
 *
 * @param paused         the user paused the interview
 * @param awaitingResume the session's upstream was closed (by cleanup) and reopens only on {@code resume_interview}
 * @param textOnly       the client talks by text; the AI answers in text
 * @param ended          the interview ended ({@code end_interview}); it cannot be resumed
 * @param relayNode      the relay instance holding the upstream, or null when none does
 * @param gatewayNode    the gateway instance holding the client, or null when none does
 * @param startedAt      when the current run began (creation, or a resume after a termination): max age counts from it
 * @param history        the conversation so far, oldest first: the most recent {@link #MAX_HISTORY} turns when
 *                       it is longer (the store keeps every turn)
 * @param lastClientSeq  the session's client cursor: the highest client message seq processed (a control
 *                       applied, a typed turn in the conversation)
 * @param tools          the function tools its model may call (never shown to the client)
 * @param upstream       its own upstream session options (unset ones are the relay's defaults)
 * @param budget         its limits on what it may cost
 * @param spend          what it has cost so far, as stored (a relay's latest usage may not be in it yet)
 */
public record SessionSnapshot(String sessionId, String instructions, List<String> questions,
                              int currentQuestionIndex, boolean paused, boolean awaitingResume, boolean textOnly,
                              boolean ended, String relayNode, String gatewayNode, long createdAt, long startedAt,
                              List<Turn> history, long lastClientSeq, SessionTools tools,
                              UpstreamOptions upstream, Budget budget, Spend spend) {
  /**
   * The most turns a session carries with it (to restore an upstream, to redraw a client's transcript): the
   * one cap on history, kept by the store when it loads a session and by the relay as turns finish.
   */
  public static final int MAX_HISTORY = 200;

  public SessionSnapshot {
    questions = List.copyOf(questions);
    history = history == null ? List.of() : List.copyOf(history);
    tools = tools == null ? SessionTools.NONE : tools;
    upstream = upstream == null ? UpstreamOptions.NONE : upstream;
    budget = budget == null ? Budget.NONE : budget;
    spend = spend == null ? Spend.NONE : spend;
  }

  /** A session without tools or upstream options of its own. */
  public SessionSnapshot(String sessionId, String instructions, List<String> questions, int currentQuestionIndex,
                         boolean paused, boolean awaitingResume, boolean textOnly, boolean ended, String relayNode,
                         String gatewayNode, long createdAt, long startedAt, List<Turn> history, long lastClientSeq) {
    this(sessionId, instructions, questions, currentQuestionIndex, paused, awaitingResume, textOnly, ended, relayNode,
        gatewayNode, createdAt, startedAt, history, lastClientSeq, SessionTools.NONE,
        UpstreamOptions.NONE, Budget.NONE, Spend.NONE);
  }

  /** This snapshot without its history: what a holder of the conversation sends when the flags are what counts. */
  public SessionSnapshot withoutHistory() {
    return history.isEmpty() ? this : new SessionSnapshot(sessionId, instructions, questions, currentQuestionIndex,
        paused, awaitingResume, textOnly, ended, relayNode, gatewayNode, createdAt, startedAt, List.of(),
        lastClientSeq, tools, upstream, budget, spend);
  }

  /** It reached one of its limits: it goes on ({@code resume_interview}) only once the backend raises one. */
  public boolean budgetExceeded() {
    return budget.exceededBy(spend);
  }

  /**
   * The audio gate: while it is closed no client audio reaches the upstream and no response starts on its
   * own (the user paused, or the upstream was let go until the client resumes). The gateway and the relay
   * both read it from here, so they agree on it.
   */
  public boolean audioGated() {
    return paused || awaitingResume;
  }

  /** The current question's text, or null when the session has no questions. */
  public String currentQuestion() {
    return questions.isEmpty() ? null : questions.get(Math.min(currentQuestionIndex, questions.size() - 1));
  }
}
