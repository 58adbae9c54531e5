package io.voxrelay.simulator;

/**
 * One item of a simulated conversation, as a test inspects it.
 *
 * @param role        {@code user}, {@code assistant} or {@code tool} (a function call's output)
 * @param contentType {@code input_audio}, {@code input_text}, {@code output_audio}, {@code output_text},
 *                    {@code function_call} or {@code function_call_output}
 * @param text        the text, the transcript of audio, a call's arguments or a tool's output
 */
public record ConversationItem(String id, String role, String contentType, String text) {
}
