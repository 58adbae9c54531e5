package io.voxrelay.session;

import io.voxrelay.common.protocol.SessionIds;

import java.util.Optional;

/**
 * Where a page of the session list stops: the creation time and id of its last (oldest) session. Callers
 * see it as an opaque string, {@code <createdAt>.<sessionId>}.
 */
record ListCursor(long createdAt, String sessionId) {

  /** Before every session: the first page. */
  static final ListCursor FIRST = new ListCursor(Long.MAX_VALUE, "");

  /** The cursor named by {@code text} (null: the first page); empty when it is not one this service made. */
  static Optional<ListCursor> parse(String text) {
    if (text == null) {
      return Optional.of(FIRST);
    }
    int dot = text.indexOf('.');
    if (dot <= 0 || dot > 19 || !SessionIds.isWellFormed(text.substring(dot + 1))) {
      return Optional.empty();
    }
    try {
      long createdAt = Long.parseLong(text.substring(0, dot));
      return createdAt < 0 ? Optional.empty() : Optional.of(new ListCursor(createdAt, text.substring(dot + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static ListCursor after(SessionRecord last) {
    return new ListCursor(last.createdAt(), last.sessionId());
  }

  String text() {
    return createdAt + "." + sessionId;
  }
}
