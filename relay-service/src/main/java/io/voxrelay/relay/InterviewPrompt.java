package io.voxrelay.relay;

import java.util.List;

/** The instructions the model gets: the session's own instructions, then the interview's questions and position. */
final class InterviewPrompt {

  private InterviewPrompt() {
  }

  static String of(ConversationState state) {
    StringBuilder prompt = new StringBuilder(state.instructions() == null ? "" : state.instructions());
    List<String> questions = state.questions();
    if (!questions.isEmpty()) {
      prompt.append("\n\nInterview questions, in order:\n");
      for (int i = 0; i < questions.size(); i++) {
        prompt.append(i + 1).append(". ").append(questions.get(i)).append('\n');
      }
      prompt.append("\nThe current question is number ").append(state.currentQuestionIndex() + 1)
          .append(": ").append(state.currentQuestion());
    }
    return prompt.toString();
  }

  /** The note added to the conversation when the interview moves on, so the model asks the new question. */
  static String movedOn(ConversationState state) {
    return "The interview moves on to question " + (state.currentQuestionIndex() + 1) + " of "
        + state.questions().size() + ": " + state.currentQuestion() + " Ask it now.";
  }
}
