package io.kiln.core.advisor;

/**
 * When the rules fire. The defaults are chosen so a healthy run stays silent: a few epochs of
 * evidence before judging a trend (accuracy jitters, T15/T16), margins of several points.
 *
 * @param minEpochs epochs before any curve rule judges (A1, A2, A5, A7)
 * @param overfitGap train minus validation accuracy that counts as overfitting (A1)
 * @param gapGrowth how much the gap must have grown over the last {@code minEpochs} epochs (A1)
 * @param underfitAccuracy training accuracy below which a still-rising run is underfitting (A2)
 * @param chanceMargin validation accuracy within this of 1/classes counts as chance (A3)
 * @param notLearningEpochs epochs at chance before A3 fires
 * @param divergenceFactor a step loss this many times the lowest smoothed loss so far is divergence
 *     (A4)
 * @param plateauEpochs epochs of flat validation accuracy for A5
 * @param plateauDelta the range within which validation accuracy counts as flat (A5)
 * @param highLrShare the rate counts as still high above this share of its start (A5)
 * @param floorRatio a rate below this share of its start is at a too-low floor (A6)
 * @param oscillation mean absolute epoch-to-epoch change of validation accuracy that is unstable
 *     (A7)
 * @param smallDataset images below which a dataset is small for fine-tuning (A9, T13)
 * @param fineTuneRate learning rate per 256 images that is safe for pretrained weights (A9, T13)
 */
public record Thresholds(
    int minEpochs,
    double overfitGap,
    double gapGrowth,
    double underfitAccuracy,
    double chanceMargin,
    int notLearningEpochs,
    double divergenceFactor,
    int plateauEpochs,
    double plateauDelta,
    double highLrShare,
    double floorRatio,
    double oscillation,
    int smallDataset,
    double fineTuneRate) {

  public static Thresholds defaults() {
    return new Thresholds(3, 0.05, 0.02, 0.8, 0.05, 3, 4.0, 3, 0.005, 0.5, 1e-3, 0.04, 1000, 0.001);
  }
}
