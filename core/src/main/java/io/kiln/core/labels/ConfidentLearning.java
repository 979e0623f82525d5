package io.kiln.core.labels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds images that are probably filed under the wrong class, from out-of-sample probabilities
 * (confident learning: Northcutt, Jiang and Chuang, JAIR 2021; what cleanlab's {@code
 * find_label_issues} does by default, {@code filter_by="prune_by_noise_rate"}).
 *
 * <ol>
 *   <li>Each class's threshold is the mean probability the model gives that class on the images
 *       filed under it (its mean self-confidence): a model that is unsure of a hard class is held
 *       to a lower bar there.
 *   <li>An image's confident class is its most probable class among those at or above their
 *       threshold; counting (given, confident) pairs gives the confident joint.
 *   <li>Calibrated to the class sizes, the joint's off-diagonal estimates how many images of each
 *       given class belong to each other class. Per pair that many images are pruned, those with
 *       the largest margin of the other class over the given one ("prune by noise rate").
 *   <li>An image is flagged when it is pruned, or when the model's top class is another one that
 *       gets at least half its bar (on a small dataset the calibrated counts are too coarse to
 *       prune a lone image); never when the model's top class is the given one. Its suggested class
 *       is its confident class, else the model's top class. An issue is sure when the given class
 *       keeps almost none of its bar ({@link #SURE_SHARE}). Sure issues come first, then the rest,
 *       each ranked by self-confidence, the lowest first.
 * </ol>
 *
 * Images at no class's threshold, whose best class gets less than half its bar, fit no class: the
 * most doubtful of them are listed as outliers.
 */
public final class ConfidentLearning {
  /** Outliers listed at most. */
  static final int OUTLIERS_KEPT = 50;

  /**
   * An image fits no class when even its most probable class gets less than this share of that
   * class's bar: below the bar alone holds for many a hard image of a model that is unsure.
   */
  static final double OUTLIER_SHARE = 0.5;

  /**
   * A lone image is flagged without pruning when its own class gets under this share of its bar and
   * another class at least {@link #OUTLIER_SHARE} of its own. On bench/label-check (5 %) this
   * lifted the whole list's recall from 0.82 to 0.93 at the same precision (0.21).
   */
  static final double LONE_SHARE = 0.25;

  private ConfidentLearning() {}

  /**
   * An issue is sure when the model gives the image's own class less than this share of that
   * class's bar (its mean self-confidence): a photo in the wrong folder by mistake is usually
   * nothing like its folder, while a hard but rightly filed photo keeps some of its class's
   * probability. Tuned on bench/label-check at 5 % flipped labels (Fashion-MNIST, small network:
   * precision 0.74 and recall 0.62 for the sure issues against 0.20 and 0.82 for all).
   */
  public static final double SURE_SHARE = 0.05;

  /**
   * An image probably in the wrong class.
   *
   * @param sure the model all but rules out its given class ({@link #SURE_SHARE})
   */
  public record Issue(
      int index,
      int given,
      int suggested,
      double selfConfidence,
      double confidence,
      boolean sure) {}

  /**
   * An image that fits no class well.
   *
   * @param best the most probable class other than the given one (where it might go)
   * @param confidence the probability of its most probable class, whichever it is
   */
  public record Outlier(int index, int given, int best, double confidence) {}

  /**
   * @param thresholds each class's mean self-confidence (NaN for a class with no image)
   * @param confidentJoint given class (rows) by confident class (columns)
   * @param estimatedErrors how many images the calibrated joint says are filed wrongly
   */
  public record Result(
      double[] thresholds,
      long[][] confidentJoint,
      long estimatedErrors,
      List<Issue> issues,
      List<Outlier> outliers) {}

  public static Result find(List<Prediction> predictions, int classCount) {
    int n = predictions.size();
    double[] thresholds = thresholds(predictions, classCount);
    long[][] joint = new long[classCount][classCount];
    int[] confident = new int[n];
    List<Outlier> outliers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Prediction p = predictions.get(i);
      confident[i] = confidentClass(p, thresholds);
      if (confident[i] >= 0) {
        joint[p.given()][confident[i]]++;
      } else {
        int best = p.predicted();
        int other = p.bestOther();
        if (p.probability(best) < OUTLIER_SHARE * thresholds[best] && other >= 0) {
          outliers.add(new Outlier(i, p.given(), other, p.probability(best)));
        }
      }
    }
    long[] sizes = new long[classCount];
    predictions.forEach(p -> sizes[p.given()]++);
    long[][] toPrune = pruneCounts(joint, sizes);
    long estimated = 0;
    for (long[] row : toPrune) {
      for (long v : row) {
        estimated += v;
      }
    }
    boolean[] pruned = prune(predictions, toPrune);
    List<Issue> issues = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Prediction p = predictions.get(i);
      int top = p.predicted();
      boolean clearlyOther =
          top != p.given()
              && p.probability(top) >= OUTLIER_SHARE * thresholds[top]
              && p.selfConfidence() < LONE_SHARE * thresholds[p.given()];
      if (clearlyOther || pruned[i] && top != p.given()) {
        int suggested =
            confident[i] >= 0 && confident[i] != p.given() ? confident[i] : p.predicted();
        boolean sure = p.selfConfidence() < SURE_SHARE * thresholds[p.given()];
        issues.add(
            new Issue(i, p.given(), suggested, p.selfConfidence(), p.probability(suggested), sure));
      }
    }
    issues.sort(
        Comparator.comparing((Issue x) -> !x.sure())
            .thenComparingDouble(Issue::selfConfidence)
            .thenComparingInt(Issue::index));
    // An image listed as an issue is not listed again as an outlier.
    java.util.Set<Integer> flagged = new java.util.HashSet<>();
    issues.forEach(x -> flagged.add(x.index()));
    outliers.removeIf(o -> flagged.contains(o.index()));
    outliers.sort(Comparator.comparingDouble(Outlier::confidence).thenComparingInt(Outlier::index));
    return new Result(
        thresholds,
        joint,
        estimated,
        List.copyOf(issues),
        List.copyOf(outliers.subList(0, Math.min(OUTLIERS_KEPT, outliers.size()))));
  }

  static double[] thresholds(List<Prediction> predictions, int classCount) {
    double[] sum = new double[classCount];
    long[] count = new long[classCount];
    for (Prediction p : predictions) {
      sum[p.given()] += p.selfConfidence();
      count[p.given()]++;
    }
    double[] thresholds = new double[classCount];
    for (int c = 0; c < classCount; c++) {
      thresholds[c] = count[c] == 0 ? Double.NaN : sum[c] / count[c];
    }
    return thresholds;
  }

  /** The most probable class at or above its threshold, or -1 when there is none. */
  static int confidentClass(Prediction p, double[] thresholds) {
    int best = -1;
    double bestP = -1;
    for (int k = 0; k < p.classes().length; k++) {
      int c = p.classes()[k];
      double prob = p.probabilities()[k];
      boolean atBar = !Double.isNaN(thresholds[c]) && prob >= thresholds[c];
      if (atBar && prob > bestP) {
        best = c;
        bestP = prob;
      }
    }
    return best;
  }

  /**
   * How many images of each (given, true) pair to prune: the joint calibrated so each row sums to
   * its class's size, rounded; the diagonal is 0.
   */
  static long[][] pruneCounts(long[][] joint, long[] sizes) {
    int k = joint.length;
    long[][] counts = new long[k][k];
    for (int s = 0; s < k; s++) {
      long row = 0;
      for (long v : joint[s]) {
        row += v;
      }
      for (int y = 0; y < k; y++) {
        if (y != s && row > 0) {
          counts[s][y] = Math.round(joint[s][y] / (double) row * sizes[s]);
        }
      }
    }
    return counts;
  }

  /** Per (given s, other y): the images of s with the largest margin p(y) - p(s). */
  private static boolean[] prune(List<Prediction> predictions, long[][] toPrune) {
    int k = toPrune.length;
    List<List<Integer>> byGiven = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      byGiven.add(new ArrayList<>());
    }
    for (int i = 0; i < predictions.size(); i++) {
      byGiven.get(predictions.get(i).given()).add(i);
    }
    boolean[] pruned = new boolean[predictions.size()];
    for (int s = 0; s < k; s++) {
      for (int y = 0; y < k; y++) {
        long m = toPrune[s][y];
        if (m <= 0) {
          continue;
        }
        int other = y;
        List<Integer> members = new ArrayList<>(byGiven.get(s));
        members.sort(
            Comparator.comparingDouble(
                    (Integer i) -> {
                      Prediction p = predictions.get(i);
                      return p.probability(other) - p.selfConfidence();
                    })
                .reversed()
                .thenComparingInt(i -> i));
        for (int j = 0; j < Math.min(m, members.size()); j++) {
          pruned[members.get(j)] = true;
        }
      }
    }
    return pruned;
  }
}
