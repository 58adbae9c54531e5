package io.voxrelay.session;

import io.voxrelay.common.config.StoreConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

@DisplayName("The SQLite session store")
class SqliteSessionStoreTest extends SessionStoreContract {

  @TempDir
  Path dir;

  @Override
  protected StoreConfig freshDatabase() throws Exception {
    return StoreConfig.sqlite(Files.createTempDirectory(dir, "db"));
  }
}
