package io.voxrelay.common.bus;

/**
 * One finished turn of the conversation, as text: what the user said (its transcription) or typed, what the
 * AI said (its transcript), or a function tool's call and its output (their JSON, {@code ToolTurns}), which
 * are restored into a new upstream like the others but never shown to the client.
 *
 * @param role     {@code user}, {@code assistant}, {@code tool_call} or {@code tool_output}
 * @param playedMs for an AI answer the user spoke over: how much of its audio the client played; its text is
 *                 cut to match (null: not cut short by the user)
 */
public record Turn(String itemId, String role, String text, Long playedMs) {
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
  public static final String TOOL_CALL = "tool_call";
  public static final String TOOL_OUTPUT = "tool_output";

  /** A turn as it happened, not cut short by the user. */
  public Turn(String itemId, String role, String text) {
    this(itemId, role, text, null);
  }

  /** The user spoke over this answer: only {@link #playedMs} of it was heard. */
  public boolean truncated() {
    return playedMs != null;
  }

  /** Whether the client may see this turn in its transcript (a tool's call and output it may not). */
  public boolean forClient() {
    return USER.equals(role) || ASSISTANT.equals(role);
  }
}
