package io.kiln.agent.training;

import io.kiln.core.labels.Prediction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The final model on the validation split: confusion matrix (rows = true class, columns =
 * predicted), per-class precision and recall, and the most confidently misclassified images.
 */
public final class Evaluation {
  /** Up to this many classes the whole confusion matrix is reported; beyond, the top pairs. */
  static final int DENSE_CLASSES = 100;

  static final int TOP_PAIRS = 200;

  static final int MISTAKES_KEPT = 24;

  /**
   * Misclassified image ids kept per confusion-matrix cell, and in all, so the report stays small.
   */
  static final int PER_CELL = 24;

  static final int CELL_IDS_TOTAL = 1500;

  private final List<String> classNames;
  private final long[][] confusion;
  private final List<Mistake> mistakes = new ArrayList<>();
  private final Map<String, List<String>> cells = new LinkedHashMap<>();
  private int cellIds;

  /**
   * A misclassified image: its id in the dataset, its class, the prediction and its probability.
   */
  public record Mistake(String imageId, String actual, String predicted, double confidence) {}

  /**
   * Classes listed per image in a label check's predictions: the most probable ones (plus the given
   * class), enough for confident learning's thresholds and small enough for one message.
   */
  static final int PREDICTED_CLASSES = 5;

  private List<List<Object>> predictions;

  private String split = "validation";
  private final Map<String, Object> extras = new LinkedHashMap<>();

  /** Adds a figure to the report (e.g. the held-out test accuracy next to validation's). */
  public Evaluation with(String key, Object value) {
    extras.put(key, value);
    return this;
  }

  /** Names the split the evaluation scored ({@code validation} or {@code test}). */
  public Evaluation on(String splitName) {
    this.split = splitName;
    return this;
  }

  public Evaluation(List<String> classNames) {
    this.classNames = List.copyOf(classNames);
    int k = classNames.size();
    this.confusion = new long[k][k];
  }

  /**
   * Also reports every image's probabilities as {@code heldOut}: rows of {@code [imageId, given,
   * class, probability, class, probability, ...]}, most probable first (core's labels.Prediction).
   */
  public Evaluation keepPredictions() {
    this.predictions = new ArrayList<>();
    return this;
  }

  /** Adds one image's outcome; {@code probabilities} are the softmax outputs for it. */
  public void add(String imageId, int actual, float[] probabilities) {
    if (predictions != null) {
      Prediction p = Prediction.of(actual, probabilities, PREDICTED_CLASSES);
      List<Object> row = new ArrayList<>();
      row.add(imageId);
      row.add(actual);
      for (int i = 0; i < p.classes().length; i++) {
        row.add(p.classes()[i]);
        // Four decimals: enough to rank, a third of the bytes of a full double.
        row.add(Math.round(p.probabilities()[i] * 1e4) / 1e4);
      }
      predictions.add(row);
    }
    int predicted = 0;
    for (int k = 1; k < probabilities.length; k++) {
      if (probabilities[k] > probabilities[predicted]) {
        predicted = k;
      }
    }
    confusion[actual][predicted]++;
    if (predicted != actual) {
      List<String> cell = cells.computeIfAbsent(actual + "," + predicted, k -> new ArrayList<>());
      if (cell.size() < PER_CELL && cellIds < CELL_IDS_TOTAL) {
        cell.add(imageId);
        cellIds++;
      }
      mistakes.add(
          new Mistake(
              imageId,
              classNames.get(actual),
              classNames.get(predicted),
              probabilities[predicted]));
      if (mistakes.size() > MISTAKES_KEPT * 4) {
        trim();
      }
    }
  }

  private void trim() {
    mistakes.sort(Comparator.comparingDouble(Mistake::confidence).reversed());
    mistakes.subList(Math.min(MISTAKES_KEPT, mistakes.size()), mistakes.size()).clear();
  }

  public long[][] confusion() {
    return confusion;
  }

  public double accuracy() {
    long correct = 0;
    long total = 0;
    for (int i = 0; i < confusion.length; i++) {
      for (int j = 0; j < confusion.length; j++) {
        total += confusion[i][j];
        correct += i == j ? confusion[i][j] : 0;
      }
    }
    return total == 0 ? 0 : correct / (double) total;
  }

  /**
   * Of the images predicted as class k, the share that really are k (NaN if none was predicted k).
   */
  public double precision(int k) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[k];
    }
    return predicted == 0 ? Double.NaN : confusion[k][k] / (double) predicted;
  }

  /** Of the images of class k, the share predicted as k. */
  public double recall(int k) {
    long actual = 0;
    for (long v : confusion[k]) {
      actual += v;
    }
    return actual == 0 ? Double.NaN : confusion[k][k] / (double) actual;
  }

  public List<Mistake> mistakes() {
    trim();
    return List.copyOf(mistakes);
  }

  /** The JSON form the backend stores and the run page shows. */
  public Map<String, Object> toMap() {
    List<Map<String, Object>> perClass = new ArrayList<>();
    for (int k = 0; k < classNames.size(); k++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", classNames.get(k));
      row.put("precision", finiteOrNull(precision(k)));
      row.put("recall", finiteOrNull(recall(k)));
      long support = 0;
      for (long v : confusion[k]) {
        support += v;
      }
      row.put("support", support);
      perClass.add(row);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("split", split);
    map.put("accuracy", accuracy());
    map.put("classNames", classNames);
    map.put("perClass", perClass);
    // A dense matrix grows with the square of the classes (1,000 classes: a million numbers, more
    // than a message may carry): past DENSE_CLASSES only the most confused pairs are sent.
    boolean dense = classNames.size() <= DENSE_CLASSES;
    List<Map<String, Object>> pairs = dense ? null : confusedPairs();
    java.util.Set<String> kept = new java.util.HashSet<>();
    if (dense) {
      map.put("confusion", confusion);
    } else {
      map.put("confusedPairs", pairs);
      pairs.forEach(p -> kept.add(p.get("actual") + "," + p.get("predicted")));
    }
    map.put(
        "cells",
        cells.entrySet().stream()
            .filter(e -> dense || kept.contains(e.getKey()))
            .map(
                e ->
                    Map.of(
                        "actual", Integer.parseInt(e.getKey().split(",")[0]),
                        "predicted", Integer.parseInt(e.getKey().split(",")[1]),
                        "imageIds", e.getValue()))
            .toList());
    map.put(
        "mistakes",
        mistakes().stream()
            .map(
                m ->
                    Map.of(
                        "imageId",
                        m.imageId(),
                        "actual",
                        m.actual(),
                        "predicted",
                        m.predicted(),
                        "confidence",
                        m.confidence()))
            .toList());
    if (predictions != null) {
      map.put("heldOut", predictions);
    }
    map.putAll(extras);
    return map;
  }

  /** The off-diagonal cells with the most images, most first (at most {@value #TOP_PAIRS}). */
  private List<Map<String, Object>> confusedPairs() {
    List<long[]> pairs = new ArrayList<>();
    for (int i = 0; i < confusion.length; i++) {
      for (int j = 0; j < confusion.length; j++) {
        if (i != j && confusion[i][j] > 0) {
          pairs.add(new long[] {i, j, confusion[i][j]});
        }
      }
    }
    pairs.sort((a, b) -> a[2] != b[2] ? Long.compare(b[2], a[2]) : Long.compare(a[0], b[0]));
    return pairs.stream()
        .limit(TOP_PAIRS)
        .map(
            p -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("actual", (int) p[0]);
              m.put("predicted", (int) p[1]);
              m.put("count", p[2]);
              return m;
            })
        .toList();
  }

  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
