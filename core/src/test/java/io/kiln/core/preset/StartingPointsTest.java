package io.kiln.core.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.i18n.Text;
import io.kiln.core.preset.StartingPoints.Candidate;
import io.kiln.core.preset.StartingPoints.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartingPointsTest {
  static final DatasetFacts PHOTOS = new DatasetFacts(96, 3, 120, 3, 120, false);
  static final DatasetFacts DIGITS = new DatasetFacts(400, 10, 500, 1, 28, false);

  static Candidate catalogue(String id, String arch, String unavailable) {
    return new Candidate(
        Kind.PRETRAINED,
        id,
        id,
        arch,
        3,
        0,
        null,
        true,
        unavailable == null ? null : Text.of("start.unavailable", "detail", unavailable));
  }

  static Candidate run(long id, int channels) {
    return new Candidate(
        Kind.RUN, Long.toString(id), "#" + id, "small-cnn", channels, 28, "dataset", false, null);
  }

  @Test
  void photosStartFromImageNetWeightsWhereTheyCanBeHad() {
    List<StartingPoints.Option> options =
        StartingPoints.judge(
            List.of(
                catalogue("resnet-18-imagenet", "resnet-18", null),
                catalogue("mobilenet-v2-imagenet", "mobilenet-v2", null),
                run(2, 1)),
            PHOTOS);
    StartingPoints.Recommendation r = StartingPoints.recommend(options, PHOTOS);
    assertEquals("small-data", r.presetId());
    assertEquals(
        Map.of("pretrainedWeights", "resnet-18-imagenet", "architecture", "resnet-18"), r.fields());
    assertTrue(r.note().english().startsWith("Your photos start from resnet-18-imagenet"));
    // The gray Fashion-MNIST run cannot start colour photos: not offered, and said why.
    StartingPoints.Option gray = options.get(2);
    assertFalse(gray.usable());
    assertEquals(
        "it was trained on gray images and this dataset has colour ones",
        gray.notUsable().english());
  }

  @Test
  void otherWeightsServeWhenTheDefaultCannotBeHad() {
    List<StartingPoints.Option> options =
        StartingPoints.judge(
            List.of(
                catalogue("resnet-18-imagenet", "resnet-18", "could not find download.pytorch.org"),
                new Candidate(
                    Kind.PRETRAINED,
                    "imported-4",
                    "Parts v2",
                    "mobilenet-v2",
                    3,
                    0,
                    null,
                    false,
                    null)),
            PHOTOS);
    StartingPoints.Recommendation r = StartingPoints.recommend(options, PHOTOS);
    assertEquals("imported-4", r.fields().get("pretrainedWeights"));
    assertEquals("mobilenet-v2", r.fields().get("architecture"));
  }

  @Test
  void withNothingPretrainedPhotosTrainFromScratchSayingWhy() {
    List<StartingPoints.Option> options =
        StartingPoints.judge(
            List.of(
                catalogue(
                    "resnet-18-imagenet", "resnet-18", "could not find download.pytorch.org")),
            PHOTOS);
    StartingPoints.Recommendation r = StartingPoints.recommend(options, PHOTOS);
    assertEquals("balanced", r.presetId());
    assertEquals(Map.of(), r.fields());
    assertEquals(
        "No pretrained weights can be had on this server yet: could not find"
            + " download.pytorch.org. Meanwhile these photos train from scratch, at a size fitted to"
            + " them.",
        r.note().english());
  }

  @Test
  void smallGrayDatasetsStartFromAFinishedRunAtItsSize() {
    List<StartingPoints.Option> options =
        StartingPoints.judge(List.of(run(7, 1), run(3, 3)), DIGITS);
    assertTrue(options.get(1).usable(), "a colour-trained run starts gray images (repeated)");
    StartingPoints.Recommendation r = StartingPoints.recommend(options, DIGITS);
    assertEquals(7L, r.fields().get("initialRunId"));
    assertEquals("run", r.fields().get("initialWeights"));
    assertEquals(28L, r.fields().get("inputSize"));
    assertEquals("dataset", r.fields().get("normalization"));
    StartingPoints.Recommendation big =
        StartingPoints.recommend(options, new DatasetFacts(5000, 10, 6000, 1, 28, false));
    assertEquals("fast", big.goal());
    assertNull(big.presetId(), "the goal's first preset");
  }
}
