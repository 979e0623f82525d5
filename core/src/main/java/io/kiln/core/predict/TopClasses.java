package io.kiln.core.predict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** The most probable classes of one prediction, most probable first (ties: lower index first). */
public final class TopClasses {
  private TopClasses() {}

  /** One class and the model's probability for it. */
  public record ClassProbability(String name, double probability) {}

  public static List<ClassProbability> of(float[] probabilities, List<String> names, int k) {
    if (probabilities.length != names.size()) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities for " + names.size() + " classes");
    }
    List<ClassProbability> out = new ArrayList<>();
    IntStream.range(0, probabilities.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -probabilities[i]))
        .limit(Math.max(1, k))
        .forEach(i -> out.add(new ClassProbability(names.get(i), probabilities[i])));
    return out;
  }
}
