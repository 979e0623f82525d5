package io.kiln.agent.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.agent.bench.FashionMnist;
import io.kiln.agent.training.Devices;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.MetricSink;
import io.kiln.agent.training.TrainingJob;
import io.kiln.core.advisor.Advisor;
import io.kiln.core.advisor.RunContext;
import io.kiln.core.advisor.RunHistory;
import io.kiln.core.advisor.Suggestion;
import io.kiln.core.advisor.Thresholds;
import io.kiln.core.data.StratifiedSplit;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The advisor on real curves: the real trainer on small slices of Fashion-MNIST (Debian package
 * dataset-fashion-mnist), with the advisor consulted after every report as the backend does.
 */
class AdvisorScenariosIT {
  static LabelledImages fashion;
  static final Advisor ADVISOR = new Advisor(Thresholds.defaults());

  @BeforeAll
  static void load() throws Exception {
    Devices.configureThreads();
    fashion = FashionMnist.load("train", 3000);
  }

  static LabelledImages first(int count) {
    int[] idx = IntStream.range(0, count).toArray();
    return new LabelledImages(
        fashion.classNames(),
        1,
        28,
        fashion.ids().subList(0, count),
        IntStream.of(idx).mapToObj(i -> fashion.pixels()[i]).toArray(float[][]::new),
        IntStream.of(idx).map(i -> fashion.labels()[i]).toArray());
  }

  /** Trains and returns every rule that fired at any report, in order of first firing. */
  static Set<String> rulesFired(Recipe recipe, LabelledImages images, Path out, int maxEpochs) {
    // The backend's own mapping from reported points to the advisor's history (RunHistory.Builder).
    RunHistory.Builder history = new RunHistory.Builder();
    int[] epochs = {0};
    Set<String> fired = new LinkedHashSet<>();
    int train = StratifiedSplit.approximateTrainCount(images.count(), recipe.validationFraction());
    RunContext context =
        new RunContext(recipe, Recipe.defaults(), train, images.count() - train, 10);
    MetricSink sink =
        (kind, epoch, step, v) -> {
          history.add(kind, epoch, v);
          epochs[0] = MetricKind.EPOCH.equals(kind) ? epochs[0] + 1 : epochs[0];
          for (Suggestion s : ADVISOR.evaluate(history.build(epoch == recipe.epochs()), context)) {
            fired.add(s.ruleId());
          }
        };
    try {
      new TrainingJob(recipe, images, sink, () -> epochs[0] >= maxEpochs, 1)
          .run(Files.createDirectories(out));
    } catch (Exception | AssertionError e) {
      // a diverging or cancelled run still produced its curves
    }
    return fired;
  }

  @Test
  void aTinySubsetWithoutRegularizationOverfits(@TempDir Path out) {
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "weightDecay",
                    0.0,
                    "epochs",
                    20,
                    "batchSize",
                    16,
                    "optimizer",
                    "adam",
                    "learningRate",
                    0.003,
                    "schedule",
                    "constant",
                    "validationFraction",
                    0.3));
    Set<String> fired = rulesFired(recipe, first(150), out, 20);
    assertTrue(fired.contains("A1"), "A1 on 105 training images: " + fired);
    assertFalse(fired.contains("A3") || fired.contains("A4"), fired.toString());
  }

  @Test
  void anAbsurdWeightDecayDoesNotLearn(@TempDir Path out) {
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "weightDecay",
                    1.0,
                    "learningRate",
                    0.5,
                    "epochs",
                    4,
                    "batchSize",
                    32,
                    "schedule",
                    "constant"));
    Set<String> fired = rulesFired(recipe, first(1000), out, 4);
    assertTrue(fired.contains("A3"), "A3 with weight decay 1.0: " + fired);
    assertFalse(fired.contains("A1"), fired.toString());
  }

  @Test
  void anAbsurdLearningRateDivergesWithinTheFirstEpoch(@TempDir Path out) {
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "learningRate",
                    10.0,
                    "momentum",
                    0.9,
                    "epochs",
                    3,
                    "batchSize",
                    32,
                    "schedule",
                    "constant"));
    List<String> firstEpoch = new ArrayList<>();
    Set<String> fired = rulesFired(recipe, first(1000), out, 1);
    firstEpoch.addAll(fired);
    assertEquals(
        "A4", firstEpoch.get(0), "the first advice is divergence, during epoch 1: " + fired);
  }
}
