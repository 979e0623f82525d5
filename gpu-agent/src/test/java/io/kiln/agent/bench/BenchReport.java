package io.kiln.agent.bench;

import java.util.List;
import java.util.Locale;

/** How the advice benchmarks print: a Markdown table of their rows, and the RESULT line last. */
final class BenchReport {
  private BenchReport() {}

  /** A blank line, the header, its separator and the rows. */
  static void table(List<String> columns, List<String> rows) {
    System.out.println();
    System.out.println("| " + String.join(" | ", columns) + " |");
    System.out.println("|---".repeat(columns.size()) + "|");
    rows.forEach(System.out::println);
  }

  /** {@code RESULT name=<name> kiln=<count> reference=<of> ratio=<count/of> unit=<unit>}. */
  static void result(String name, int count, int of, String unit) {
    System.out.printf(
        Locale.ROOT,
        "RESULT name=%s kiln=%d reference=%d ratio=%.3f unit=%s%n",
        name,
        count,
        of,
        of == 0 ? 0.0 : count / (double) of,
        unit);
  }
}
