package io.kiln.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.RequestOptions;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One journey per role, in Chromium against the real app: the admin creates teams and people; a new
 * member logs in and trains; the team lead filters the run table, compares three runs, reads the
 * differences and the summary, approves one and opens the exported report offline; the member asked
 * for that review and hears the decision (issue 35), the admin adds a signed webhook; a member of
 * another team cannot reach the runs by URL or API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TeamJourneyTest {
  static final Path SHOTS = Path.of("target/screenshots");
  static final ObjectMapper JSON = new ObjectMapper();
  static KilnApp app;
  static Playwright playwright;
  static Browser browser;
  static final Map<String, String> passwords = new HashMap<>();
  static final List<Long> runs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(SHOTS);
    app = KilnApp.start();
    playwright = Playwright.create();
    browser = Chromium.launch(playwright);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (app != null) {
      app.close();
    }
  }

  /** A fresh browser profile logged in as this person. */
  static Page login(String username, String password) {
    BrowserContext context =
        browser.newContext(
            new Browser.NewContextOptions().setViewportSize(1280, 1000).setAcceptDownloads(true));
    Page page = context.newPage();
    page.setDefaultTimeout(30_000);
    page.navigate(app.url());
    page.getByLabel("Username").fill(username);
    page.getByLabel("Password").fill(password);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Runs")))
        .isVisible();
    return page;
  }

  @Test
  @Order(1)
  void theAdminCreatesTeamsAndPeople() {
    Page page = login("admin", KilnApp.PASSWORD);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Users")).click();
    for (String team : List.of("Vision", "Audio")) {
      page.getByLabel("New team").fill(team);
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create team")).click();
      assertThat(page.getByTestId("create-team")).containsText(team + " (0 people)");
    }
    createUser(page, "lena", "Lena Lead", "lead", "Vision");
    createUser(page, "max", "Max Member", "member", "Vision");
    createUser(page, "olga", "Olga Other", "member", "Audio");
    assertThat(page.locator("tr[data-user=lena]")).containsText("Vision");
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve("team-1-users.png")).setFullPage(true));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit")).click();
    assertThat(page.locator("tr[data-action=user-created]")).hasCount(3);
    page.context().close();
  }

  private static void createUser(
      Page page, String username, String name, String role, String team) {
    page.locator("#new-username").fill(username);
    page.locator("#new-display-name").fill(name);
    page.locator("#new-role").selectOption(role);
    page.getByLabel("Team " + team, new Page.GetByLabelOptions().setExact(true)).check();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create user")).click();
    assertThat(page.getByTestId("new-password")).containsText("Created " + username);
    passwords.put(username, page.getByTestId("password").textContent().trim());
  }

  @Test
  @Order(2)
  void aNewMemberLogsInAndTrains() throws Exception {
    Page page = login("max", passwords.get("max"));
    assertThat(page.locator(".who")).containsText("Max Member (member)");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Datasets")).click();
    Path zip = FashionMnist.writeZip(Path.of("target/fashion-team.zip"), 40);
    page.getByLabel("Archive (.zip or .tar.gz)").setInputFiles(zip);
    page.getByLabel("Name").fill("Team fashion");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload").setExact(true))
        .click();
    page.waitForURL(Pattern.compile(".*#/datasets/\\d+$"));
    long dataset = Long.parseLong(page.url().replaceAll(".*/", ""));
    page.navigate(app.url() + "#/runs/custom?dataset=" + dataset);
    page.getByLabel("Run name").fill("baseline");
    page.getByLabel("Epochs", new Page.GetByLabelOptions().setExact(true)).fill("2");
    // The baseline goes ahead of the queue (issue 12: priority).
    page.getByText("Where it runs and how urgent it is").click();
    page.getByLabel("Priority").fill("3");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Launch training")).click();
    page.waitForURL(Pattern.compile(".*#/runs/\\d+$"));
    assertThat(page.locator("dl.facts")).containsText("any agent · priority 3");
    runs.add(Long.parseLong(page.url().replaceAll(".*/", "")));
    // Two variations launched through the API with the same session, as a script would.
    runs.add(launch(page, dataset, "more weight decay", Map.of("weightDecay", 0.0005)));
    runs.add(
        launch(page, dataset, "<b>cutmix</b>", Map.of("weightDecay", 0.0005, "cutmixAlpha", 1.0)));
    for (long run : runs) {
      awaitState(page, run, "succeeded");
    }
    // Issue 35: the bell counts the three runs that finished; Max asks the lead to review one.
    page.navigate(app.url() + "#/runs/" + runs.get(1));
    assertThat(page.getByTestId("unread")).hasText("3");
    page.getByText("Ask for review").first().click();
    page.getByLabel("A note for the team's leads").fill("Less overfitting: ship it?");
    page.getByTestId("ask-review").click();
    assertThat(page.getByTestId("review-requested")).containsText("asked by max");
    assertThat(page.getByTestId("review-requested")).containsText("Less overfitting: ship it?");
    page.getByTestId("bell").click();
    assertThat(page.locator("[data-testid=notices] li[data-kind=run-succeeded]")).hasCount(3);
    // Opening the list reads them.
    page.navigate(app.url() + "#/runs");
    assertThat(page.getByTestId("unread")).hasCount(0);
    page.context().close();
  }

  private static long launch(Page page, long dataset, String name, Map<String, Object> fields)
      throws Exception {
    Map<String, Object> body = new HashMap<>(fields);
    body.put("datasetId", dataset);
    body.put("name", name);
    body.put("epochs", 2);
    var response =
        page.request().post(app.url() + "api/runs", RequestOptions.create().setData(body));
    assertEquals(201, response.status(), response.text());
    return JSON.readTree(response.text()).path("id").asLong();
  }

  private static void awaitState(Page page, long run, String state) throws Exception {
    long deadline = System.currentTimeMillis() + 240_000;
    String seen = "";
    while (System.currentTimeMillis() < deadline) {
      JsonNode r = JSON.readTree(page.request().get(app.url() + "api/runs/" + run).text());
      seen = r.path("state").asText();
      if (seen.equals(state)) {
        return;
      }
      assertTrue(!seen.equals("failed"), "run " + run + " failed: " + r.path("failureReason"));
      Thread.sleep(500);
    }
    throw new AssertionError("run " + run + " is " + seen + ", not " + state);
  }

  @Test
  @Order(3)
  void theLeadFiltersComparesApprovesAndExports() throws Exception {
    Page page = login("lena", passwords.get("lena"));
    // Issue 35: the lead is told of the review Max asked for, and the run table leads to it.
    assertThat(page.getByTestId("unread")).hasText("1");
    assertThat(page.getByTestId("waiting-for-review")).hasText("1 waiting for your review");
    page.getByTestId("waiting-for-review").click();
    assertThat(page.locator("table.runs tbody tr")).hasCount(1);
    assertThat(page.locator("table.runs tbody tr")).containsText("more weight decay");
    page.navigate(app.url() + "#/notifications");
    assertThat(page.getByTestId("notices"))
        .containsText("max asks you to review run #" + runs.get(1) + " “more weight decay”");
    page.navigate(app.url() + "#/runs");
    page.getByLabel("Search runs by name").fill("weight");
    assertThat(page.locator("table.runs tbody tr")).hasCount(1);
    assertTrue(page.url().contains("q=weight"), "the filter is in the URL: " + page.url());
    page.getByLabel("Search runs by name").fill("");
    page.locator("button[data-sort=name]").click();
    assertTrue(page.url().contains("sort=name"), page.url());
    for (long run : runs) {
      page.getByLabel("Select run #" + run).check();
    }
    page.getByTestId("compare-selected").click();
    page.waitForURL(Pattern.compile(".*#/compare\\?runs=.*"));
    page.waitForSelector("[data-testid=compare-ready]");
    assertThat(page.getByTestId("compare-summary"))
        .containsText("#" + runs.get(1) + " raised weight decay 1e-4 -> 5e-4");
    assertThat(page.getByTestId("compare-summary")).containsText("added CutMix alpha 1");
    assertThat(page.getByTestId("compare-summary")).containsText("Best: #");
    assertThat(page.locator("[data-testid=compare-diff] tr[data-field=weightDecay]"))
        .containsText("(T9)");
    assertThat(page.locator("[data-testid=compare-diff] tr[data-field=cutmixAlpha]")).isVisible();
    assertThat(page.getByTestId("compare-results").locator("tbody tr")).hasCount(3);
    assertThat(page.getByTestId("compare-results")).containsText("<b>cutmix</b>");
    assertThat(page.getByTestId("compare-recall")).containsText("points");
    page.waitForFunction(
        "() => Number(document.querySelector('[data-testid=compare-chart-valAccuracy]').dataset.points) >= 6");
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SHOTS.resolve("team-2-compare.png"))
            .setFullPage(true));

    Download csv = page.waitForDownload(() -> page.getByTestId("export-csv").click());
    String table = Files.readString(csv.path());
    assertEquals(4, table.split("\r\n").length, table);
    Download report = page.waitForDownload(() -> page.getByTestId("export-html").click());
    Path html = Path.of("target/team-compare-report.html");
    report.saveAs(html);

    page.navigate(app.url() + "#/runs/" + runs.get(1));
    page.getByLabel("Review comment").fill("Lower overfitting gap, ship it");
    page.getByTestId("approve").click();
    assertThat(page.getByTestId("review-decision")).containsText("approved by lena");
    assertThat(page.getByTestId("review-decision")).containsText("Lower overfitting gap, ship it");
    page.getByTestId("archive").click();
    page.navigate(app.url() + "#/runs");
    assertThat(page.locator("table.runs tbody tr")).hasCount(2);
    page.getByLabel("Show archived").check();
    assertThat(page.locator("table.runs tbody tr")).hasCount(3);

    // The report opens in a browser with no network at all.
    BrowserContext offline = browser.newContext();
    offline.setOffline(true);
    Page reader = offline.newPage();
    reader.navigate(html.toUri().toString());
    assertThat(reader.locator("#summary")).containsText("raised weight decay");
    assertThat(reader.locator("svg polyline").first()).isVisible();
    assertThat(reader.locator("body")).containsText("<b>cutmix</b>");
    assertEquals(0, reader.locator("b").count(), "a run's name is text, never markup");
    reader.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve("team-3-report.png")).setFullPage(true));
    offline.close();
    page.context().close();
  }

  @Test
  @Order(4)
  void theAdminAddsASignedWebhookAndTheMemberHearsTheDecision() throws Exception {
    List<String[]> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/kiln",
        exchange -> {
          received.add(
              new String[] {
                exchange.getRequestHeaders().getFirst("Kiln-Signature"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
              });
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    try {
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/kiln";
      // A lead may not point a webhook inside the network; the page says why.
      Page lead = login("lena", passwords.get("lena"));
      lead.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Webhooks")).click();
      lead.locator("#webhook-url").fill(url);
      lead.getByTestId("add-webhook").click();
      assertThat(lead.getByTestId("webhook-status")).containsText("only an admin may allow it");
      lead.context().close();

      Page admin = login("admin", KilnApp.PASSWORD);
      admin.navigate(app.url() + "#/webhooks");
      admin.locator("#webhook-url").fill(url);
      admin
          .locator("#webhook-team")
          .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("Vision"));
      admin.getByLabel("Allow a private or internal address").check();
      admin.getByTestId("add-webhook").click();
      assertThat(admin.getByTestId("webhook-status")).containsText("Added");
      String secret = admin.locator("[data-testid^=webhook-] code").first().textContent().trim();
      admin.locator("[data-testid^=test-webhook-]").first().click();
      long deadline = System.currentTimeMillis() + 20_000;
      while (received.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(1, received.size(), "the test delivery arrived");
      assertTrue(
          io.kiln.core.notify.WebhookSignature.verify(
              secret,
              received.get(0)[0],
              received.get(0)[1],
              System.currentTimeMillis() / 1000,
              300),
          "signed with the secret the page shows: " + received.get(0)[0]);
      admin.getByText("Deliveries").first().click();
      assertThat(admin.getByTestId("deliveries")).containsText("delivered");
      assertThat(admin.getByTestId("deliveries")).containsText("204");
      admin.screenshot(
          new Page.ScreenshotOptions()
              .setPath(SHOTS.resolve("team-4-webhooks.png"))
              .setFullPage(true));
      admin.context().close();

      // Max hears that Lena approved the run he asked about.
      Page max = login("max", passwords.get("max"));
      assertThat(max.getByTestId("unread")).hasText("1");
      max.getByTestId("bell").click();
      assertThat(max.getByTestId("notices"))
          .containsText("lena approved run #" + runs.get(1) + " “more weight decay”");
      max.screenshot(
          new Page.ScreenshotOptions()
              .setPath(SHOTS.resolve("team-5-notices.png"))
              .setFullPage(true));
      max.context().close();
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  @Order(5)
  void aMemberOfAnotherTeamCannotReachTheRuns() {
    Page page = login("olga", passwords.get("olga"));
    assertThat(page.locator("table.runs")).hasCount(0);
    page.navigate(app.url() + "#/runs/" + runs.get(0));
    assertThat(page.getByRole(AriaRole.ALERT).first()).containsText("does not exist");
    assertEquals(404, page.request().get(app.url() + "api/runs/" + runs.get(0)).status());
    assertEquals(
        404, page.request().get(app.url() + "api/runs/" + runs.get(0) + "/model").status());
    assertEquals(
        404,
        page.request()
            .get(app.url() + "api/compare?runs=" + runs.get(0) + "," + runs.get(1))
            .status());
    page.context().close();
  }
}
