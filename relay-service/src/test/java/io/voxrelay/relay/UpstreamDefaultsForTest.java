package io.voxrelay.relay;

import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.protocol.UpstreamOptionRules;

import java.util.Map;

/** The relay's upstream defaults with no settings, for tests. */
final class UpstreamDefaultsForTest {

  static final UpstreamOptions DEFAULTS = UpstreamOptionRules.defaults(new Env(Map.of()));

  private UpstreamDefaultsForTest() {
  }
}
