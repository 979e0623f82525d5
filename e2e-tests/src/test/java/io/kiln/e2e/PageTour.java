package io.kiln.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every page of the journey, and what the page checks do on each: open it, say whether it is wider
 * than the window, take its screenshot, run axe-core on it (issue 14).
 */
final class PageTour {
  /** axe-core from the frontend's devDependencies: the serious and critical violations. */
  private static final String AXE_RUN =
      "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
          + ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
          + ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
          + ".map(n => n.target.join(' ')).join(' | '))";

  private PageTour() {}

  /**
   * The pages, for the journey's runs, dataset and agent (runs and agents as the API lists them).
   */
  static List<String> pages(JsonNode runs, JsonNode agents) {
    long runId = runs.path(0).path("id").asLong();
    long datasetId = runs.path(0).path("datasetId").asLong();
    long agentId = agents.path(0).path("id").asLong();
    return List.of(
        "#/runs",
        "#/runs/" + runId,
        "#/runs/" + runId + "/predict",
        "#/datasets",
        "#/datasets/" + datasetId,
        "#/presets",
        "#/pretrained",
        "#/runs/new?dataset=" + datasetId,
        "#/runs/custom",
        "#/compare?runs=" + runs.path(0).path("id") + "," + runs.path(1).path("id"),
        "#/agents",
        "#/agents/" + agentId,
        "#/users",
        "#/audit",
        "#/account",
        "#/notifications",
        "#/webhooks",
        "#/glossary");
  }

  /** Opens the page and waits until it has loaded what it asks for. */
  static void open(Page page, String base, String hash) {
    page.navigate(base + hash);
    page.waitForLoadState(LoadState.NETWORKIDLE);
    page.waitForTimeout(300);
  }

  /** A problem line when the page is wider than the window, else null. */
  static String tooWide(Page page, String hash, int width) {
    Number scroll = (Number) page.evaluate("() => document.documentElement.scrollWidth");
    return scroll.intValue() > width
        ? hash + " at " + width + " px is " + scroll + " px wide"
        : null;
  }

  /**
   * Text drawn wrongly (issue 31): a word split across two lines ("Revi / ew"), or a text drawn one
   * character per line (a label squeezed into a column a letter wide). Code, tokens and words
   * longer than 20 letters may break where they must; Chinese may break between any characters, but
   * not one per line.
   */
  private static final String BROKEN_WORDS =
      """
      () => {
        const problems = [];
        const root = document.querySelector('#app').parentElement;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent;
          const el = node.parentElement;
          if (!text.trim() || !el || el.closest('code, pre, script, style, svg, .u-legend, [hidden], .sr-only')) continue;
          if (!el.getClientRects().length) continue;
          let hidden = false; // visually hidden for screen readers only (a 1 px clipped box)
          for (let a = el; a && a !== root; a = a.parentElement) {
            const box = a.getBoundingClientRect();
            if (box.width <= 1 || box.height <= 1) { hidden = true; break; }
          }
          if (hidden) continue;
          const line = (r) => Math.round(r.top + r.height / 2);
          const word = /[A-Za-z\u00C0-\u024F0-9]{2,20}/g;
          let m;
          while ((m = word.exec(text))) {
            const before = m.index > 0 ? text[m.index - 1] : ' ';
            const after = text[m.index + m[0].length] ?? ' ';
            if (/[A-Za-z0-9]/.test(before) || /[A-Za-z0-9]/.test(after)) continue; // part of a longer word
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map(line));
            if (lines.size > 1) {
              problems.push('"' + m[0] + '" split across lines in "' + text.trim().slice(0, 60) + '"');
              break;
            }
          }
          const all = document.createRange();
          all.selectNodeContents(node);
          const rects = [...all.getClientRects()].filter((r) => r.width > 0);
          const em = parseFloat(getComputedStyle(el).fontSize);
          if (text.trim().length >= 3 && new Set(rects.map(line)).size >= 3 && rects.every((r) => r.width < em * 1.7)) {
            problems.push('one character per line: "' + text.trim().slice(0, 60) + '"');
          }
        }
        return problems;
      }
      """;

  /** Problem lines for every word drawn broken on the open page (see {@link #BROKEN_WORDS}). */
  static List<String> brokenWords(Page page, String hash, int width) {
    List<String> problems = new java.util.ArrayList<>();
    for (Object problem : (List<?>) page.evaluate(BROKEN_WORDS)) {
      problems.add(hash + " at " + width + " px: " + problem);
    }
    return problems;
  }

  /** The widths every page is tried at: a small phone, a common phone, a laptop. */
  static final int[] WIDTHS = {360, 390, 1280};

  /** A full-page screenshot named after the page and width, e.g. {@code zh-CN-runs-360.png}. */
  static void screenshot(Page page, Path dir, String prefix, String hash, int width)
      throws IOException {
    String name = hash.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    Files.createDirectories(dir);
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(dir.resolve(prefix + name + "-" + width + ".png"))
            .setFullPage(true));
  }

  /** axe-core's serious and critical violations on the open page. */
  static List<?> axeViolations(Page page) throws IOException {
    if (page.evaluate("() => typeof window.axe") instanceof String type
        && type.equals("undefined")) {
      // From Kiln's own origin: its Content-Security-Policy refuses inline scripts.
      String url = java.net.URI.create(page.url()).resolve("/e2e-axe.min.js").toString();
      byte[] axe = Files.readAllBytes(Path.of("../frontend/node_modules/axe-core/axe.min.js"));
      page.route(
          url,
          route ->
              route.fulfill(
                  new com.microsoft.playwright.Route.FulfillOptions()
                      .setContentType("text/javascript")
                      .setBodyBytes(axe)));
      page.addScriptTag(new Page.AddScriptTagOptions().setUrl(url));
    }
    return (List<?>) page.evaluate(AXE_RUN);
  }

  /** Logs in as the admin on a page of a zh-CN browser, through the Chinese login form. */
  static Page loginInChinese(BrowserContext context, String base) {
    Page zh = context.newPage();
    zh.navigate(base);
    zh.getByLabel("用户名").fill("admin");
    zh.getByLabel("密码").fill(KilnApp.PASSWORD);
    zh.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("登录")).click();
    assertThat(zh.locator("#nav")).containsText("训练");
    return zh;
  }
}
