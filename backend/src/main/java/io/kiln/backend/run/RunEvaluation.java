package io.kiln.backend.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The final model's evaluation as the agent reported it (RunEvaluated): accuracy on the held-out
 * test split when the dataset has one (then {@code valAccuracy} beside it), else on validation;
 * per-class precision and recall, the confusion matrix, the images of each cell and the most
 * confident mistakes.
 *
 * @param split "test" or "validation"
 * @param confusion rows are true classes, columns predicted ones (up to 100 classes)
 * @param confusedPairs beyond 100 classes, instead of the matrix: the most confused pairs
 * @param epoch the epoch whose weights were evaluated (the best one when restored, T15)
 * @param stoppedEarly why training stopped before its last epoch, if it did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvaluation(
    String split,
    double accuracy,
    List<String> classNames,
    List<ClassScore> perClass,
    @Schema(nullable = true) long[][] confusion,
    @Schema(nullable = true) List<ConfusedPair> confusedPairs,
    @Schema(nullable = true) List<Cell> cells,
    List<Mistake> mistakes,
    @Schema(nullable = true) Integer epoch,
    @Schema(nullable = true) Integer bestEpoch,
    @Schema(nullable = true) String stoppedEarly,
    @Schema(nullable = true) Double testAccuracy,
    @Schema(nullable = true) Double testLoss,
    @Schema(nullable = true) Integer testImages,
    @Schema(nullable = true) Double valAccuracy) {

  /** One class: precision and recall are null when undefined (nothing predicted or no image). */
  public record ClassScore(
      String name,
      @Schema(nullable = true) Double precision,
      @Schema(nullable = true) Double recall,
      long support) {}

  /**
   * One off-diagonal cell of the confusion matrix: how many images of one class went to another.
   */
  public record ConfusedPair(int actual, int predicted, long count) {}

  /** The images of one confusion-matrix cell (by dataset path). */
  public record Cell(int actual, int predicted, List<String> imageIds) {}

  /** A misclassified image with the model's confidence in the wrong class. */
  public record Mistake(String imageId, String actual, String predicted, double confidence) {}
}
