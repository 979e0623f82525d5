package io.kiln.core.protocol;

/** A frame that is not a valid protocol message. */
public class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }
}
