package io.kiln.backend.compare;

import io.kiln.backend.run.RunView;
import io.kiln.core.compare.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A comparison as CSV, one row per run. Everything a user typed is data: a cell a spreadsheet would
 * run as a formula is defused.
 */
final class ComparisonCsv {
  private ComparisonCsv() {}

  static String csv(CompareService.CompareView view) {
    Comparison c = view.comparison();
    List<String> header =
        new ArrayList<>(
            List.of(
                "run",
                "name",
                "state",
                "review",
                "tags",
                "best_val_accuracy",
                "test_accuracy",
                "test_delta_points",
                "duration_seconds",
                "images_per_second",
                "overfitting_gap_points"));
    c.differences().forEach(d -> header.add(d.field()));
    StringBuilder out = new StringBuilder(row(header));
    for (int i = 0; i < view.runs().size(); i++) {
      RunView run = view.runs().get(i);
      Comparison.Result r = c.results().get(i);
      List<String> cells =
          new ArrayList<>(
              List.of(
                  Long.toString(run.id()),
                  run.name(),
                  run.state(),
                  run.review() == null ? "" : run.review().decision(),
                  String.join(" ", run.tags()),
                  number(r.bestValAccuracy()),
                  number(r.testAccuracy()),
                  number(r.testDeltaPoints()),
                  number(r.durationSeconds()),
                  number(r.imagesPerSecond()),
                  number(r.gapPoints())));
      int index = i;
      c.differences().forEach(d -> cells.add(String.valueOf(d.values().get(index))));
      out.append(row(cells));
    }
    return out.toString();
  }

  private static String row(List<String> cells) {
    return String.join(",", cells.stream().map(ComparisonCsv::cell).toList()) + "\r\n";
  }

  /** Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it. */
  static String cell(String value) {
    String v = value == null || value.equals("null") ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !v.matches("-?[0-9.eE+-]+")) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      v = "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  private static String number(Double d) {
    return d == null ? "" : String.format(Locale.ROOT, "%.4f", d);
  }
}
