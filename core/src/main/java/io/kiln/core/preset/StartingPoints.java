package io.kiln.core.preset;

import io.kiln.core.i18n.Text;
import io.kiln.core.pretrained.PretrainedCatalogue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which starting weights a dataset can use, and what the wizard proposes before anyone touches
 * anything (T13): photos start from pretrained weights where they can be had, at a size fitted to
 * them; where none can be had, from scratch, saying why. A start that cannot work (a run trained on
 * gray images for a colour dataset, weights the server cannot get) is not offered.
 */
public final class StartingPoints {
  /** What kind of starting weights. */
  public enum Kind {
    PRETRAINED,
    RUN,
    BACKBONE
  }

  /**
   * Starting weights the server knows of.
   *
   * @param id the catalogue id or {@code imported-<n>} (pretrained), the run or backbone id
   * @param channels the channels they take (0 when unknown)
   * @param inputSize the size a run was trained at (0 when unknown or not a run)
   * @param normalization a run's normalization (null when not a run)
   * @param catalogue true for the catalogue's ImageNet weights
   * @param unavailable why they cannot be had now (null when they can)
   */
  public record Candidate(
      Kind kind,
      String id,
      String name,
      String architecture,
      int channels,
      int inputSize,
      String normalization,
      boolean catalogue,
      Text unavailable) {}

  /** A candidate judged for one dataset: usable, or the reason it is not offered. */
  public record Option(Candidate candidate, Text notUsable) {
    public boolean usable() {
      return notUsable == null;
    }
  }

  /**
   * What the wizard proposes.
   *
   * @param goal the wizard's goal ({@code fast}, {@code accuracy} or {@code small-data})
   * @param presetId the preset it picks
   * @param fields the recipe fields it sets on top of the preset (the starting weights)
   * @param note one sentence on why, for the page
   */
  public record Recommendation(
      String goal, String presetId, Map<String, Object> fields, Text note) {}

  /** The preset that fine-tunes pretrained weights. */
  public static final String FINE_TUNE_PRESET = "small-data";

  /** The from-scratch preset photos fall back to when nothing pretrained can be had. */
  public static final String SCRATCH_PRESET = "balanced";

  private StartingPoints() {}

  /** Every candidate with whether this dataset can start from it. */
  public static List<Option> judge(List<Candidate> candidates, DatasetFacts facts) {
    List<Option> options = new ArrayList<>();
    for (Candidate c : candidates) {
      options.add(new Option(c, problem(c, facts)));
    }
    return options;
  }

  private static Text problem(Candidate c, DatasetFacts facts) {
    return switch (c.kind()) {
      case PRETRAINED -> c.unavailable();
      case RUN -> {
        if ("backbone".equals(c.architecture())) {
          yield Text.of("start.backboneRun");
        }
        if (facts.channels() >= 3 && c.channels() == 1) {
          yield Text.of("start.grayRun");
        }
        yield null;
      }
      case BACKBONE -> null;
    };
  }

  /**
   * The wizard's default for this dataset: photos start from the catalogue's ImageNet weights
   * (ResNet-18 first, T19), else from other pretrained weights that can be had, else from scratch
   * with the reason; other datasets start fast, or from a finished run when they are small.
   */
  public static Recommendation recommend(List<Option> options, DatasetFacts facts) {
    if (facts.photos()) {
      Optional<Candidate> pretrained =
          options.stream()
              .filter(Option::usable)
              .map(Option::candidate)
              .filter(c -> c.kind() == Kind.PRETRAINED)
              .min(Comparator.comparingInt(StartingPoints::preference));
      if (pretrained.isPresent()) {
        Candidate c = pretrained.get();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("pretrainedWeights", c.id());
        fields.put("architecture", c.architecture());
        return new Recommendation(
            "small-data",
            FINE_TUNE_PRESET,
            fields,
            Text.of(c.catalogue() ? "start.pretrained" : "start.imported", "name", c.name()));
      }
      Text why =
          options.stream()
              .filter(o -> o.candidate().kind() == Kind.PRETRAINED)
              .filter(o -> PretrainedCatalogue.DEFAULT_ID.equals(o.candidate().id()))
              .map(o -> o.candidate().unavailable())
              .findFirst()
              .orElse(Text.of("start.noneKnown"));
      return new Recommendation(
          "fast", SCRATCH_PRESET, Map.of(), Text.of("start.noPretrained", "detail", why));
    }
    if (facts.trainImages() < DatasetFacts.SMALL) {
      Optional<Candidate> run =
          options.stream()
              .filter(Option::usable)
              .map(Option::candidate)
              .filter(c -> c.kind() == Kind.RUN)
              .findFirst();
      if (run.isPresent()) {
        Candidate c = run.get();
        Map<String, Object> fields = new LinkedHashMap<>(runStart(c));
        return new Recommendation(
            "small-data", FINE_TUNE_PRESET, fields, Text.of("start.run", "name", c.name()));
      }
    }
    return new Recommendation("fast", null, Map.of(), null);
  }

  /** The recipe fields that start from a finished run: its network, at its size (T13, T17). */
  public static Map<String, Object> runStart(Candidate run) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("initialWeights", "run");
    fields.put("initialRunId", Long.parseLong(run.id()));
    fields.put("pretrainedWeights", "");
    fields.put("architecture", run.architecture());
    if (run.inputSize() > 0) {
      fields.put("inputSize", (long) run.inputSize());
    }
    if (run.normalization() != null) {
      fields.put("normalization", run.normalization());
    }
    return fields;
  }

  /** The default catalogue entry first, then stored weights, then those still to download. */
  private static int preference(Candidate c) {
    if (PretrainedCatalogue.DEFAULT_ID.equals(c.id())) {
      return 0;
    }
    return c.catalogue() ? 1 : 2;
  }
}
