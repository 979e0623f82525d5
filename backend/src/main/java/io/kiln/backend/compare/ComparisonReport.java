package io.kiln.backend.compare;

import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunView;
import io.kiln.core.compare.Comparison;
import io.kiln.core.metric.Metric;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A comparison as one self-contained HTML report: styles and SVG charts inline, no script, nothing
 * fetched, so it opens offline. Everything a user typed is escaped as text.
 */
final class ComparisonReport {
  private static final String[] COLORS = {
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#4d7c0f"
  };

  private ComparisonReport() {}

  static String html(CompareService.Report report) {
    CompareService.CompareView view = report.view();
    Comparison c = view.comparison();
    List<RunView> runs = view.runs();
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
        .append("<title>Kiln comparison of runs ")
        .append(esc(String.join(", ", runs.stream().map(r -> "#" + r.id()).toList())))
        .append("</title><style>")
        .append("body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#111}")
        .append(
            "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}")
        .append(".swatch{display:inline-block;width:10px;height:10px;margin-right:4px}")
        .append(
            "svg{border:1px solid #ddd;margin:0 1rem 1rem 0}.up{color:#15803d}.down{color:#b91c1c}")
        .append("</style></head><body>");
    h.append("<h1>Comparison of ").append(runs.size()).append(" runs</h1>");
    h.append("<p>Exported from Kiln on ").append(esc(Instant.now().toString())).append(".</p>");
    h.append("<h2>Summary</h2><ul id=\"summary\">");
    c.summary().forEach(s -> h.append("<li>").append(esc(s)).append("</li>"));
    h.append("</ul><h2>Runs</h2><table><tr><th>Run</th><th>State</th><th>Review</th><th>Tags</th>")
        .append("<th>Best val. accuracy</th><th>Test accuracy</th><th>Δ test (points)</th>")
        .append("<th>Duration</th><th>Images/s</th><th>Overfitting gap</th></tr>");
    for (int i = 0; i < runs.size(); i++) {
      RunView r = runs.get(i);
      Comparison.Result res = c.results().get(i);
      h.append("<tr><td><span class=\"swatch\" style=\"background:")
          .append(COLORS[i])
          .append("\"></span>#")
          .append(r.id())
          .append(" ")
          .append(esc(r.name()))
          .append(res.best() ? " <strong>(best)</strong>" : "")
          .append("</td><td>")
          .append(esc(r.state()))
          .append("</td><td>")
          .append(
              r.review() == null
                  ? ""
                  : esc(
                      r.review().decision()
                          + " by "
                          + r.review().by()
                          + ": "
                          + r.review().comment()))
          .append("</td><td>")
          .append(esc(String.join(", ", r.tags())))
          .append("</td><td>")
          .append(percent(res.bestValAccuracy()))
          .append("</td><td>")
          .append(percent(res.testAccuracy()))
          .append("</td><td>")
          .append(
              res.testDeltaPoints() == null
                  ? ""
                  : String.format(Locale.ROOT, "%+.1f", res.testDeltaPoints()))
          .append("</td><td>")
          .append(res.durationSeconds() == null ? "—" : Math.round(res.durationSeconds()) + " s")
          .append("</td><td>")
          .append(res.imagesPerSecond() == null ? "—" : Math.round(res.imagesPerSecond()))
          .append("</td><td>")
          .append(
              res.gapPoints() == null
                  ? "—"
                  : String.format(Locale.ROOT, "%.1f points", res.gapPoints()))
          .append("</td></tr>");
    }
    h.append("</table><h2>What differs in the recipes</h2>");
    if (c.differences().isEmpty()) {
      h.append("<p>The recipes are the same.</p>");
    } else {
      h.append("<table><tr><th>Field</th>");
      runs.forEach(r -> h.append("<th>#").append(r.id()).append("</th>"));
      h.append("<th>Why it matters</th></tr>");
      for (Comparison.Difference d : c.differences()) {
        h.append("<tr><td>").append(esc(d.label())).append("</td>");
        d.values().forEach(v -> h.append("<td>").append(esc(String.valueOf(v))).append("</td>"));
        h.append("<td>")
            .append(esc(d.help()))
            .append(d.trickIds().isEmpty() ? "" : " (" + esc(String.join(", ", d.trickIds())) + ")")
            .append("</td></tr>");
      }
      h.append("</table>");
    }
    h.append("<h2>Curves by epoch</h2>");
    h.append(chart("Validation accuracy", report, runs, Metric.VAL_ACCURACY));
    h.append(chart("Validation loss", report, runs, Metric.VAL_LOSS));
    h.append(chart("Training loss", report, runs, Metric.TRAIN_LOSS));
    if (!c.recall().isEmpty()) {
      h.append("<h2>Recall per class</h2><table><tr><th>Class</th>");
      runs.forEach(r -> h.append("<th>#").append(r.id()).append("</th>"));
      h.append("</tr>");
      for (Comparison.Recall rc : c.recall()) {
        h.append("<tr><td>").append(esc(rc.className())).append("</td>");
        for (int i = 0; i < runs.size(); i++) {
          Double delta = rc.deltaPoints().get(i);
          h.append("<td>").append(percent(rc.recall().get(i)));
          if (i > 0 && delta != null) {
            h.append(" <span class=\"")
                .append(delta >= 0 ? "up" : "down")
                .append("\">")
                .append(String.format(Locale.ROOT, "%+.1f", delta))
                .append("</span>");
          }
          h.append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</table>");
    }
    h.append("<h2>Lineage and notes</h2><ul>");
    for (RunView r : runs) {
      h.append("<li>#").append(r.id()).append(" ").append(esc(r.name()));
      if (r.parentId() != null) {
        h.append(" — derived from #").append(r.parentId());
        String s =
            c.runs().stream()
                .filter(x -> x.id() == r.id())
                .findFirst()
                .map(x -> x.suggestion())
                .orElse(null);
        if (s != null) {
          h.append(" by applying the suggestion “").append(esc(s)).append("”");
        }
      }
      if (r.remarks() != null) {
        h.append("<br>Note: ").append(esc(r.remarks()));
      }
      h.append("</li>");
    }
    h.append("</ul></body></html>");
    return h.toString();
  }

  /** An SVG line chart of one epoch metric, one line per run, with axes and a legend. */
  private static String chart(
      String title, CompareService.Report report, List<RunView> runs, Metric metric) {
    int w = 520;
    int ht = 260;
    int left = 56;
    int bottom = 30;
    double maxEpoch = 1;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (List<MetricView> points : report.epochs().values()) {
      for (MetricView p : points) {
        Double v = metric.orNull(p.values());
        if (v != null && Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          maxEpoch = Math.max(maxEpoch, p.epoch());
        }
      }
    }
    StringBuilder s = new StringBuilder();
    s.append("<figure><figcaption>").append(esc(title)).append("</figcaption>");
    if (lo > hi) {
      return s.append("<p>No epochs yet.</p></figure>").toString();
    }
    if (hi - lo < 1e-9) {
      hi = lo + 1;
    }
    double epochs = maxEpoch;
    double low = lo;
    double span = hi - lo;
    Function<Double, Double> x = e -> left + (e / epochs) * (w - left - 10);
    Function<Double, Double> y = v -> 10 + (1 - (v - low) / span) * (ht - bottom - 10);
    s.append("<svg role=\"img\" aria-label=\"")
        .append(esc(title))
        .append("\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(ht)
        .append("\" viewBox=\"0 0 ")
        .append(w)
        .append(" ")
        .append(ht)
        .append("\">");
    s.append(line(left, ht - bottom, w - 10, ht - bottom))
        .append(line(left, 10, left, ht - bottom));
    s.append(text(left - 4, 14, fmt(hi), "end"))
        .append(text(left - 4, ht - bottom, fmt(lo), "end"));
    s.append(text(left, ht - 10, "epoch 0", "start"))
        .append(text(w - 10, ht - 10, "epoch " + (int) epochs, "end"));
    for (int i = 0; i < runs.size(); i++) {
      StringBuilder pts = new StringBuilder();
      for (MetricView p : report.epochs().getOrDefault(runs.get(i).id(), List.of())) {
        Double v = metric.orNull(p.values());
        if (v != null && Double.isFinite(v)) {
          pts.append(
              String.format(Locale.ROOT, "%.1f,%.1f ", x.apply((double) p.epoch()), y.apply(v)));
        }
      }
      s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(COLORS[i])
          .append("\" points=\"")
          .append(pts.toString().trim())
          .append("\"><title>#")
          .append(runs.get(i).id())
          .append("</title></polyline>");
    }
    return s.append("</svg></figure>").toString();
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>",
        x1,
        y1,
        x2,
        y2);
  }

  private static String text(double x, double y, String t, String anchor) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        esc(t));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.3f" : "%.1f", v);
  }

  private static String percent(Double fraction) {
    return fraction == null ? "—" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}
