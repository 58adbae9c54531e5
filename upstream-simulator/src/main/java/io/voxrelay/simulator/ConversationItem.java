package io.voxrelay.simulator;

/**
 * One item of a simulated conversation, as a test inspects it.
 *
 * @param role        {@code user} or {@code assistant}
 * @param contentType {@code input_audio}, {@code input_text}, {@code output_audio} or {@code output_text}
 * @param text        the text, or the transcript of audio
 */
public record ConversationItem(String id, String role, String contentType, String text) {
}
