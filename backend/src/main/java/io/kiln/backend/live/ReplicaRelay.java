package io.kiln.backend.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.backend.advice.AdviceEvents;
import io.kiln.backend.advice.AdviceService;
import io.kiln.backend.cluster.ClusterBus;
import io.kiln.backend.cluster.ClusterMessage;
import io.kiln.backend.common.Json;
import io.kiln.backend.metrics.MetricEvents;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunEvents;
import io.kiln.backend.run.RunService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;

/**
 * Live views across backend replicas: what this replica commits about a run (its points, state and
 * suggestions) is sent to the others in the same transaction ({@link ClusterBus}), and what they
 * commit is shown to the viewers connected here. A browser may so watch a run on any replica,
 * whichever one the run's agent is connected to. Points carry their values (a point too large for
 * one message is read back from the database); run changes and suggestions carry only the run's id
 * and are read back, since they are few and their views depend on the viewer's language.
 */
@ApplicationScoped
class ReplicaRelay {
  static final String METRICS = "live.metrics";
  static final String RUN = "live.run";
  static final String SUGGESTIONS = "live.suggestions";

  private final ClusterBus bus;
  private final LiveHub hub;
  private final Json json;
  private final RunService runs;
  private final MetricService metrics;
  private final AdviceService advice;

  ReplicaRelay(
      ClusterBus bus,
      LiveHub hub,
      Json json,
      RunService runs,
      MetricService metrics,
      AdviceService advice) {
    this.bus = bus;
    this.hub = hub;
    this.json = json;
    this.runs = runs;
    this.metrics = metrics;
    this.advice = advice;
  }

  /** In the storing transaction: the points go out with its commit, in as few messages as fit. */
  void onStored(@Observes MetricEvents.Stored stored) {
    if (!bus.shared()) {
      return;
    }
    ObjectNode body = null;
    int size = 0;
    for (MetricEvents event : stored.points()) {
      JsonNode point = json.mapper().valueToTree(event.point());
      int bytes = json.write(point).getBytes(StandardCharsets.UTF_8).length;
      boolean fits = bytes < ClusterBus.MAX_PAYLOAD / 2;
      if (body != null
          && (body.path("run").asLong() != event.runId()
              || size + bytes >= ClusterBus.MAX_PAYLOAD / 2)) {
        bus.publish(METRICS, body);
        body = null;
      }
      if (body == null) {
        body = bus.body().put("run", event.runId());
        body.putArray("points");
        size = 0;
      }
      ((ArrayNode) body.get("points"))
          .add(fits ? point : bus.body().put("seq", event.point().seq()).put("ref", true));
      size += fits ? bytes : 40;
    }
    if (body != null) {
      bus.publish(METRICS, body);
    }
  }

  void onRun(@Observes RunEvents.Changed event) {
    bus.publish(RUN, bus.body().put("run", event.run().id()));
  }

  void onAdvice(@Observes AdviceEvents event) {
    bus.publish(SUGGESTIONS, bus.body().put("run", event.runId()));
  }

  @ActivateRequestContext
  void onMessage(@Observes ClusterMessage message) throws Exception {
    long runId = message.body().path("run").asLong();
    switch (message.topic()) {
      case METRICS -> {
        for (JsonNode point : message.body().path("points")) {
          MetricView view =
              point.path("ref").asBoolean()
                  ? readBack(runId, point.path("seq").asLong())
                  : json.mapper().treeToValue(point, MetricView.class);
          if (view != null) {
            hub.publishCommitted(runId, view);
          }
        }
      }
      case RUN -> hub.showRun(runs.get(runId));
      case SUGGESTIONS -> hub.showSuggestions(runId, advice.list(runId));
      default -> {
        // another feature's topic
      }
    }
  }

  /** Messages from other replicas may have been lost: viewers here reconnect and catch up. */
  void onGap(@Observes ClusterMessage.Gap gap) {
    hub.reconnectAll();
  }

  private MetricView readBack(long runId, long seq) {
    return metrics.list(runId, seq - 1).stream()
        .filter(p -> p.seq() == seq)
        .findFirst()
        .orElse(null);
  }
}
