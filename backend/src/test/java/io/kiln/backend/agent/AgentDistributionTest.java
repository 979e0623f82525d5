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
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/core.jar");
    try (JarOutputStream jar =
        new JarOutputStream(Files.newOutputStream(FOLDER.resolve("kiln-agent.jar")), manifest)) {
      jar.putNextEntry(new ZipEntry("io/kiln/agent/AgentMain.class"));
      jar.write(new byte[] {1, 2, 3});
    }
    Files.writeString(FOLDER.resolve("lib/core.jar"), "core");
    // Left by an older build: the manifest does not name it, so it is not shipped.
    Files.writeString(FOLDER.resolve("lib/stale.jar"), "old");
    long size = Files.size(FOLDER.resolve("kiln-agent.jar")) + 4;
    Api.as()
        .get("/api/agents/distribution/about")
        .then()
        .statusCode(200)
        .body("available", equalTo(true))
        .body("sizeBytes", equalTo((int) size));

    var response = Api.as().get("/api/agents/distribution");
    response.then().statusCode(200).header("Content-Disposition", containsString("kiln-agent.zip"));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream zip =
        new ZipInputStream(new ByteArrayInputStream(response.asByteArray()))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    }
    assertEquals(
        List.of("kiln-agent/kiln-agent.jar", "kiln-agent/lib/core.jar"),
        List.copyOf(entries.keySet()));
    assertArrayEquals(
        Files.readAllBytes(FOLDER.resolve("kiln-agent.jar")),
        entries.get("kiln-agent/kiln-agent.jar"));
    assertEquals(
        "core", new String(entries.get("kiln-agent/lib/core.jar"), StandardCharsets.UTF_8));

    // A library the manifest names but lib/ lacks: nothing to offer rather than a broken agent.
    Files.delete(FOLDER.resolve("lib/core.jar"));
    Api.as().get("/api/agents/distribution/about").then().body("available", equalTo(false));
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
