package io.kiln.agent.training.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.agent.training.Devices;
import io.kiln.core.recipe.Recipe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each optimizer (T1) against values computed by hand for a two-element tensor over two steps. */
class KilnOptimizerTest {
  static final float[] W = {1f, -2f};
  static final float[] G = {0.5f, 0.25f};

  @BeforeAll
  static void engine() {
    Devices.configureThreads();
  }

  private static float[] twoSteps(Map<String, ?> recipe) {
    try (NDManager manager = NDManager.newBaseManager()) {
      KilnOptimizer optimizer = new KilnOptimizer(Recipe.defaults().with(recipe));
      NDArray w = manager.create(W.clone());
      for (int i = 0; i < 2; i++) {
        optimizer.update("w", w, manager.create(G.clone()));
      }
      return w.toFloatArray();
    }
  }

  @Test
  void sgdWithMomentumAndWeightDecayMatchesHandComputation() {
    // step 1: g = G + 0.01 w = (0.51, 0.23); buf = g; w = (0.949, -2.023)
    // step 2: g = (0.50949, 0.22977); buf = 0.9 (0.51, 0.23) + g = (0.96849, 0.43677); w -= 0.1 buf
    float[] w =
        twoSteps(
            Map.of(
                "optimizer",
                "sgd",
                "learningRate",
                0.1,
                "momentum",
                0.9,
                "weightDecay",
                0.01,
                "schedule",
                "constant"));
    assertArrayEquals(new float[] {0.852151f, -2.066677f}, w, 1e-6f);
  }

  @Test
  void nesterovLooksAhead() {
    // no decay: step 1 buf = G, update G + 0.9 G = 1.9 G; step 2 buf = 1.9 G, update G + 0.9 * 1.9
    // G = 2.71 G
    float[] w =
        twoSteps(
            Map.of(
                "optimizer",
                "sgd",
                "nesterov",
                true,
                "learningRate",
                0.1,
                "momentum",
                0.9,
                "weightDecay",
                0,
                "schedule",
                "constant"));
    assertArrayEquals(new float[] {1 - 0.1f * 4.61f * 0.5f, -2 - 0.1f * 4.61f * 0.25f}, w, 1e-6f);
  }

  @Test
  void adamTakesBiasCorrectedStepsOfAboutTheLearningRate() {
    // with a constant gradient, m_hat = g and v_hat = g^2, so each step is lr * g / (|g| + eps) =
    // lr * sign(g)
    float[] w =
        twoSteps(
            Map.of(
                "optimizer",
                "adam",
                "learningRate",
                0.01,
                "weightDecay",
                0,
                "schedule",
                "constant"));
    assertArrayEquals(new float[] {1 - 0.02f, -2 - 0.02f}, w, 1e-6f);
  }

  @Test
  void adamwDecaysTheWeightsDirectly() {
    // each step: w *= 1 - lr * wd, then w -= lr * sign(g)
    float[] w =
        twoSteps(
            Map.of(
                "optimizer",
                "adamw",
                "learningRate",
                0.01,
                "weightDecay",
                0.1,
                "schedule",
                "constant"));
    double w0 = (1 * (1 - 0.001) - 0.01) * (1 - 0.001) - 0.01;
    double w1 = (-2 * (1 - 0.001) - 0.01) * (1 - 0.001) - 0.01;
    assertArrayEquals(new float[] {(float) w0, (float) w1}, w, 1e-6f);
  }

  @Test
  void rmspropDividesByTheRunningRootMeanSquare() {
    // rho 0.9, no momentum: v1 = 0.1 g^2, v2 = 0.19 g^2; steps lr g / sqrt(v)
    float[] w =
        twoSteps(
            Map.of(
                "optimizer",
                "rmsprop",
                "learningRate",
                0.01,
                "momentum",
                0,
                "beta2",
                0.9,
                "weightDecay",
                0,
                "schedule",
                "constant",
                "epsilon",
                1e-12));
    double step = 0.01 / Math.sqrt(0.1) + 0.01 / Math.sqrt(0.19);
    assertArrayEquals(new float[] {(float) (1 - step), (float) (-2 - step)}, w, 1e-5f);
  }

  @Test
  void nadamAppliesTheNesterovFirstMoment() {
    // constant g, beta1 0.9: t=1 m = 0.1 g; m_hat = 0.9 m / (1 - 0.81) + 0.1 g / 0.1 = (0.09/0.19 +
    // 1) g
    // v_hat = g^2, so step 1 = lr * (0.09/0.19 + 1) sign(g); t=2 m = 0.19 g: 0.9 * 0.19 / (1 -
    // 0.729) + 0.1 / 0.19
    double s1 = 0.09 / 0.19 + 1;
    double s2 = 0.9 * 0.19 / (1 - 0.729) + 0.1 / 0.19;
    float[] w =
        twoSteps(
            Map.of(
                "optimizer",
                "nadam",
                "learningRate",
                0.01,
                "weightDecay",
                0,
                "schedule",
                "constant"));
    assertArrayEquals(
        new float[] {(float) (1 - 0.01 * (s1 + s2)), (float) (-2 - 0.01 * (s1 + s2))}, w, 1e-5f);
  }

  @Test
  void stateSurvivesSaveAndLoad() throws Exception {
    Map<String, ?> recipe =
        Map.of(
            "optimizer",
            "sgd",
            "learningRate",
            0.1,
            "momentum",
            0.9,
            "weightDecay",
            0.01,
            "schedule",
            "constant");
    try (NDManager manager = NDManager.newBaseManager()) {
      KilnOptimizer first = new KilnOptimizer(Recipe.defaults().with(recipe));
      NDArray w = manager.create(W.clone());
      first.update("w", w, manager.create(G.clone()));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      first.save(new DataOutputStream(bytes), Map.of());
      KilnOptimizer second = new KilnOptimizer(Recipe.defaults().with(recipe));
      second.load(
          new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
          manager,
          ai.djl.Device.cpu(),
          Map.of());
      second.update("w", w, manager.create(G.clone()));
      assertArrayEquals(
          new float[] {0.852151f, -2.066677f},
          w.toFloatArray(),
          1e-6f,
          "a resumed optimizer continues with its momentum");
    }
  }

  @Test
  void clippingScalesToTheGlobalNorm() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {3f, 0f});
      NDArray b = manager.create(new float[] {0f, 4f});
      double before = GradientClipping.clip(java.util.List.of(a, b), 1.0);
      assertEquals(5.0, before, 1e-6);
      assertArrayEquals(new float[] {0.6f, 0f}, a.toFloatArray(), 1e-5f);
      assertArrayEquals(new float[] {0f, 0.8f}, b.toFloatArray(), 1e-5f);
      assertEquals(
          1.0,
          GradientClipping.globalNorm(java.util.List.of(a, b)),
          1e-5,
          "direction kept, norm 1");
      GradientClipping.clip(java.util.List.of(a, b), 10.0);
      assertArrayEquals(
          new float[] {0.6f, 0f}, a.toFloatArray(), 1e-5f, "below the limit nothing changes");
    }
  }
}
