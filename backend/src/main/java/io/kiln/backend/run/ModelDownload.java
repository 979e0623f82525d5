package io.kiln.backend.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.Json;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.pretrained.PretrainedService;
import io.kiln.backend.pretrained.PretrainedView;
import io.kiln.core.model.ModelCard;
import io.kiln.core.recipe.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The model as a user downloads it: the agent's archive (parameters, {@code kiln-model.json}) with
 * {@code MODEL.md}, the model card (core's {@link ModelCard}), written from what the backend knows
 * of the run: its dataset, recipe, accuracy and per-class scores.
 */
@ApplicationScoped
public class ModelDownload {
  static final String CARD = "MODEL.md";
  private final RunService runs;
  private final RunMapper mapper;
  private final Json json;
  private final PretrainedService pretrained;
  private final DatasetService datasets;

  ModelDownload(
      RunService runs,
      RunMapper mapper,
      Json json,
      PretrainedService pretrained,
      DatasetService datasets) {
    this.datasets = datasets;
    this.pretrained = pretrained;
    this.runs = runs;
    this.mapper = mapper;
    this.json = json;
  }

  /** What to send: the stored archive and the card to add to it. */
  public record Download(Path archive, String card) {
    /** Copies the archive's entries and adds the card; a file that is not a zip goes as it is. */
    public void writeTo(OutputStream out) throws IOException {
      if (card == null) {
        Files.copy(archive, out);
        return;
      }
      ZipOutputStream zip = new ZipOutputStream(out);
      // Float weights barely compress: store them as the agent did.
      zip.setLevel(Deflater.NO_COMPRESSION);
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive))) {
        ZipEntry entry;
        while ((entry = in.getNextEntry()) != null) {
          if (!entry.getName().equals(CARD)) {
            zip.putNextEntry(new ZipEntry(entry.getName()));
            in.transferTo(zip);
            zip.closeEntry();
          }
        }
      }
      zip.setLevel(Deflater.DEFAULT_COMPRESSION);
      zip.putNextEntry(new ZipEntry(CARD));
      zip.write(card.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.finish();
    }
  }

  @Transactional
  public Download prepare(long runId, Caller caller) {
    Path archive = runs.model(runId, caller);
    Run run = Run.findById(runId);
    JsonNode meta = ModelExport.meta(archive, json.mapper());
    if (meta == null) {
      return new Download(archive, null);
    }
    RunView view = mapper.view(run);
    RunEvaluation evaluation = view.evaluation();
    List<ModelCard.ClassScore> perClass = new ArrayList<>();
    if (evaluation != null && evaluation.perClass() != null) {
      evaluation
          .perClass()
          .forEach(
              c ->
                  perClass.add(
                      new ModelCard.ClassScore(c.name(), c.precision(), c.recall(), c.support())));
    }
    List<String> classes = new ArrayList<>();
    meta.path("classNames").forEach(n -> classes.add(n.asText()));
    JsonNode shape = meta.path("inputShape");
    String card =
        ModelCard.markdown(
            new ModelCard.Facts(
                run.id,
                run.name,
                run.dataset.name,
                run.dataset.version,
                classes,
                meta.path("architecture").asText(),
                view.recipe(),
                run.bestValAccuracy,
                run.testAccuracy,
                evaluation == null ? "validation" : evaluation.split(),
                perClass,
                shape.path(0).asInt(),
                shape.path(1).asInt(),
                doubles(meta.path("mean")),
                doubles(meta.path("std")),
                run.finishedAt == null ? null : run.finishedAt.toString(),
                run.modelOnnx ? null : ModelExport.unavailableReason(run),
                startingWeights(mapper.recipe(run)),
                meta.path("pytorch").path("file").asText(null),
                datasets.splitImages(run.dataset)));
    return new Download(archive, card);
  }

  /** Where training started, for the card (T13): which weights, with their source. */
  private String startingWeights(Recipe recipe) {
    return switch (recipe.initialWeights()) {
      case "pretrained" -> {
        try {
          PretrainedView w = pretrained.resolve(recipe.pretrainedWeights(), null);
          yield w.name()
              + " ("
              + w.key()
              + (w.url() == null ? ", imported" : ", " + w.url())
              + ", SHA-256 "
              + w.sha256()
              + ")";
        } catch (RuntimeException gone) {
          yield "pretrained weights " + recipe.pretrainedWeights();
        }
      }
      case "run" -> "the network of Kiln run " + recipe.initialRunId();
      case "backbone" -> "uploaded TorchScript backbone " + recipe.backboneId();
      default -> null;
    };
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    return out;
  }
}
