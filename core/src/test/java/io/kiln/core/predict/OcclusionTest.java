package io.kiln.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OcclusionTest {
  /**
   * A "model" that sees class 1 exactly as bright as a mark in the top-left quadrant is: hiding the
   * mark drops the class, hiding anything else does not, so the map's mass is in that quadrant.
   */
  @Test
  void theMapLightsUpWhereTheDecidingMarkIs() {
    int size = 28;
    float[] image = new float[size * size];
    for (int r = 3; r < 9; r++) {
      for (int c = 4; c < 10; c++) {
        image[r * size + c] = 1f;
      }
    }
    Occlusion.Map map =
        Occlusion.of(
            image,
            1,
            size,
            batch ->
                batch.stream()
                    .map(
                        img -> {
                          double mark = 0;
                          for (int r = 0; r < size / 2; r++) {
                            for (int c = 0; c < size / 2; c++) {
                              mark += img[r * size + c];
                            }
                          }
                          float p = (float) Math.min(1, mark / 36);
                          return new float[] {1 - p * 0.9f, p * 0.9f};
                        })
                    .toArray(float[][]::new));
    assertEquals(1, map.classIndex());
    assertEquals(0.9, map.probability(), 1e-6);
    int half = map.rows() / 2;
    double quadrant = map.massIn(0, half + 1, 0, half + 1);
    assertTrue(quadrant > 0.9, "mass in the marked quadrant: " + quadrant);
    assertEquals(10, map.rows(), "7-pixel patches at a 3-pixel stride over 28 pixels");
  }

  @Test
  void patchesCoverTheWholeImageInOneBatch() {
    assertEquals(List.of(0, 3, 6, 9, 12, 15, 18, 21), Occlusion.starts(28));
    assertEquals(1 + 64, Occlusion.batchSize(28));
    assertEquals(List.of(0, 20, 40, 60, 80, 100, 120), Occlusion.starts(160));
    assertEquals(50, Occlusion.batchSize(160));
    assertEquals(List.of(0, 1), Occlusion.starts(2));
  }
}
