package io.kiln.backend.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** The downloaded model carries its card, MODEL.md, next to what the agent uploaded. */
@QuarkusTest
class ModelDownloadTest {
  @TestHTTPResource("/")
  URI base;

  @Test
  void theDownloadHoldsTheAgentsFilesAndAModelCard() throws Exception {
    byte[] params = {9, 8, 7, 6};
    long runId =
        TestAgent.succeededRunWithModel(
            base,
            "card run",
            Map.of(
                "kiln-0000.params",
                params,
                "kiln-model.json",
                ("{\"architecture\":\"small-cnn\",\"classNames\":[\"cats\",\"dogs\"],"
                        + "\"inputShape\":[3,32,32],\"mean\":[0.5,0.4,0.3],"
                        + "\"std\":[0.2,0.2,0.2]}")
                    .getBytes(StandardCharsets.UTF_8)));
    byte[] download =
        Api.as()
            .get("/api/runs/" + runId + "/model")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    Map<String, byte[]> files = unzip(download);
    assertEquals(
        java.util.Set.of("kiln-0000.params", "kiln-model.json", "MODEL.md"), files.keySet());
    assertArrayEquals(params, files.get("kiln-0000.params"));
    String card = new String(files.get("MODEL.md"), StandardCharsets.UTF_8);
    assertTrue(card.startsWith("# card run (Kiln run " + runId + ")"), card);
    assertTrue(card.contains("2 classes: cats, dogs"), card);
    assertTrue(card.contains("Resize to 32 x 32"), card);
    assertTrue(card.contains("(0.5000, 0.4000, 0.3000)"), card);
  }

  private static Map<String, byte[]> unzip(byte[] bytes) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        files.put(entry.getName(), in.readAllBytes());
      }
    }
    return files;
  }
}
