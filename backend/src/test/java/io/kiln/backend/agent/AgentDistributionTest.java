package io.kiln.backend.agent;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The Agents page offers the agent as one zip: kiln-agent.jar beside the lib/ folder its manifest
 * names, under one folder, so the shown command works as copied after unzip (issue 31).
 */
@QuarkusTest
class AgentDistributionTest {
  /** kiln.agents.distribution in the test profile. */
  private static final Path FOLDER = Path.of("target/agent-distribution");

  @Test
  void anAdminDownloadsTheAgentWithItsLibrariesAsOneZip() throws Exception {
    deleteTree(FOLDER);
    Api.as()
        .get("/api/agents/distribution/about")
        .then()
        .statusCode(200)
        .body("available", equalTo(false));
    Api.as()
        .get("/api/agents/distribution")
        .then()
        .statusCode(404)
        .body("error", containsString("KILN_AGENTS_DISTRIBUTION"));

    Files.createDirectories(FOLDER.resolve("lib"));
    Files.writeString(FOLDER.resolve("kiln-agent.jar"), "agent");
    Files.writeString(FOLDER.resolve("lib/core.jar"), "core");
    Files.writeString(FOLDER.resolve("lib/readme.txt"), "not a library");
    Api.as()
        .get("/api/agents/distribution/about")
        .then()
        .statusCode(200)
        .body("available", equalTo(true))
        .body("sizeBytes", equalTo(9));

    var response = Api.as().get("/api/agents/distribution");
    response.then().statusCode(200).header("Content-Disposition", containsString("kiln-agent.zip"));
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream zip =
        new ZipInputStream(new ByteArrayInputStream(response.asByteArray()))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertEquals(
        Map.of("kiln-agent/kiln-agent.jar", "agent", "kiln-agent/lib/core.jar", "core"), entries);
    assertArrayEquals(
        new String[] {"kiln-agent/kiln-agent.jar", "kiln-agent/lib/core.jar"},
        entries.keySet().toArray());
  }

  @Test
  void onlyAdminsMayDownloadIt() {
    People.Person member = People.create("member", People.team("distribution"));
    member.as().get("/api/agents/distribution").then().statusCode(403);
    member.as().get("/api/agents/distribution/about").then().statusCode(403);
  }

  private static void deleteTree(Path root) throws Exception {
    if (Files.exists(root)) {
      try (var files = Files.walk(root)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
