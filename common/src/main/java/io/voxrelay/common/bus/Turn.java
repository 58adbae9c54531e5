package io.voxrelay.common.bus;

/**
 * One finished turn of the conversation, as text: what the user said (its transcription) or typed, or what
 * the AI said (its transcript).
 *
 * @param role {@code user} or {@code assistant}
 */
public record Turn(String itemId, String role, String text) {
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";
}
