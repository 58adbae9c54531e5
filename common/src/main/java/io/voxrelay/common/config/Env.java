package io.voxrelay.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of configuration from environment variables. A value that cannot be parsed fails start-up
 * with a message naming the variable, never silently falling back to the default.
 */
public final class Env {

  private final Map<String, String> vars;
  /** Every name asked for, when this env records them ({@link #recording}); null otherwise. */
  private final java.util.Set<String> asked;

  public Env(Map<String, String> vars) {
    this(vars, null);
  }

  private Env(Map<String, String> vars, java.util.Set<String> asked) {
    this.vars = Map.copyOf(vars);
    this.asked = asked;
  }

  /**
   * An env with {@code vars} that adds every variable name the code asks for to {@code asked}: reading each
   * configuration from it lists the settings voxrelay reads (deployment manifests are checked against them).
   */
  public static Env recording(Map<String, String> vars, java.util.Set<String> asked) {
    return new Env(vars, asked);
  }

  /** This env, with {@code defaults} for the variables it does not set (it wins where it sets them). */
  public Env withDefaults(Map<String, String> defaults) {
    Map<String, String> merged = new java.util.HashMap<>(defaults);
    vars.forEach((name, value) -> {
      if (!value.isBlank()) {
        merged.put(name, value);
      }
    });
    return new Env(merged, asked);
  }

  /** The process environment. */
  public static Env system() {
    return new Env(System.getenv());
  }

  public Optional<String> optional(String name) {
    if (asked != null) {
      asked.add(name);
    }
    String v = vars.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** A comma-separated list, each entry trimmed, empty ones left out; empty when the variable is unset. */
  public java.util.List<String> list(String name) {
    return optional(name).map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim)
        .filter(e -> !e.isEmpty()).toList()).orElse(java.util.List.of());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue) {
    return optional(name).map(v -> {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
      }
    }).orElse(defaultValue);
  }

  public long millis(String name, long defaultValue) {
    long value = optional(name).map(v -> {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number of milliseconds, got '" + v + "'");
      }
    }).orElse(defaultValue);
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  public boolean bool(String name, boolean defaultValue) {
    return optional(name).map(v -> switch (v.toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
    }).orElse(defaultValue);
  }

  /** A comma-separated list; blank entries are dropped. */
  public List<String> list(String name, List<String> defaultValue) {
    return optional(name)
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(defaultValue);
  }
}
