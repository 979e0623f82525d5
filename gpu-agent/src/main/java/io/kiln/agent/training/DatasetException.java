package io.kiln.agent.training;

import java.io.IOException;

/** The dataset itself cannot be trained on (an image that does not decode, a stray file). */
public final class DatasetException extends IOException {
  public DatasetException(String message) {
    super(message);
  }
}
