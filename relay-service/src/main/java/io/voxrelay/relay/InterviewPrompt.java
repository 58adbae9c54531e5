package io.voxrelay.relay;

import io.voxrelay.common.bus.SessionSnapshot;

import java.util.List;

/** The instructions the model gets: the session's own instructions, then the interview's questions and position. */
final class InterviewPrompt {

  private InterviewPrompt() {
  }

  static String of(SessionSnapshot session) {
    StringBuilder prompt = new StringBuilder(session.instructions() == null ? "" : session.instructions());
    List<String> questions = session.questions();
    if (!questions.isEmpty()) {
      prompt.append("\n\nInterview questions, in order:\n");
      for (int i = 0; i < questions.size(); i++) {
        prompt.append(i + 1).append(". ").append(questions.get(i)).append('\n');
      }
      int current = Math.min(session.currentQuestionIndex(), questions.size() - 1);
      prompt.append("\nThe current question is number ").append(current + 1)
          .append(": ").append(questions.get(current));
    }
    return prompt.toString();
  }
}
