package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.core.advisor.Noise;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The training images the clean fit measure scores each epoch (issue 32). */
class FitSampleTest {
  @Test
  void aSmallSplitIsScoredWhole() {
    int[] train = {7, 3, 9};
    assertArrayEquals(train, TrainingStages.fitSample(train));
  }

  @Test
  void aLargeSplitGivesAnEvenlySpreadFixedSample() {
    int[] train = IntStream.range(0, 10_000).map(i -> 10_000 - i).toArray();
    int[] sample = TrainingStages.fitSample(train);
    assertEquals(Noise.FIT_SAMPLE, sample.length);
    assertEquals(Noise.FIT_SAMPLE, Arrays.stream(sample).distinct().count());
    assertEquals(train[0], sample[0]);
    assertEquals(
        train[(Noise.FIT_SAMPLE - 1) * 10_000 / Noise.FIT_SAMPLE], sample[sample.length - 1]);
    assertArrayEquals(sample, TrainingStages.fitSample(train), "the same images every epoch");
  }
}
