package io.kiln.backend.preset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.backend.common.Localizable;
import io.kiln.core.i18n.Text;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.StartingPoints;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What a dataset can start from, and what the wizard proposes (T13, T17).
 *
 * @param photos colour or large images: they get a size fitted to them and a pretrained start
 * @param typicalSide the images' median shorter side (0 when unknown)
 * @param gpu whether the run will train on a GPU (every agent that is up has one)
 * @param options every starting point, usable or not (with the reason)
 * @param recommended the wizard's default goal, preset and starting-weight fields, with why
 */
public record StartingPointsView(
    boolean photos,
    int typicalSide,
    boolean colour,
    boolean gpu,
    List<StartOption> options,
    StartRecommendation recommended)
    implements Localizable<StartingPointsView> {

  /**
   * A starting point.
   *
   * @param kind {@code pretrained}, {@code run} or {@code backbone}
   * @param id what the recipe names: the pretrained weights' key, the run or backbone id
   * @param fields the recipe fields that start from it
   * @param whyNot why it cannot be used (null when it can)
   */
  public record StartOption(
      @Schema(enumeration = {"pretrained", "run", "backbone"}) String kind,
      String id,
      String name,
      String architecture,
      boolean usable,
      @Schema(nullable = true) String whyNot,
      Map<String, Object> fields,
      @JsonIgnore @Schema(hidden = true) Text whyNotText) {}

  /**
   * The wizard's default.
   *
   * @param presetId null: the goal's first preset
   * @param note why, in a sentence (null when there is nothing to say)
   */
  public record StartRecommendation(
      @Schema(enumeration = {"fast", "accuracy", "small-data"}) String goal,
      @Schema(nullable = true) String presetId,
      Map<String, Object> fields,
      @Schema(nullable = true) String note,
      @JsonIgnore @Schema(hidden = true) Text noteText) {}

  static StartingPointsView of(
      DatasetFacts facts,
      List<StartingPoints.Option> options,
      StartingPoints.Recommendation recommendation) {
    return new StartingPointsView(
        facts.photos(),
        facts.typicalSide(),
        facts.channels() >= 3,
        facts.gpu(),
        options.stream().map(StartingPointsView::option).toList(),
        new StartRecommendation(
            recommendation.goal(),
            recommendation.presetId(),
            recommendation.fields(),
            recommendation.note() == null ? null : recommendation.note().english(),
            recommendation.note()));
  }

  private static StartOption option(StartingPoints.Option o) {
    StartingPoints.Candidate c = o.candidate();
    Map<String, Object> fields =
        switch (c.kind()) {
          case PRETRAINED ->
              Map.of(
                  "initialWeights", "pretrained",
                  "pretrainedWeights", c.id(),
                  "architecture", c.architecture());
          case RUN -> StartingPoints.runStart(c);
          case BACKBONE ->
              Map.of(
                  "initialWeights", "backbone",
                  "architecture", "backbone",
                  "backboneId", Long.parseLong(c.id()));
        };
    return new StartOption(
        c.kind().name().toLowerCase(Locale.ROOT),
        c.id(),
        c.name(),
        c.architecture(),
        o.usable(),
        o.notUsable() == null ? null : o.notUsable().english(),
        fields,
        o.notUsable());
  }

  @Override
  public StartingPointsView in(Locale locale) {
    return new StartingPointsView(
        photos,
        typicalSide,
        colour,
        gpu,
        options.stream()
            .map(
                o ->
                    o.whyNotText() == null
                        ? o
                        : new StartOption(
                            o.kind(),
                            o.id(),
                            o.name(),
                            o.architecture(),
                            o.usable(),
                            o.whyNotText().in(locale),
                            o.fields(),
                            o.whyNotText()))
            .toList(),
        recommended.noteText() == null
            ? recommended
            : new StartRecommendation(
                recommended.goal(),
                recommended.presetId(),
                recommended.fields(),
                recommended.noteText().in(locale),
                recommended.noteText()));
  }
}
