package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.agent.training.data.Augmenter;
import io.kiln.agent.training.data.BatchPipeline;
import io.kiln.agent.training.data.EpochPlan;
import io.kiln.agent.training.data.Mixer;
import io.kiln.core.recipe.Recipe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Batches staged one step ahead on a thread of their own arrive exactly as those staged on the
 * caller's thread, in order, and none outlives its epoch (issue 16: the copy to a GPU off the
 * training thread).
 */
class DeviceStagingTest {
  private static final int N = 40;
  private final LabelledImages images = images();
  private final BatchPipeline pipeline =
      new BatchPipeline(
          images,
          new Augmenter(
              Recipe.defaults(), new Normalization(new float[] {0.5f}, new float[] {1f}), true),
          new Mixer(Recipe.defaults(), 2),
          null,
          2,
          7);
  private final List<int[]> plan =
      EpochPlan.train(IntStream.range(0, N).toArray(), images.labels(), 2, false, 8, 7, 0);

  @Test
  void aStagingThreadDeliversTheSameBatchesInOrder() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      List<float[]> inline = drain(manager, false);
      List<float[]> ahead = drain(manager, true);
      assertEquals(plan.size(), ahead.size());
      for (int b = 0; b < plan.size(); b++) {
        assertArrayEquals(inline.get(b), ahead.get(b), 0f, "batch " + b);
      }
      assertTrue(manager.getManagedArrays().isEmpty(), "every batch was closed by its step");
    }
  }

  @Test
  void closingAnEpochMidwayClosesTheBatchStagedAhead() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        DeviceStaging staging =
            new DeviceStaging(manager, Device.cpu(), new Shape(1, 16, 16), 2, true)) {
      DeviceStaging.Staged staged = staging.over(pipeline.epoch(plan, 0, true));
      DeviceStaging.DeviceBatch first = staged.next();
      assertEquals(8, first.size());
      assertEquals(new Shape(8, 1, 16, 16), first.x().getShape());
      assertEquals(new Shape(8, 2), first.y().getShape());
      first.close();
      assertTrue(staged.hasNext());
      staged.close();
      assertFalse(staged.hasNext());
      assertTrue(
          manager.getManagedArrays().isEmpty(),
          "the batch staged ahead went with the epoch: " + manager.getManagedArrays().size());
    }
  }

  private List<float[]> drain(NDManager manager, boolean ownThread) {
    List<float[]> out = new ArrayList<>();
    try (DeviceStaging staging =
            new DeviceStaging(manager, Device.cpu(), new Shape(1, 16, 16), 2, ownThread);
        DeviceStaging.Staged staged = staging.over(pipeline.epoch(plan, 0, true))) {
      while (staged.hasNext()) {
        try (DeviceStaging.DeviceBatch batch = staged.next()) {
          out.add(batch.x().toFloatArray());
          assertArrayEquals(batch.host().labels(), batch.labels().toIntArray());
        }
      }
    }
    return out;
  }

  private static LabelledImages images() {
    Random random = new Random(3);
    float[][] pixels = new float[N][16 * 16];
    for (float[] image : pixels) {
      for (int p = 0; p < image.length; p++) {
        image[p] = random.nextFloat();
      }
    }
    return new LabelledImages(
        List.of("a", "b"),
        1,
        16,
        IntStream.range(0, N).mapToObj(i -> "a/" + i).toList(),
        pixels,
        IntStream.range(0, N).map(i -> i % 2).toArray());
  }
}
