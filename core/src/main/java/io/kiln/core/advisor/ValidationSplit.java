package io.kiln.core.advisor;

/**
 * How sure a run's validation accuracy is (T16), for people: the run page shows the interval, and
 * says when the split is too small for Kiln to judge over- or underfitting and how many images
 * would do.
 *
 * @param images images in the validation split
 * @param accuracy the accuracy the interval is of (the run's best)
 * @param plusMinus half the width of its 95 % interval
 * @param enough whether the interval is within {@link Noise#ENOUGH}: the usual 5-point gaps stand
 *     out of it
 * @param imagesNeeded images that would make it so at this accuracy
 */
public record ValidationSplit(
    int images, double accuracy, double plusMinus, boolean enough, int imagesNeeded) {

  public static ValidationSplit of(int images, double accuracy) {
    double plusMinus = Noise.halfWidth(accuracy, images);
    return new ValidationSplit(
        images,
        accuracy,
        plusMinus,
        plusMinus <= Noise.ENOUGH,
        Math.max(images, Noise.imagesFor(accuracy, Noise.ENOUGH)));
  }
}
