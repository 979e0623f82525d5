package io.kiln.core.compare;

import io.kiln.core.i18n.Messages;
import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.RecipeField;
import io.kiln.core.recipe.RecipeFields;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Two to eight runs side by side: the recipe fields that differ (with their explanations and trick
 * IDs), a table of results, per-class recall with deltas against the first run, and a summary
 * sentence built from the data. Pure: the backend serves it, the exported report prints it.
 */
public record Comparison(
    List<ComparedRun> runs,
    List<Difference> differences,
    List<Result> results,
    List<Recall> recall,
    List<String> summary) {

  public static final int MIN_RUNS = 2;
  public static final int MAX_RUNS = 8;

  /** A recipe field whose value is not the same in every run: one value per run, in order. */
  public record Difference(
      String field, String label, String help, List<String> trickIds, List<Object> values) {}

  /**
   * One run's results; deltas are in percentage points against the first run (null for the first or
   * when either value is missing).
   */
  public record Result(
      long runId,
      Double bestValAccuracy,
      Double testAccuracy,
      Double durationSeconds,
      Double imagesPerSecond,
      Double gapPoints,
      Double testDeltaPoints,
      boolean best) {}

  /** One class: recall per run and its change in points against the first run. */
  public record Recall(String className, List<Double> recall, List<Double> deltaPoints) {}

  public static Comparison of(List<ComparedRun> runs) {
    return of(runs, Messages.ENGLISH);
  }

  /** The comparison with its field names, explanations and summary in the reader's language. */
  public static Comparison of(List<ComparedRun> runs, Messages language) {
    if (runs.size() < MIN_RUNS || runs.size() > MAX_RUNS) {
      throw new IllegalArgumentException(
          "compare " + MIN_RUNS + " to " + MAX_RUNS + " runs, not " + runs.size());
    }
    List<Difference> differences = differences(runs, language);
    List<Result> results = results(runs);
    return new Comparison(
        List.copyOf(runs), differences, results, recall(runs), summary(runs, results, language));
  }

  static List<Difference> differences(List<ComparedRun> runs) {
    return differences(runs, Messages.ENGLISH);
  }

  static List<Difference> differences(List<ComparedRun> runs, Messages m) {
    Set<String> names = new LinkedHashSet<>();
    RecipeFields.ALL.forEach(f -> names.add(f.name()));
    runs.forEach(r -> names.addAll(r.recipe().keySet()));
    List<Difference> out = new ArrayList<>();
    for (String name : names) {
      List<Object> values = runs.stream().map(r -> r.recipe().get(name)).toList();
      if (values.stream().map(Comparison::normalized).distinct().count() > 1) {
        RecipeField field = RecipeFields.contains(name) ? RecipeFields.get(name) : null;
        out.add(
            new Difference(
                name,
                field == null ? name : m.orElse("field." + name + ".label", field.label()),
                field == null ? "" : m.orElse("field." + name + ".help", field.help()),
                field == null ? List.of() : field.trickIds(),
                values));
      }
    }
    return out;
  }

  /** 1e-4 and 0.0001, or 3 and 3.0, are the same value. */
  private static Object normalized(Object value) {
    return value instanceof Number n ? (Object) n.doubleValue() : value;
  }

  static List<Result> results(List<ComparedRun> runs) {
    Double first = score(runs.get(0));
    int best = best(runs);
    List<Result> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      ComparedRun r = runs.get(i);
      Double score = score(r);
      out.add(
          new Result(
              r.id(),
              r.bestValAccuracy(),
              r.testAccuracy(),
              r.durationSeconds(),
              r.imagesPerSecond(),
              r.lastGap() == null ? null : r.lastGap() * 100,
              i == 0 || score == null || first == null ? null : (score - first) * 100,
              i == best));
    }
    return out;
  }

  /**
   * The one best run: highest headline result, then highest best validation accuracy, then the
   * earliest in the list; -1 when no run has a result.
   */
  static int best(List<ComparedRun> runs) {
    int best = -1;
    for (int i = 0; i < runs.size(); i++) {
      ComparedRun r = runs.get(i);
      if (score(r) == null) {
        continue;
      }
      if (best < 0 || better(r, runs.get(best))) {
        best = i;
      }
    }
    return best;
  }

  private static boolean better(ComparedRun a, ComparedRun b) {
    int byScore = Double.compare(score(a), score(b));
    if (byScore != 0) {
      return byScore > 0;
    }
    double va = a.bestValAccuracy() == null ? -1 : a.bestValAccuracy();
    double vb = b.bestValAccuracy() == null ? -1 : b.bestValAccuracy();
    return va > vb;
  }

  /** A run's headline result: held-out test accuracy, else best validation accuracy. */
  private static Double score(ComparedRun r) {
    return r.testAccuracy() != null ? r.testAccuracy() : r.bestValAccuracy();
  }

  static List<Recall> recall(List<ComparedRun> runs) {
    Set<String> classes = new LinkedHashSet<>();
    runs.forEach(r -> classes.addAll(r.recall() == null ? Set.of() : r.recall().keySet()));
    List<Recall> out = new ArrayList<>();
    for (String c : classes) {
      List<Double> values =
          runs.stream().map(r -> r.recall() == null ? null : r.recall().get(c)).toList();
      Double base = values.get(0);
      List<Double> deltas =
          values.stream().map(v -> v == null || base == null ? null : (v - base) * 100).toList();
      out.add(new Recall(c, values, deltas));
    }
    return out;
  }

  /**
   * One sentence per run after the first: what it changed against the first and what that did, e.g.
   * "#12 raised weight decay 0.0001 -> 0.0003 and added CutMix alpha 1: test accuracy +1.8 points,
   * overfitting gap 9 -> 3 points." Then which run is best.
   */
  static List<String> summary(List<ComparedRun> runs, List<Result> results) {
    return summary(runs, results, Messages.ENGLISH);
  }

  static List<String> summary(List<ComparedRun> runs, List<Result> results, Messages m) {
    ComparedRun base = runs.get(0);
    List<String> out = new ArrayList<>();
    for (int i = 1; i < runs.size(); i++) {
      ComparedRun run = runs.get(i);
      List<String> changes = new ArrayList<>();
      for (Difference d : differences(List.of(base, run), m)) {
        changes.add(change(m, d.label(), d.values().get(0), d.values().get(1)));
      }
      String what =
          changes.isEmpty()
              ? m.template("compare.sameRecipe")
              : changes.size() > 3
                  ? m.format(
                      Text.of(
                          "compare.moreChanges",
                          "list",
                          joined(m, changes.subList(0, 3)),
                          "n",
                          changes.size() - 3))
                  : joined(m, changes);
      List<String> effects = new ArrayList<>();
      Result result = results.get(i);
      String metric =
          m.template(
              run.testAccuracy() != null && base.testAccuracy() != null
                  ? "compare.metric.test"
                  : "compare.metric.val");
      if (result.testDeltaPoints() != null) {
        effects.add(
            m.format(
                Text.of(
                    "compare.effect.delta",
                    "metric",
                    metric,
                    "delta",
                    signed(result.testDeltaPoints()))));
      }
      if (base.lastGap() != null && run.lastGap() != null) {
        effects.add(
            m.format(
                Text.of(
                    "compare.effect.gap",
                    "from",
                    points(base.lastGap() * 100),
                    "to",
                    points(run.lastGap() * 100))));
      }
      out.add(
          effects.isEmpty()
              ? m.format(Text.of("compare.sentence.noResults", "id", run.id(), "what", what))
              : m.format(
                  Text.of(
                      "compare.sentence",
                      "id",
                      run.id(),
                      "what",
                      what,
                      "effects",
                      String.join(m.template("compare.join.effects"), effects))));
    }
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).best()) {
        ComparedRun best = runs.get(i);
        out.add(
            m.format(
                Text.of(
                    "compare.best",
                    "id",
                    best.id(),
                    "metric",
                    m.template(
                        best.testAccuracy() != null ? "compare.metric.test" : "compare.metric.val"),
                    "score",
                    percent(score(best)))));
        break;
      }
    }
    return out;
  }

  private static String change(Messages m, String label, Object from, Object to) {
    // "Weight decay" reads "weight decay" inside a sentence; a name such as "CutMix" stays as is.
    String firstWord = label.split(" ", 2)[0];
    String field =
        firstWord.substring(1).equals(firstWord.substring(1).toLowerCase(Locale.ROOT))
            ? label.substring(0, 1).toLowerCase(Locale.ROOT) + label.substring(1)
            : label;
    String kind;
    if (isOff(from) && !isOff(to)) {
      kind = "added";
    } else if (!isOff(from) && isOff(to)) {
      kind = "removed";
    } else if (from instanceof Number a && to instanceof Number b) {
      kind = b.doubleValue() > a.doubleValue() ? "raised" : "lowered";
    } else {
      kind = "changed";
    }
    return m.format(
        Text.of("compare.change." + kind, "field", field, "from", show(from), "to", show(to)));
  }

  private static boolean isOff(Object v) {
    return v == null
        || Boolean.FALSE.equals(v)
        || (v instanceof Number n && n.doubleValue() == 0)
        || "none".equals(v);
  }

  static String show(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e9) {
      return Long.toString(d.longValue());
    }
    if (v instanceof Double d && Math.abs(d) < 1e-2 && d != 0) {
      return String.format(Locale.ROOT, "%.0e", d).replace("e-0", "e-");
    }
    return String.valueOf(v);
  }

  private static String joined(Messages m, List<String> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(m.template("compare.join.sep"), parts.subList(0, parts.size() - 1))
        + m.template("compare.join.last")
        + parts.get(parts.size() - 1);
  }

  private static String signed(double points) {
    return String.format(Locale.ROOT, "%+.1f", points);
  }

  private static String points(double points) {
    return String.format(Locale.ROOT, "%.0f", points);
  }

  private static String percent(Double fraction) {
    return fraction == null ? "none" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }
}
