package io.voxrelay.common.bus;

import java.util.List;

/**
 * A session's function tools and how the model may choose them.
 *
 * @param toolChoice {@code auto}, {@code none}, {@code required}, or the name of one tool the model must call
 */
public record SessionTools(List<ToolDefinition> tools, String toolChoice) {

  /** A session without tools. */
  public static final SessionTools NONE = new SessionTools(List.of(), "auto");

  public SessionTools {
    tools = tools == null ? List.of() : List.copyOf(tools);
    toolChoice = toolChoice == null ? "auto" : toolChoice;
  }

  public boolean isEmpty() {
    return tools.isEmpty();
  }

  /** The tool named {@code name}, or null. */
  public ToolDefinition named(String name) {
    for (ToolDefinition tool : tools) {
      if (tool.name().equals(name)) {
        return tool;
      }
    }
    return null;
  }
}
