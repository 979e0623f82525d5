package io.kiln.backend.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Whether a model archive holds an ONNX export ({@code model.onnx}, described in {@code
 * kiln-model.json}) and, if not, why, in words for the run page and the model card.
 *
 * @param onnx true when the archive holds the ONNX model
 * @param reason why there is none (null when there is)
 */
public record ModelExport(boolean onnx, String reason, Integer channels) {
  public ModelExport(boolean onnx, String reason) {
    this(onnx, reason, null);
  }

  /** The metadata file the agent writes into every model archive. */
  static final String META = "kiln-model.json";

  /** Archives from before the export say nothing about it. */
  static final String TOO_OLD =
      "it was trained before Kiln exported models to ONNX; train it again (or launch a run that"
          + " starts from it) to get a model that can answer predictions";

  /** Why a run's stored model has no ONNX export, or null when it has one (or no model). */
  public static String unavailableReason(Run run) {
    if (run.modelPath == null || run.modelOnnx) {
      return null;
    }
    return run.onnxNote == null ? TOO_OLD : run.onnxNote;
  }

  /** The archive's {@code kiln-model.json}, or null when it has none. */
  public static JsonNode meta(ZipFile zip, ObjectMapper json) throws IOException {
    ZipEntry entry = zip.getEntry(META);
    if (entry == null) {
      return null;
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return json.readTree(in);
    }
  }

  /** {@code kiln-model.json} of the archive at {@code path}, or null when it is not a Kiln zip. */
  public static JsonNode meta(Path archive, ObjectMapper json) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      return meta(zip, json);
    } catch (IOException notAZip) {
      return null;
    }
  }

  public static ModelExport of(Path archive, ObjectMapper json) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      JsonNode meta = meta(zip, json);
      if (meta == null) {
        return new ModelExport(false, "the model archive is not a Kiln model");
      }
      JsonNode shape = meta.path("inputShape");
      Integer channels = shape.isArray() && shape.size() > 0 ? shape.get(0).asInt() : null;
      String file = meta.path("onnx").path("file").asText("");
      if (!file.isEmpty() && zip.getEntry(file) != null) {
        return new ModelExport(true, null, channels);
      }
      String reason = meta.path("onnxUnavailable").asText("");
      return new ModelExport(false, reason.isEmpty() ? TOO_OLD : reason, channels);
    } catch (IOException e) {
      return new ModelExport(false, "the model archive cannot be read: " + e.getMessage());
    }
  }
}
