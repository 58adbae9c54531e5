package io.voxrelay.gateway;

import io.voxrelay.common.protocol.CloseCode;

import java.util.HashMap;
import java.util.Map;

/** The live client connections of one gateway instance, by session id: at most one per session. */
final class ClientRegistry {

  private final Map<String, ClientConnection> bySession = new HashMap<>();

  /** Makes {@code connection} the live one for its session; an older one is closed as replaced. */
  void put(ClientConnection connection) {
    ClientConnection older = bySession.put(connection.sessionId(), connection);
    if (older != null && older != connection) {
      older.close(CloseCode.REPLACED);
    }
  }

  void remove(ClientConnection connection) {
    bySession.remove(connection.sessionId(), connection);
  }

  ClientConnection get(String sessionId) {
    return bySession.get(sessionId);
  }

  int size() {
    return bySession.size();
  }

  Iterable<ClientConnection> all() {
    return bySession.values().stream().toList();
  }
}
