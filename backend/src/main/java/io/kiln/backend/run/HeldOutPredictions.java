package io.kiln.backend.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kiln.backend.common.Json;
import io.kiln.backend.storage.StoredFiles;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A label check's fold run reports each held-out image's probabilities with its evaluation (rows of
 * {@code [imageId, given, class, probability, ...]}, core's labels.Prediction). They are kept as a
 * file in the blob store, not in the run's row: a fold holds up to 8,000 images.
 */
@ApplicationScoped
public class HeldOutPredictions {
  private static final TypeReference<List<List<Object>>> ROWS = new TypeReference<>() {};
  private final StoredFiles files;
  private final Json json;

  HeldOutPredictions(StoredFiles files, Json json) {
    this.files = files;
    this.json = json;
  }

  static String key(long runId) {
    return "held-out/run-" + runId + ".json";
  }

  /** Keeps (or, on a resend, replaces) the rows of run {@code runId}. */
  void keep(long runId, Object rows) {
    try {
      Path temp = Files.createTempFile("held-out-", ".json");
      try {
        json.mapper().writeValue(temp.toFile(), rows);
        files.keep(temp, key(runId));
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows run {@code runId} reported, if it did. */
  public Optional<List<List<Object>>> of(long runId) {
    Path local;
    try {
      local = files.local(key(runId));
    } catch (UncheckedIOException missing) {
      if (missing.getCause() instanceof java.nio.file.NoSuchFileException) {
        return Optional.empty();
      }
      throw missing;
    }
    if (!Files.isRegularFile(local)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.mapper().readValue(local.toFile(), ROWS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
