package io.kiln.backend.run;

import io.kiln.backend.backbone.Backbone;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.Json;
import io.kiln.backend.pretrained.PretrainedService;
import io.kiln.backend.storage.StoredFiles;
import io.kiln.core.pretrained.CatalogueEntry;
import io.kiln.core.pretrained.PretrainedCatalogue;
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

  private final StoredFiles files;

  private final PretrainedService pretrained;

  RunFiles(
      RunLeases leases,
      RunMapper mapper,
      DataDirectory dirs,
      Json json,
      StoredFiles files,
      PretrainedService pretrained) {
    this.pretrained = pretrained;
    this.files = files;
    this.leases = leases;
    this.mapper = mapper;
    this.dirs = dirs;
    this.json = json;
  }

  /** Streams the model to disk first, then records it, so a half-sent model is never referenced. */
  public void storeModel(long agentId, long runId, InputStream body) {
    QuarkusTransaction.requiringNew().run(() -> requireHeld(agentId, runId));
    Path temp =
        dirs.uploads().resolve("model-" + runId + "-" + java.util.UUID.randomUUID() + ".zip");
    ModelExport export;
    try {
      Files.copy(body, temp, StandardCopyOption.REPLACE_EXISTING);
      export = ModelExport.of(temp, json.mapper());
      DataDirectory.privateFile(temp);
      files.keep(temp, modelKey(runId));
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the model of run " + runId, e);
    } finally {
      temp.toFile().delete();
    }
    // A heartbeat or a metric batch may update the run at the same moment: try again, do not fail.
    Conflicts.retry(
        () ->
            QuarkusTransaction.requiringNew()
                .run(
                    () -> {
                      Run run = requireHeld(agentId, runId);
                      run.modelPath = modelKey(runId);
                      run.modelOnnx = export.onnx();
                      run.onnxNote = export.reason();
                      run.modelChannels = export.channels();
                    }));
  }

  static String modelKey(long runId) {
    return "models/" + runId + ".zip";
  }

  /** A stored file by its key, with its SHA-256 when Kiln knows it. */
  public record Stored(String key, String sha256) {}

  /** The dataset archive of a run this agent holds. */
  @Transactional
  public Stored dataset(long agentId, long runId) {
    var dataset = requireHeld(agentId, runId).dataset;
    return new Stored(dataset.archivePath, dataset.sha256);
  }

  /**
   * The starting weights (T13): pretrained weights (fetched from their source first when the
   * catalogue's are not stored yet), the finished parent run's model archive, or the uploaded
   * backbone; with the SHA-256 where Kiln knows it.
   */
  public Stored initialWeights(long agentId, long runId) {
    Recipe recipe =
        QuarkusTransaction.requiringNew().call(() -> mapper.recipe(requireHeld(agentId, runId)));
    if ("pretrained".equals(recipe.initialWeights())) {
      PretrainedService.Stored stored = pretrained.file(recipe.pretrainedWeights());
      return new Stored(stored.fileKey(), stored.sha256());
    }
    return QuarkusTransaction.requiringNew()
        .call(() -> new Stored(initialWeightsKey(agentId, runId), null));
  }

  /**
   * The SHA-256 of a recipe's pretrained weights (the catalogue's, before they are even stored), so
   * the agent keeps them by content; null for other starting weights.
   */
  public String pretrainedSha256(Recipe recipe) {
    if (!"pretrained".equals(recipe.initialWeights())) {
      return null;
    }
    String stored = pretrained.sha256(recipe.pretrainedWeights());
    return stored != null
        ? stored
        : PretrainedCatalogue.find(recipe.pretrainedWeights())
            .map(CatalogueEntry::sha256)
            .orElse(null);
  }

  private String initialWeightsKey(long agentId, long runId) {
    Recipe recipe = mapper.recipe(requireHeld(agentId, runId));
    if ("backbone".equals(recipe.initialWeights())) {
      Backbone backbone = Backbone.findById(recipe.backboneId());
      if (backbone == null) {
        throw ApiException.notFound("backbone", recipe.backboneId());
      }
      return backbone.filePath;
    }
    long parentId = recipe.initialRunId();
    Run parent = Run.findById(parentId);
    if (parent == null || parent.modelPath == null) {
      throw ApiException.notFound("model of run", parentId);
    }
    return parent.modelPath;
  }

  private Run requireHeld(long agentId, long runId) {
    return leases
        .held(agentId, runId)
        .orElseThrow(
            () -> new ApiException(409, "agent " + agentId + " holds no lease on run " + runId));
  }
}
