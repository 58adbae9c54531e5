package io.voxrelay.common.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the session service keeps sessions.
 *
 * @param kind        {@code sqlite} (embedded, the default) or {@code postgres} ({@code VOXRELAY_STORE})
 * @param dataDir     directory of the SQLite file {@code voxrelay.db} ({@code VOXRELAY_DATA_DIR}, default {@code ./data})
 * @param jdbcUrl     PostgreSQL JDBC URL ({@code VOXRELAY_DB_URL}), required for {@code postgres}
 * @param user        PostgreSQL user ({@code VOXRELAY_DB_USER})
 * @param password    PostgreSQL password ({@code VOXRELAY_DB_PASSWORD}); never logged
 * @param poolSize    connections, and worker threads running JDBC ({@code VOXRELAY_DB_POOL_SIZE})
 * @param tokenTtlMs  how long a resume token stays valid after it was issued ({@code VOXRELAY_RESUME_TOKEN_TTL_MS}, 24 h)
 * @param replayMaxEvents unacknowledged events kept per session for replay ({@code VOXRELAY_REPLAY_MAX_EVENTS})
 * @param replayMaxAgeMs  how long an unacknowledged event is kept ({@code VOXRELAY_REPLAY_MAX_AGE_MS}, 15 min)
 * @param leaseTtlMs  the time to live of the relay leases the store grants ({@link LeaseConfig#ttlMs})
 * @param busTimeoutMs how long callers wait for the session service ({@code VOXRELAY_BUS_TIMEOUT_MS}, 5 s): every
 *                    database wait fits inside it ({@link #databaseTimeoutMs})
 */
public record StoreConfig(Kind kind, Path dataDir, String jdbcUrl, String user, Optional<Secret> password,
                          int poolSize, long tokenTtlMs, int replayMaxEvents, long replayMaxAgeMs,
                          long leaseTtlMs, long busTimeoutMs) {

  public static final int REPLAY_MAX_EVENTS = 5_000;
  public static final long REPLAY_MAX_AGE_MS = 15 * 60_000;
  public static final long DEFAULT_BUS_TIMEOUT_MS = 5_000;

  public enum Kind { SQLITE, POSTGRES }

  public StoreConfig {
    if (kind == Kind.POSTGRES && (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:"))) {
      throw new IllegalArgumentException("VOXRELAY_STORE=postgres needs VOXRELAY_DB_URL=jdbc:postgresql://…");
    }
  }

  public static StoreConfig fromEnv(Env env) {
    String kind = env.string("VOXRELAY_STORE", "sqlite").toLowerCase();
    Kind parsed = switch (kind) {
      case "sqlite" -> Kind.SQLITE;
      case "postgres", "postgresql" -> Kind.POSTGRES;
      default -> throw new IllegalArgumentException("VOXRELAY_STORE must be sqlite or postgres, got '" + kind + "'");
    };
    return new StoreConfig(parsed,
        Path.of(env.string("VOXRELAY_DATA_DIR", "./data")),
        env.optional("VOXRELAY_DB_URL").orElse(null),
        env.optional("VOXRELAY_DB_USER").orElse(null),
        Secret.of(env.optional("VOXRELAY_DB_PASSWORD")),
        env.integer("VOXRELAY_DB_POOL_SIZE", 4),
        env.millis("VOXRELAY_RESUME_TOKEN_TTL_MS", 24 * 60 * 60_000L),
        env.integer("VOXRELAY_REPLAY_MAX_EVENTS", REPLAY_MAX_EVENTS),
        env.millis("VOXRELAY_REPLAY_MAX_AGE_MS", REPLAY_MAX_AGE_MS),
        LeaseConfig.fromEnv(env).ttlMs(),
        env.millis("VOXRELAY_BUS_TIMEOUT_MS", DEFAULT_BUS_TIMEOUT_MS));
  }

  /** The SQLite store in {@code dir}, with defaults otherwise. */
  public static StoreConfig sqlite(Path dir) {
    return new StoreConfig(Kind.SQLITE, dir, null, null, Optional.empty(), 4, 24 * 60 * 60_000L, REPLAY_MAX_EVENTS,
        REPLAY_MAX_AGE_MS, LeaseConfig.TTL_MS, DEFAULT_BUS_TIMEOUT_MS);
  }

  /**
   * The longest any one database wait may take: a connection from the pool, a lock, a statement, the
   * network. Half the bus timeout, so a caller never gives up while its work is still running against the
   * database (and the rest of its wait is left for the answer); at least 250 ms.
   */
  public long databaseTimeoutMs() {
    return Math.max(250, busTimeoutMs / 2);
  }

  /** Where the store is, for messages: the SQLite file, or the JDBC URL without its query (credentials). */
  public String where() {
    if (kind == Kind.SQLITE) {
      return dataDir.resolve("voxrelay.db").toAbsolutePath().normalize().toString();
    }
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }

  public StoreConfig withTokenTtlMs(long ttl) {
    return new StoreConfig(kind, dataDir, jdbcUrl, user, password, poolSize, ttl, replayMaxEvents, replayMaxAgeMs,
        leaseTtlMs, busTimeoutMs);
  }

  public StoreConfig withLeaseTtlMs(long ttl) {
    return new StoreConfig(kind, dataDir, jdbcUrl, user, password, poolSize, tokenTtlMs, replayMaxEvents,
        replayMaxAgeMs, ttl, busTimeoutMs);
  }

  public StoreConfig withReplayBounds(int maxEvents, long maxAgeMs) {
    return new StoreConfig(kind, dataDir, jdbcUrl, user, password, poolSize, tokenTtlMs, maxEvents, maxAgeMs,
        leaseTtlMs, busTimeoutMs);
  }
}
