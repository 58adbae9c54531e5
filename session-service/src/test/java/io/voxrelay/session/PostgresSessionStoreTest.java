package io.voxrelay.session;

import io.voxrelay.common.config.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

@DisplayName("The PostgreSQL session store")
class PostgresSessionStoreTest extends SessionStoreContract {

  private static TestPostgres postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = TestPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected StoreConfig freshDatabase() throws Exception {
    String name = "voxrelay_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = postgres.jdbcUrl().replace("/postgres?", "/" + name + "?");
    return new StoreConfig(StoreConfig.Kind.POSTGRES, null, url, null, Optional.empty(), 4, 60_000, 100, 60_000,
        io.voxrelay.common.config.LeaseConfig.TTL_MS, StoreConfig.DEFAULT_BUS_TIMEOUT_MS);
  }
}
