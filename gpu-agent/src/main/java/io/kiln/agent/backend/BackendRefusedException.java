package io.kiln.agent.backend;

import java.io.IOException;

/** The backend answered, and said no (an HTTP error status): retrying the same request will not help. */
public class BackendRefusedException extends IOException {
  public BackendRefusedException(String message) {
    super(message);
  }
}
