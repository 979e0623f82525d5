package io.kiln.backend.metrics;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A run's metric points as CSV: one row per point, one column per value name (empty where absent).
 */
public final class MetricCsv {
  private MetricCsv() {}

  public static String write(List<MetricView> points) {
    TreeSet<String> names = new TreeSet<>();
    points.forEach(p -> names.addAll(p.values().keySet()));
    StringBuilder out = new StringBuilder("seq,kind,epoch,step,reportedAtMillis");
    names.forEach(n -> out.append(',').append(n));
    out.append('\n');
    for (MetricView p : points) {
      out.append(p.seq())
          .append(',')
          .append(p.kind())
          .append(',')
          .append(p.epoch())
          .append(',')
          .append(p.step())
          .append(',')
          .append(p.at());
      for (String name : names) {
        out.append(',');
        Double v = p.values().get(name);
        if (v != null) {
          out.append(
              Double.isFinite(v) ? String.format(Locale.ROOT, "%.8g", v).trim() : v.toString());
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
