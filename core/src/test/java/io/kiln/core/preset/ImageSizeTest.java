package io.kiln.core.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageSizeTest {
  @Test
  void photosKeepTheirSizeUpToWhatImageNetNetworksWereTrainedAt() {
    ImageSize.Fit fit = ImageSize.fit("resnet-18", 120, true, 120, 96 * 5, 120, 3, false);
    assertEquals(new ImageSize.Fit(112, ImageSize.Reason.PHOTOS), fit);
    assertEquals(224, ImageSize.fit("resnet-18", 3000, true, 500, 0, 500, 3, false).size());
  }

  @Test
  void aCpuBudgetOrTheAgentsMemoryMakesItSmaller() {
    // 2,000 photos x 200 epochs of ResNet-50: over a quarter of an hour on 2 cores at any size,
    // so the cheapest: 64 px (below 64 a ResNet keeps full resolution in its stem and costs more).
    ImageSize.Fit slow = ImageSize.fit("resnet-50", 500, false, 2_000, 2_000 * 200.0, 0, 3, false);
    assertEquals(new ImageSize.Fit(64, ImageSize.Reason.TIME), slow);
    ImageSize.Fit fewer = ImageSize.fit("resnet-18", 500, false, 1_000, 800 * 10.0, 0, 3, false);
    assertEquals(ImageSize.Reason.TIME, fewer.reason());
    assertTrue(fewer.size() > 64 && fewer.size() < 224, "in between: " + fewer.size());
    // 100,000 photos: 224 px would take 56 GiB of decoded pixels.
    ImageSize.Fit memory = ImageSize.fit("small-cnn", 500, false, 100_000, 0, 0, 3, false);
    assertEquals(ImageSize.Reason.MEMORY, memory.reason());
    assertTrue((double) 100_000 * 3 * memory.size() * memory.size() * 4 <= ImageSize.MEMORY_BYTES);
  }

  @Test
  void pretrainedNetworksGetAtLeastSixtyFourPixels() {
    assertEquals(
        new ImageSize.Fit(64, ImageSize.Reason.PRETRAINED_MINIMUM),
        ImageSize.fit("mobilenet-v2", 28, true, 1000, 0, 1000, 3, false));
    assertEquals(28, ImageSize.fit("small-cnn", 28, false, 1000, 5000, 0, 1, false).size());
  }
}
