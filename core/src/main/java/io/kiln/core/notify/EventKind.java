package io.kiln.core.notify;

import java.util.Arrays;
import java.util.Optional;

/**
 * What Kiln tells people about (issue 35). The key is the event's name in the API, in webhook
 * bodies ({@code kind}) and in the browser's message keys ({@code notice.<key>}).
 */
public enum EventKind {
  RUN_SUCCEEDED("run-succeeded"),
  RUN_FAILED("run-failed"),
  RUN_CANCELLED("run-cancelled"),
  REVIEW_REQUESTED("review-requested"),
  REVIEW_DECIDED("review-decided"),
  LABEL_CHECK_FINISHED("label-check-finished"),
  /** The autopilot's series of runs ended (budget spent or nothing left to try). */
  AUTOPILOT_FINISHED("autopilot-finished"),
  AGENT_REVOKED("agent-revoked"),
  /** An agent stopped heartbeating (told to admins). */
  AGENT_OFFLINE("agent-offline"),
  /** A run has waited over an hour without any agent taking it. */
  RUN_WAITING("run-waiting"),
  /** Only sent by the test button of a webhook. */
  TEST("test");

  private final String key;

  EventKind(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static Optional<EventKind> of(String key) {
    return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
  }
}
