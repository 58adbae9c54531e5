package io.voxrelay.common.protocol;

/**
 * A client frame that breaks the protocol. {@link #code()} is the {@code error} event's code; the message is
 * safe to send back and to log (it never quotes the frame).
 */
public final class ProtocolException extends RuntimeException {

  private final String code;

  public ProtocolException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
