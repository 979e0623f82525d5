package io.kiln.backend.notify;

import io.kiln.core.i18n.Messages;
import io.kiln.core.i18n.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An event as an e-mail in the reader's language (core's messages {@code mail.*}): its subject, a
 * plain-text body and the same as HTML, each with the link to the run, dataset or agent where Kiln
 * knows its public address.
 */
final class MailBodies {
  record Mail(String subject, String text, String html) {}

  private MailBodies() {}

  @SuppressWarnings("unchecked")
  static Mail of(String kind, Map<String, Object> payload, String language) {
    Messages m = Messages.of("zh-CN".equals(language) ? Messages.CHINESE : Locale.ENGLISH);
    Map<String, Object> run = (Map<String, Object>) payload.getOrDefault("run", Map.of());
    Map<String, Object> ask = (Map<String, Object>) payload.getOrDefault("request", Map.of());
    Map<String, Object> review = (Map<String, Object>) payload.getOrDefault("review", Map.of());
    Map<String, Object> check = (Map<String, Object>) payload.getOrDefault("check", Map.of());
    Map<String, Object> agent = (Map<String, Object>) payload.getOrDefault("agent", Map.of());
    Map<String, Object> best = (Map<String, Object>) payload.getOrDefault("best", Map.of());
    Object by = ask.getOrDefault("by", review.getOrDefault("by", payload.get("by")));
    List<Object> args =
        new ArrayList<>(
            List.of(
                "id",
                run.getOrDefault("id", ""),
                "name",
                run.getOrDefault("name", ""),
                "accuracy",
                run.get("bestValAccuracy") instanceof Number v
                    ? String.format(Locale.ROOT, "%.1f %%", v.doubleValue() * 100)
                    : "-",
                "reason",
                check.isEmpty()
                    ? String.valueOf(run.getOrDefault("failureReason", ""))
                    : String.valueOf(
                        check.get("reason") == null ? check.get("state") : check.get("reason")),
                "by",
                by == null ? "" : by,
                "note",
                quote(m, ask.get("note")),
                "comment",
                quote(m, review.get("comment")),
                "decision",
                review.get("decision") == null
                    ? ""
                    : m.format(Text.of("mail.decision." + review.get("decision"))),
                "dataset",
                check.getOrDefault("dataset", ""),
                "issues",
                check.getOrDefault("issues", 0),
                "agent",
                agent.isEmpty() ? "" : "#" + agent.get("id") + " " + agent.get("name"),
                "best",
                best.isEmpty() ? "" : "#" + best.get("id"),
                "bestAccuracy",
                best.get("bestValAccuracy") instanceof Number b
                    ? String.format(Locale.ROOT, "%.1f %%", b.doubleValue() * 100)
                    : "-"));
    Object[] a = args.toArray();
    String bodyKind =
        kind.equals("label-check-finished") && !"succeeded".equals(check.get("state"))
            ? "label-check-ended"
            : kind;
    String subject = m.format(Text.of("mail.subject." + kind, a));
    String sentence = m.format(Text.of("mail.body." + bodyKind, a));
    Object link = payload.get("link");
    String why = m.format(Text.of("mail.why"));
    String text =
        sentence
            + "\n\n"
            + (link == null ? "" : m.format(Text.of("mail.open", "link", link)) + "\n\n")
            + "-- \n"
            + why
            + "\n";
    String html =
        "<!doctype html><html><body style=\"font-family:sans-serif\"><p>"
            + escape(sentence)
            + "</p>"
            + (link == null
                ? ""
                : "<p><a href=\""
                    + escape(link.toString())
                    + "\">"
                    + escape(link.toString())
                    + "</a></p>")
            + "<p style=\"color:#6b7280;font-size:small\">"
            + escape(why)
            + "</p></body></html>";
    return new Mail(subject, text, html);
  }

  private static String quote(Messages m, Object text) {
    return text == null || text.toString().isBlank()
        ? ""
        : m.format(Text.of("mail.quote", "text", text));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
