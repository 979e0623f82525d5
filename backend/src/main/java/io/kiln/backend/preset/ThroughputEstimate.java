package io.kiln.backend.preset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.metrics.MetricPoint;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunMapper;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.run.RunState;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long an epoch will take: measured by earlier runs of the same network and image size (on the
 * chosen agent when one is named), else a rough figure for a 2-core CPU.
 */
@ApplicationScoped
public class ThroughputEstimate {
  /** Images per second at 28 x 28 pixels on 2 CPU cores (measured with the agent, batch 64). */
  private static final Map<String, Double> CPU_28PX = Map.of("small-cnn", 1500.0, "mobilenet", 700.0,
      "resnet-18", 120.0, "resnet-34", 60.0, "resnet-50", 30.0, "backbone", 300.0);
  private final RunMapper mapper;
  private final ObjectMapper json;

  ThroughputEstimate(RunMapper mapper, ObjectMapper json) {
    this.mapper = mapper;
    this.json = json;
  }

  @Transactional
  public Map<String, Object> estimate(Recipe recipe, int trainImages, int evalImages, Long agentId) {
    Double measured = null;
    String basis = null;
    List<Run> finished = (agentId == null
        ? Run.<Run>find("state = ?1", Sort.descending("id"), RunState.SUCCEEDED)
        : Run.<Run>find("state = ?1 and agentId = ?2", Sort.descending("id"), RunState.SUCCEEDED, agentId))
        .page(0, 50).list();
    for (Run run : finished) {
      Recipe past = mapper.recipe(run);
      if (past.architecture().equals(recipe.architecture()) && past.inputSize() == recipe.inputSize()) {
        measured = imagesPerSecond(run.id);
        if (measured != null) {
          basis = "measured by run #" + run.id + " (" + recipe.architecture() + ", " + recipe.inputSize() + " px"
              + (agentId == null ? "" : ", on this agent") + ")";
          break;
        }
      }
    }
    double rate = measured != null ? measured : CPU_28PX.getOrDefault(recipe.architecture(), 300.0)
        * Math.pow(28.0 / recipe.inputSize(), 2);
    double epochSeconds = trainImages / rate + evalImages / (3 * rate);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imagesPerSecond", Math.round(rate));
    out.put("secondsPerEpoch", Math.max(0.01, Math.round(epochSeconds * 100) / 100.0));
    out.put("totalSeconds", Math.round(epochSeconds * recipe.epochs()));
    out.put("basis", basis != null ? basis : "a rough figure for a 2-core CPU; a GPU agent is much faster");
    return out;
  }

  private Double imagesPerSecond(long runId) {
    MetricPoint last = MetricPoint.find("runId = ?1 and kind = ?2", Sort.descending("seq"), runId,
        MetricKind.EPOCH).firstResult();
    if (last == null) {
      return null;
    }
    try {
      Object ips = json.readTree(last.values).path("imagesPerSecond").numberValue();
      return ips instanceof Number n && n.doubleValue() > 0 ? n.doubleValue() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
