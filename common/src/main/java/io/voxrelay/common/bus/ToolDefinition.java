package io.voxrelay.common.bus;

/**
 * A function tool the app's backend gives a session's model (OpenAI's function tool: name, description,
 * JSON-schema parameters), carried out by the backend at {@code VOXRELAY_TOOL_URL}.
 *
 * @param parameters    the JSON schema of the arguments, as JSON text
 * @param clientVisible whether the browser may see the call's arguments and result (never by default)
 */
public record ToolDefinition(String name, String description, String parameters, boolean clientVisible) {
}
