package io.kiln.agent.channel;

import java.io.IOException;

/**
 * The backend answered, and said no (an HTTP error status): retrying the same request will not
 * help.
 */
public class BackendRefusedException extends IOException {
  public BackendRefusedException(String message) {
    super(message);
  }
}
