package io.kiln.backend.cluster;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A change another backend replica committed, as a CDI event on this one: each feature observes the
 * topics it published itself ({@link ClusterBus#publish}) and shows the change to the browsers and
 * agents connected here.
 *
 * @param topic what changed ({@code metric}, {@code run}, ...)
 * @param body the publisher's JSON object
 */
public record ClusterMessage(String topic, JsonNode body) {
  /**
   * Fired when this replica may have missed messages (its listening connection was lost and has
   * been opened again): whatever it shows from other replicas must be read afresh.
   */
  public record Gap() {}
}
