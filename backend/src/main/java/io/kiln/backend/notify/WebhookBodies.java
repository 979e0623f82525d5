package io.kiln.backend.notify;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a webhook receives: Kiln's JSON (the event's payload with its delivery and event ids, its
 * time and a one-line text) or a Slack-compatible message ({@code {"text": ...}}).
 */
final class WebhookBodies {
  private WebhookBodies() {}

  static Map<String, Object> body(
      String format, long deliveryId, NotifyEvent event, Map<String, Object> payload) {
    String text = text(event.kind, payload);
    if (Webhook.SLACK.equals(format)) {
      // Slack reads <...> as links and mentions (<!channel>): a run's name is text, never markup.
      return Map.of("text", slackEscape(text));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("delivery", deliveryId);
    body.put("event", event.id);
    body.put("occurredAt", event.createdAt.toString());
    body.put("text", text);
    body.putAll(payload);
    return body;
  }

  static String slackEscape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The event in one English line, with the run's link where Kiln knows its public address. */
  @SuppressWarnings("unchecked")
  static String text(String kind, Map<String, Object> payload) {
    Map<String, Object> run = (Map<String, Object>) payload.getOrDefault("run", Map.of());
    String name = "run #" + run.get("id") + " \"" + run.get("name") + "\"";
    String line =
        switch (kind) {
          case "run-succeeded" ->
              "Kiln: "
                  + name
                  + " succeeded"
                  + (run.get("bestValAccuracy") instanceof Number v
                      ? String.format(
                          Locale.ROOT, ", best validation accuracy %.1f %%", v.doubleValue() * 100)
                      : "");
          case "run-failed" ->
              "Kiln: "
                  + name
                  + " failed"
                  + (run.get("failureReason") instanceof String r ? ": " + r : "");
          case "run-cancelled" -> "Kiln: " + name + " was cancelled";
          case "autopilot-finished" -> {
            Map<String, Object> best = (Map<String, Object>) payload.get("best");
            yield "Kiln: the autopilot finished after "
                + name
                + "; its best is run #"
                + best.get("id")
                + (best.get("bestValAccuracy") instanceof Number v
                    ? String.format(Locale.ROOT, " (%.1f %%)", v.doubleValue() * 100)
                    : "");
          }
          case "run-waiting" -> "Kiln: " + name + " has waited over an hour and no agent took it";
          case "agent-offline" -> {
            Map<String, Object> agent = (Map<String, Object>) payload.get("agent");
            yield "Kiln: agent #"
                + agent.get("id")
                + " "
                + agent.get("name")
                + " stopped answering";
          }
          case "review-requested" -> {
            Map<String, Object> ask = (Map<String, Object>) payload.get("request");
            String note = ask == null ? "" : String.valueOf(ask.get("note"));
            yield "Kiln: "
                + (ask == null ? "someone" : ask.get("by"))
                + " asks for a review of "
                + name
                + (note.isBlank() ? "" : ": " + note);
          }
          case "review-decided" -> {
            Map<String, Object> review = (Map<String, Object>) payload.get("review");
            yield "Kiln: "
                + name
                + " was "
                + (review == null
                    ? "reviewed"
                    : review.get("decision") + " by " + review.get("by"));
          }
          case "label-check-finished" -> {
            Map<String, Object> check = (Map<String, Object>) payload.get("check");
            yield "Kiln: the label check of "
                + check.get("dataset")
                + ("succeeded".equals(check.get("state"))
                    ? " found " + check.get("issues") + " photo(s) that may be in the wrong class"
                    : " "
                        + check.get("state")
                        + (check.get("reason") == null ? "" : ": " + check.get("reason")));
          }
          case "agent-revoked" -> {
            Map<String, Object> agent = (Map<String, Object>) payload.get("agent");
            yield "Kiln: agent #"
                + agent.get("id")
                + " "
                + agent.get("name")
                + " was revoked by "
                + payload.get("by");
          }
          case "test" -> "Kiln: a test delivery of this webhook";
          default -> "Kiln: " + kind;
        };
    Object link = payload.get("link");
    return link == null ? line : line + " " + link;
  }
}
