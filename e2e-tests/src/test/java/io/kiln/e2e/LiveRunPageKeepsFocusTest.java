package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.kiln.fixtures.ProtocolClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A keyboard user on a live run page keeps the focus while points arrive: an agent (driven step by
 * step over the real protocol) sends four points a second for 10 s, with an epoch's point every
 * tenth step, while the Cancel button has the focus (issue 31).
 */
class LiveRunPageKeepsFocusTest {
  @Test
  void focusOnCancelSurvivesTenSecondsOfLivePoints() throws Exception {
    try (RemoteFleet fleet = new RemoteFleet("focus", Map.of());
        Playwright playwright = Playwright.create();
        Browser browser = Chromium.launch(playwright)) {
      fleet.startBackend("backend.log");
      long runId = fleet.queueFashionRun(5, 20);
      String credential = fleet.enroll("focus");
      try (ProtocolClient agent = fleet.agent(credential)) {
        agent.send(new AgentMessage.ClaimRun());
        BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
        // Heartbeats keep the lease while the test drives the page (the fleet's lease is 30 s).
        var beats =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread beat = new Thread(r, "heartbeats");
                  beat.setDaemon(true);
                  return beat;
                });
        beats.scheduleAtFixedRate(
            () -> agent.send(new AgentMessage.Heartbeat(runId)),
            0,
            2,
            java.util.concurrent.TimeUnit.SECONDS);
        long seq = a.nextSeq();
        agent.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", 20, 10));
        agent.points(runId, seq, 1, 5);
        seq += 5;

        Page page = browser.newPage();
        fleet.openAsAdmin(page, "#/runs/" + runId);
        page.setDefaultTimeout(15_000);
        try {
          page.locator("[data-testid=cancel-run]").focus();
        } catch (RuntimeException e) {
          page.screenshot(
              new Page.ScreenshotOptions().setPath(fleet.work.resolve("no-cancel.png")));
          throw e;
        }
        page.evaluate("() => document.activeElement.setAttribute('data-focus-mark', '1')");

        int step = 6;
        for (int i = 0; i < 40; i++) {
          agent.send(
              new AgentMessage.MetricReport(
                  runId,
                  seq++,
                  MetricKind.STEP,
                  1 + step / 10,
                  step,
                  Map.of(Metric.LOSS.key(), 1.0 / step, Metric.IMAGES_PER_SECOND.key(), 100.0 + i),
                  System.currentTimeMillis()));
          if (step % 10 == 0) {
            agent.send(
                new AgentMessage.MetricReport(
                    runId,
                    seq++,
                    MetricKind.EPOCH,
                    step / 10,
                    step,
                    Map.of(
                        Metric.TRAIN_ACCURACY.key(), 0.5,
                        Metric.VAL_ACCURACY.key(), 0.5,
                        Metric.TRAIN_LOSS.key(), 1.0,
                        Metric.VAL_LOSS.key(), 1.0),
                    System.currentTimeMillis()));
          }
          step++;
          Thread.sleep(250);
        }
        assertTrue(
            Integer.parseInt(
                    page.locator("[data-testid=chart-step-loss]").getAttribute("data-points"))
                >= 40,
            "the points reached the page");
        assertEquals(
            "cancel-run",
            page.evaluate(
                "() => document.activeElement && document.activeElement.hasAttribute('data-focus-mark')"
                    + " ? document.activeElement.getAttribute('data-testid') : 'lost'"),
            "the Cancel button kept the focus (and was not rebuilt) for 10 s of live points");
        beats.shutdownNow();
      }
    }
  }
}
