package io.kiln.backend.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** A client that dies half way through an upload leaves no file and no row behind. */
@QuarkusTest
class InterruptedUploadTest {
  @ConfigProperty(name = "kiln.data-dir")
  String dataDir;

  @Test
  void anUploadCutOffHalfWayLeavesNothing() throws Exception {
    int rows = Api.as().get("/api/datasets").jsonPath().getList("$").size();
    List<Path> before = files();
    String boundary = "kiln-test-boundary";
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long declared = 64L << 20;
    try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/datasets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + Api.token()
                  + "\r\nContent-Type: multipart/form-data; boundary="
                  + boundary
                  + "\r\nContent-Length: "
                  + declared
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(head);
      out.write(new byte[] {'P', 'K', 3, 4});
      byte[] chunk = new byte[1 << 16];
      for (int i = 0; i < 80; i++) {
        out.write(chunk);
      }
      out.flush();
      Thread.sleep(300);
    }
    List<Path> after = files();
    for (int i = 0; i < 100 && !after.equals(before); i++) {
      Thread.sleep(100);
      after = files();
    }
    assertEquals(before, after, "the partial upload's temporary file is gone");
    assertEquals(rows, Api.as().get("/api/datasets").jsonPath().getList("$").size());
  }

  private List<Path> files() throws Exception {
    Path root = Path.of(dataDir);
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(root.resolve("db")))
          .sorted()
          .toList();
    }
  }
}
