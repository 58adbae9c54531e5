package io.voxrelay.common.config;

/**
 * The upstream simulator's settings.
 *
 * @param host           interface it binds ({@code VOXRELAY_SIMULATOR_HOST}, loopback)
 * @param port           port, 0 for any free one ({@code VOXRELAY_SIMULATOR_PORT})
 * @param maxSessionMs   upstream session lifetime before {@code session_expired} ({@code VOXRELAY_SIMULATOR_MAX_SESSION_MS}, 60 min as OpenAI)
 * @param azureMaxSessionMs the same on the Azure path ({@code VOXRELAY_SIMULATOR_AZURE_MAX_SESSION_MS}, 30 min as Azure)
 * @param responseAudioMs length of each synthesised answer ({@code VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS})
 * @param recordedEvents  events kept each way per session for inspection by tests, the latest ones
 *                        ({@code VOXRELAY_SIMULATOR_RECORDED_EVENTS}, 5 000)
 * @param recordedSessions sessions kept for inspection; past it the oldest closed ones are forgotten
 *                        ({@code VOXRELAY_SIMULATOR_RECORDED_SESSIONS}, 1 000)
 */
public record SimulatorConfig(String host, int port, long maxSessionMs, long azureMaxSessionMs, long responseAudioMs,
                              int recordedEvents, int recordedSessions) {

  public static SimulatorConfig fromEnv(Env env) {
    return new SimulatorConfig(
        env.string("VOXRELAY_SIMULATOR_HOST", "127.0.0.1"),
        env.integer("VOXRELAY_SIMULATOR_PORT", 0),
        env.millis("VOXRELAY_SIMULATOR_MAX_SESSION_MS", 60 * 60_000),
        env.millis("VOXRELAY_SIMULATOR_AZURE_MAX_SESSION_MS", 30 * 60_000),
        env.millis("VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS", 1_200),
        env.integer("VOXRELAY_SIMULATOR_RECORDED_EVENTS", 5_000),
        env.integer("VOXRELAY_SIMULATOR_RECORDED_SESSIONS", 1_000));
  }

  /** The session lifetime of {@code provider}'s path. */
  public long maxSessionMs(UpstreamProvider provider) {
    return provider == UpstreamProvider.AZURE ? azureMaxSessionMs : maxSessionMs;
  }

  public static SimulatorConfig defaults() {
    return fromEnv(new Env(java.util.Map.of()));
  }
}
