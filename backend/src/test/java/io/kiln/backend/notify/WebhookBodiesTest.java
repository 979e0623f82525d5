package io.kiln.backend.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookBodiesTest {
  @Test
  void aSlackMessageShowsARunsNameAsTextNeverAsAMentionOrLink() {
    NotifyEvent event = new NotifyEvent();
    event.id = 4L;
    event.kind = "run-cancelled";
    event.createdAt = Instant.EPOCH;
    Map<String, Object> payload =
        Map.of("run", Map.of("id", 9, "name", "<!channel> & <https://evil.example|open me>"));
    assertEquals(
        Map.of(
            "text",
            "Kiln: run #9 \"&lt;!channel&gt; &amp; &lt;https://evil.example|open me&gt;\" was"
                + " cancelled"),
        WebhookBodies.body(Webhook.SLACK, 1, event, payload));
    assertEquals(
        "Kiln: run #9 \"<!channel> & <https://evil.example|open me>\" was cancelled",
        WebhookBodies.body(Webhook.KILN, 1, event, payload).get("text"),
        "Kiln's JSON carries the name as it is");
  }
}
