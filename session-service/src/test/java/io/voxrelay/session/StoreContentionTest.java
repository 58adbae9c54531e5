package io.voxrelay.session;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Store contention")
class StoreContentionTest {

  @Test
  @DisplayName("a held lock, a full queue or no free connection is contention, wherever it is in the causes")
  void contention() {
    assertThat(StoreContention.is(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY))).isTrue();
    assertThat(StoreContention.is(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT))).isTrue();
    assertThat(StoreContention.is(new SQLiteException("table locked", SQLiteErrorCode.SQLITE_LOCKED))).isTrue();
    assertThat(StoreContention.is(new CompletionException(new SQLException("lock timeout", "55P03")))).isTrue();
    assertThat(StoreContention.is(new SQLException("statement timeout", "57014"))).isTrue();
    assertThat(StoreContention.is(new SQLTransientConnectionException("no connection in 750 ms"))).isTrue();
    assertThat(StoreContention.is(new StoreQueue.StoreBusyException("write"))).isTrue();
  }

  @Test
  @DisplayName("anything else is a fault")
  void faults() {
    assertThat(StoreContention.is(new SQLiteException("constraint", SQLiteErrorCode.SQLITE_CONSTRAINT))).isFalse();
    assertThat(StoreContention.is(new SQLException("syntax", "42601"))).isFalse();
    assertThat(StoreContention.is(new IllegalStateException("too much contention on session s_1"))).isFalse();
    assertThat(StoreContention.is(new RuntimeException(new SQLException("no code")))).isFalse();
  }
}
