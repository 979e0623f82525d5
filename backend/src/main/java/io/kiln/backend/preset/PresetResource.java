package io.kiln.backend.preset;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.run.ThroughputEstimate;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Built-in and custom presets; a preview of what a preset becomes on a dataset, with a time estimate. */
@Path("/api/presets")
@Authenticated
public class PresetResource {
  private final PresetService presets;
  private final PresetPlanner planner;
  private final DatasetService datasets;
  private final ThroughputEstimate estimates;
  private final SecurityIdentity identity;

  PresetResource(PresetService presets, PresetPlanner planner, DatasetService datasets, ThroughputEstimate estimates,
      SecurityIdentity identity) {
    this.presets = presets;
    this.planner = planner;
    this.datasets = datasets;
    this.estimates = estimates;
    this.identity = identity;
  }

  @GET
  public List<PresetView> list() {
    return presets.list();
  }

  @GET
  @Path("/{id}")
  public PresetView get(@PathParam("id") String id) {
    return presets.get(id);
  }

  /** {"name", "description", "fields": {...}, "basedOn": "balanced"}: validated like a run recipe. */
  @POST
  public Response create(Map<String, Object> body) {
    return Response.status(201).entity(presets.create(body, identity.getPrincipal().getName())).build();
  }

  @PUT
  @Path("/{id}")
  public PresetView update(@PathParam("id") String id, Map<String, Object> body) {
    return presets.update(id, body);
  }

  @DELETE
  @Path("/{id}")
  public Response delete(@PathParam("id") String id) {
    presets.delete(id);
    return Response.noContent().build();
  }

  /**
   * What launching this preset on a dataset would train: {"datasetId": 1, "fields": {...overrides},
   * "undoAdjustments": ["learningRate"], "agentId": 2}. Returns the recipe, the adjustments with
   * their reasons, and an estimate of the time per epoch.
   */
  @POST
  @Path("/{id}/preview")
  public Map<String, Object> preview(@PathParam("id") String id, Map<String, Object> body) {
    Map<String, Object> request = body == null ? Map.of() : body;
    if (!(request.get("datasetId") instanceof Number datasetId)) {
      throw new ApiException(400, "datasetId is required", List.of(Map.of("field", "datasetId", "message",
          "is required")));
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (request.get("fields") instanceof Map<?, ?> fields) {
      fields.forEach((k, v) -> {
        if (v != null) {
          overrides.put(String.valueOf(k), v);
        }
      });
    }
    Set<String> undo = request.get("undoAdjustments") instanceof List<?> list
        ? list.stream().map(String::valueOf).collect(Collectors.toSet()) : Set.of();
    Dataset dataset = QuarkusTransaction.requiringNew().call(() -> {
      Dataset d = Dataset.findById(datasetId.longValue());
      if (d == null) {
        throw new ApiException(400, "dataset " + datasetId + " does not exist", List.of(Map.of("field",
            "datasetId", "message", "no such dataset")));
      }
      return d;
    });
    PresetPlanner.Plan plan = planner.plan(id, overrides, dataset, undo);
    int train = datasets.trainImages(dataset);
    Long agentId = request.get("agentId") instanceof Number n ? n.longValue() : null;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("presetId", plan.presetId());
    out.put("recipe", plan.recipe().toMap());
    out.put("adjustments", plan.applied());
    out.put("undone", plan.undone());
    out.put("estimate", estimates.estimate(plan.recipe(), train, dataset.imageCount - train, agentId));
    return out;
  }
}
