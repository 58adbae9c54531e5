package io.voxrelay.common.bus;

/**
 * One finished turn of the conversation, as text: what the user said (its transcription) or typed, what the
 * AI said (its transcript), or a function tool's call and its output (their JSON, {@code ToolTurns}), which
 * are restored into a new upstream like the others but never shown to the client.
 *
 * @param role {@code user}, {@code assistant}, {@code tool_call} or {@code tool_output}
 */
public record Turn(String itemId, String role, String text) {
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
  public static final String TOOL_CALL = "tool_call";
  public static final String TOOL_OUTPUT = "tool_output";

  /** Whether the client may see this turn in its transcript (a tool's call and output it may not). */
  public boolean forClient() {
    return USER.equals(role) || ASSISTANT.equals(role);
  }
}
