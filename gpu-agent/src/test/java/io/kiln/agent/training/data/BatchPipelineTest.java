package io.kiln.agent.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.Normalization;
import io.kiln.core.recipe.Recipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Prefetching on worker threads and preparing inline give the same batches, bit for bit. */
class BatchPipelineTest {
  @Test
  void workerThreadsAndInlinePreparationAgree() {
    Random random = new Random(1);
    int n = 64;
    float[][] pixels = new float[n][16 * 16];
    for (float[] image : pixels) {
      for (int p = 0; p < image.length; p++) {
        image[p] = random.nextFloat();
      }
    }
    LabelledImages images =
        new LabelledImages(
            List.of("a", "b"),
            1,
            16,
            IntStream.range(0, n).mapToObj(i -> "a/" + i).toList(),
            pixels,
            IntStream.range(0, n).map(i -> i % 2).toArray());
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "randomResizedCrop",
                    true,
                    "horizontalFlip",
                    true,
                    "cutmixAlpha",
                    1.0,
                    "randomErasingProbability",
                    0.5,
                    "labelSmoothing",
                    0.1));
    Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
    List<int[]> plan =
        EpochPlan.train(IntStream.range(0, n).toArray(), images.labels(), 2, false, 8, 3, 1);
    ExecutorService workers = Executors.newFixedThreadPool(3);
    try {
      List<HostBatch> threaded =
          drain(
              new BatchPipeline(
                      images,
                      new Augmenter(recipe, norm, true),
                      new Mixer(recipe, 2),
                      workers,
                      4,
                      3)
                  .epoch(plan, 1, true));
      List<HostBatch> inline =
          drain(
              new BatchPipeline(
                      images, new Augmenter(recipe, norm, true), new Mixer(recipe, 2), null, 4, 3)
                  .epoch(plan, 1, true));
      assertEquals(plan.size(), threaded.size());
      for (int b = 0; b < plan.size(); b++) {
        assertArrayEquals(threaded.get(b).data(), inline.get(b).data(), 0f, "batch " + b);
        assertArrayEquals(threaded.get(b).targets(), inline.get(b).targets(), 0f);
        assertArrayEquals(plan.get(b), threaded.get(b).indices(), "batches come in plan order");
      }
      assertFalse(java.util.Arrays.equals(threaded.get(0).data(), threaded.get(1).data()));
    } finally {
      workers.shutdownNow();
    }
  }

  private static List<HostBatch> drain(BatchPipeline.Epoch epoch) {
    List<HostBatch> out = new ArrayList<>();
    try (epoch) {
      while (epoch.hasNext()) {
        out.add(epoch.next());
      }
    }
    return out;
  }
}
