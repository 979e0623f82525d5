package io.kiln.backend.predict;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.run.ModelExport;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Trained models opened in ONNX Runtime, the most recently used few kept open. A model is loaded
 * from the run's stored archive ({@code model.onnx} and {@code kiln-model.json}) on first use. An
 * evicted session closes once the predictions using it have finished.
 */
@ApplicationScoped
public class ModelSessions {
  private final Json json;
  private final int capacity;
  private final Map<Long, Entry> open = new LinkedHashMap<>(16, 0.75f, true);

  ModelSessions(Json json, KilnConfig config) {
    this.json = json;
    this.capacity = Math.max(1, config.predict().openModels());
  }

  /** A model ready to predict: what its input is and what its outputs mean. */
  public record Model(
      OrtSession session, List<String> classNames, int channels, int size, String architecture) {}

  /** A model in use; close it when the predictions are done. */
  public final class Lease implements AutoCloseable {
    private final Entry entry;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    public Model model() {
      return entry.model;
    }

    @Override
    public void close() {
      release(entry);
    }
  }

  private static final class Entry {
    final Model model;
    final long archiveModified;
    int users;
    boolean evicted;

    Entry(Model model, long archiveModified) {
      this.model = model;
      this.archiveModified = archiveModified;
    }
  }

  /**
   * The model of {@code runId} from its archive.
   *
   * @throws ApiException 409 when the archive holds no ONNX model, saying why
   */
  public Lease acquire(long runId, Path archive) {
    long modified = lastModified(archive);
    synchronized (this) {
      Entry entry = open.get(runId);
      if (entry != null && entry.archiveModified == modified) {
        entry.users++;
        return new Lease(entry);
      }
    }
    Entry loaded = new Entry(load(runId, archive), modified);
    synchronized (this) {
      Entry replaced = open.put(runId, loaded);
      if (replaced != null) {
        retire(replaced);
      }
      while (open.size() > capacity) {
        var eldest = open.entrySet().iterator().next();
        open.remove(eldest.getKey());
        retire(eldest.getValue());
      }
      loaded.users++;
      return new Lease(loaded);
    }
  }

  private synchronized void release(Entry entry) {
    entry.users--;
    if (entry.evicted && entry.users == 0) {
      closeQuietly(entry);
    }
  }

  private void retire(Entry entry) {
    entry.evicted = true;
    if (entry.users == 0) {
      closeQuietly(entry);
    }
  }

  @PreDestroy
  synchronized void closeAll() {
    open.values().forEach(this::retire);
    open.clear();
  }

  private static void closeQuietly(Entry entry) {
    try {
      entry.model.session().close();
    } catch (OrtException ignored) {
      // Closing only frees native memory; nothing to tell anyone.
    }
  }

  private Model load(long runId, Path archive) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      JsonNode meta = ModelExport.meta(zip, json.mapper());
      if (meta == null) {
        throw new ApiException(409, "run " + runId + "'s model archive is not a Kiln model");
      }
      ZipEntry onnx = zip.getEntry(meta.path("onnx").path("file").asText("model.onnx"));
      if (onnx == null) {
        throw new ApiException(409, "run " + runId + "'s model archive holds no ONNX model");
      }
      byte[] bytes;
      try (InputStream in = zip.getInputStream(onnx)) {
        bytes = in.readAllBytes();
      }
      List<String> classes = new ArrayList<>();
      meta.path("classNames").forEach(n -> classes.add(n.asText()));
      JsonNode shape = meta.path("inputShape");
      OrtSession session =
          OrtEnvironment.getEnvironment().createSession(bytes, new OrtSession.SessionOptions());
      return new Model(
          session,
          List.copyOf(classes),
          shape.path(0).asInt(),
          shape.path(1).asInt(),
          meta.path("architecture").asText());
    } catch (IOException | OrtException e) {
      throw new ApiException(
          409, "run " + runId + "'s model could not be opened for predictions: " + e.getMessage());
    }
  }

  private static long lastModified(Path archive) {
    try {
      return Files.getLastModifiedTime(archive).toMillis();
    } catch (IOException e) {
      throw new ApiException(404, "the model file is missing: " + archive.getFileName());
    }
  }
}
