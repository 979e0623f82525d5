package io.kiln.backend.run;

import io.kiln.backend.backbone.Backbone;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.Json;
import io.kiln.core.recipe.Recipe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files of a run an agent holds: the dataset it reads, the starting weights, the model it
 * uploads.
 */
@ApplicationScoped
public class RunFiles {
  private final RunLeases leases;
  private final RunMapper mapper;
  private final DataDirectory dirs;

  private final Json json;

  RunFiles(RunLeases leases, RunMapper mapper, DataDirectory dirs, Json json) {
    this.leases = leases;
    this.mapper = mapper;
    this.dirs = dirs;
    this.json = json;
  }

  /** Streams the model to disk first, then records it, so a half-sent model is never referenced. */
  public void storeModel(long agentId, long runId, InputStream body) {
    QuarkusTransaction.requiringNew().run(() -> requireHeld(agentId, runId));
    Path temp = dirs.models().resolve(runId + ".zip.part");
    ModelExport export;
    try {
      Files.copy(body, temp, StandardCopyOption.REPLACE_EXISTING);
      export = ModelExport.of(temp, json.mapper());
      DataDirectory.privateFile(temp);
      Files.move(
          temp,
          dirs.models().resolve(runId + ".zip"),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the model of run " + runId, e);
    }
    // A heartbeat or a metric batch may update the run at the same moment: try again, do not fail.
    Conflicts.retry(
        () ->
            QuarkusTransaction.requiringNew()
                .run(
                    () -> {
                      Run run = requireHeld(agentId, runId);
                      run.modelPath = "models/" + runId + ".zip";
                      run.modelOnnx = export.onnx();
                      run.onnxNote = export.reason();
                    }));
  }

  /** The dataset archive of a run this agent holds. */
  @Transactional
  public Path datasetArchive(long agentId, long runId) {
    return dirs.root().resolve(requireHeld(agentId, runId).dataset.archivePath);
  }

  /**
   * The starting weights (T13): the finished parent run's model archive, or the uploaded backbone.
   */
  @Transactional
  public Path initialWeights(long agentId, long runId) {
    Recipe recipe = mapper.recipe(requireHeld(agentId, runId));
    if ("backbone".equals(recipe.initialWeights())) {
      Backbone backbone = Backbone.findById(recipe.backboneId());
      if (backbone == null) {
        throw ApiException.notFound("backbone", recipe.backboneId());
      }
      return dirs.root().resolve(backbone.filePath);
    }
    long parentId = recipe.initialRunId();
    Run parent = Run.findById(parentId);
    if (parent == null || parent.modelPath == null) {
      throw ApiException.notFound("model of run", parentId);
    }
    return dirs.root().resolve(parent.modelPath);
  }

  private Run requireHeld(long agentId, long runId) {
    return leases
        .held(agentId, runId)
        .orElseThrow(
            () -> new ApiException(409, "agent " + agentId + " holds no lease on run " + runId));
  }
}
