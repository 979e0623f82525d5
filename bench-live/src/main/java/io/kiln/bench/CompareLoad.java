package io.kiln.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.RequestOptions;
import io.kiln.core.metric.Metric;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compare page's load: 8 runs of 20,000 step points each (and 20 epoch points), filled through
 * the agent protocol, then, in Chromium, the time from navigation to the compare page complete
 * (every chart drawn; the step curves with at most 1,000 points a run) against the time to load one
 * run's page complete (its 20,000 points on the live chart). Medians of 5 rounds, each a full page
 * load.
 *
 * <p>Arguments: base URL, admin password, runs (8), points per run (20000).
 */
public final class CompareLoad {
  private static final int ROUNDS = 5;

  public static void main(String[] args) throws Exception {
    String base = args[0];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int points = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
    int epochs = 20;
    int perEpoch = points / epochs;
    Rest rest = new Rest(base);
    rest.login(args[1]);
    long dataset = rest.uploadDataset();
    List<Long> ids = new ArrayList<>();
    long fill = System.nanoTime();
    try (AgentSide agent = new AgentSide(URI.create(base).getPort(), rest.enrollAgent())) {
      for (int r = 0; r < runs; r++) {
        long id =
            rest.createRun(
                dataset,
                "compare-load " + (r + 1),
                Map.of("epochs", epochs, "weightDecay", 1e-4 * (r + 1)));
        ids.add(id);
        agent.claim(id, epochs, perEpoch);
        for (int e = 1; e <= epochs; e++) {
          for (int s = 1; s <= perEpoch; s++) {
            long step = (long) (e - 1) * perEpoch + s;
            agent.report(
                "step",
                e,
                step,
                Map.of(
                    Metric.LOSS.key(), 2.3 / Math.sqrt(step) + 0.01 * r,
                    Metric.LR.key(), 0.05,
                    Metric.IMAGES_PER_SECOND.key(), 1500.0));
          }
          double val = 0.5 + 0.4 * e / epochs - 0.005 * r;
          agent.report(
              "epoch",
              e,
              (long) e * perEpoch,
              Map.of(
                  Metric.TRAIN_LOSS.key(),
                  1.0 / e,
                  Metric.TRAIN_ACCURACY.key(),
                  Math.min(0.99, val + 0.05),
                  Metric.VAL_LOSS.key(),
                  1.2 / e,
                  Metric.VAL_ACCURACY.key(),
                  val,
                  Metric.IMAGES_PER_SECOND.key(),
                  1500.0));
        }
        agent.finish();
        System.out.printf(Locale.ROOT, "run %d of %d filled (#%d)%n", r + 1, runs, id);
      }
    } finally {
    }
    System.out.printf(
        Locale.ROOT,
        "filled %d runs x %d step points in %.1f s%n",
        runs,
        points,
        (System.nanoTime() - fill) / 1e9);

    try (Playwright playwright = Playwright.create()) {
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(Path.of("/usr/bin/chromium"))
                      .setHeadless(true)
                      .setArgs(
                          List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")));
      BrowserContext context =
          browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 1000));
      context
          .request()
          .post(
              base + "/api/auth/login",
              RequestOptions.create().setData(Map.of("username", "admin", "password", args[1])));
      Page page = context.newPage();
      page.setDefaultTimeout(60_000);
      String compareUrl =
          base + "/#/compare?runs=" + String.join(",", ids.stream().map(String::valueOf).toList());
      String runUrl = base + "/#/runs/" + ids.get(0);
      // The curves of all runs arrive in one response, so one chart with points means all have
      // them.
      String compareDone =
          "n => document.querySelector('[data-testid=compare-ready]') && Number(document.querySelector("
              + "'[data-testid=compare-chart-loss]')?.dataset.points) >= n"
              + " && document.querySelectorAll('[data-testid=compare-charts] .uplot').length >= 4";
      String runDone =
          "n => Number(document.querySelector('[data-testid=chart-step-loss]')?.dataset.points) >= n"
              + " && document.querySelector('[data-testid=chart-step-loss] .uplot')";
      // One warm-up of each (the bundle and the fonts come from the cache afterwards).
      time(page, runUrl, runDone, points);
      int drawn = 1; // the curves of all runs come in one response: a drawn chart has them all
      time(page, compareUrl, compareDone, drawn);
      double[] single = new double[ROUNDS];
      double[] compare = new double[ROUNDS];
      for (int i = 0; i < ROUNDS; i++) {
        single[i] = time(page, runUrl, runDone, points);
        compare[i] = time(page, compareUrl, compareDone, drawn);
        System.out.printf(
            Locale.ROOT,
            "round %d: one run %.0f ms, compare %d runs %.0f ms%n",
            i + 1,
            single[i],
            runs,
            compare[i]);
      }
      double kiln = median(compare);
      double reference = median(single);
      System.out.printf(
          Locale.ROOT,
          "RESULT name=compare-load kiln=%.0f reference=%.0f ratio=%.2f unit=ms%n",
          kiln,
          reference,
          kiln / reference);
      browser.close();
    }
  }

  /** Milliseconds from a full page load of {@code url} until {@code done(n)} holds. */
  private static double time(Page page, String url, String done, int n) {
    page.navigate("about:blank");
    long start = System.nanoTime();
    page.navigate(url);
    try {
      page.waitForFunction(done, n);
    } catch (com.microsoft.playwright.PlaywrightException e) {
      throw new IllegalStateException(
          "the page never completed: "
              + page.evaluate(
                  "() => [...document.querySelectorAll('[data-points]')].map(e => e.dataset.testid + '=' + e.dataset.points).join(' ')"
                      + " + ' | ' + document.querySelector('main')?.innerText.slice(0, 300)"),
          e);
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
