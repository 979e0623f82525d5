package io.kiln.backend.dataset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestZips;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DatasetResourceTest {
  @ConfigProperty(name = "kiln.data-dir")
  String dataDir;

  @Test
  void uploadReturnsClassesAndCounts() {
    byte[] zip = TestZips.create().images("cats", 5).images("dogs", 3).file(".DS_Store", new byte[] {1})
        .file("__MACOSX/cats/._0.png", new byte[] {2}).file(".git/config", new byte[] {3}).bytes();
    Number id = Api.upload(zip, "pets.zip").then().statusCode(201)
        .body("name", equalTo("pets"))
        .body("classNames", equalTo(List.of("cats", "dogs")))
        .body("classCounts.cats", equalTo(5))
        .body("classCounts.dogs", equalTo(3))
        .body("imageCount", equalTo(8))
        .extract().path("id");
    Api.as().get("/api/datasets/" + id).then().statusCode(200).body("imageCount", equalTo(8));
    Api.as().get("/api/datasets").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id.intValue()));
    assertEquals(true, Files.exists(Path.of(dataDir, "datasets", id + ".zip")));
  }

  @Test
  void aWrappingFolderIsUnderstood() {
    byte[] zip = TestZips.create().images("photos/cats", 2).images("photos/dogs", 2).bytes();
    Api.upload(zip, "photos.zip").then().statusCode(201).body("classNames", equalTo(List.of("cats", "dogs")));
  }

  @Test
  void aNameCanBeGiven() {
    byte[] zip = TestZips.create().images("a", 2).images("b", 2).bytes();
    Api.as().multiPart("file", "x.zip", zip, "application/zip").multiPart("name", "My letters")
        .post("/api/datasets").then().statusCode(201).body("name", equalTo("My letters"));
  }

  static Stream<Arguments> badArchives() {
    return Stream.of(
        Arguments.of("not a zip", "hello, I am text".getBytes(StandardCharsets.UTF_8), "not a valid zip"),
        Arguments.of("empty zip", TestZips.create().bytes(), "no class folders"),
        Arguments.of("no class folders", TestZips.create().png("a.png", 1).png("b.png", 2).bytes(),
            "not inside a class folder"),
        Arguments.of("one class", TestZips.create().images("cats", 4).bytes(), "only one class"),
        Arguments.of("path escape", TestZips.create().images("cats", 2).png("../evil/x.png", 3).bytes(),
            "points outside the archive"),
        Arguments.of("absolute path", TestZips.create().images("cats", 2).png("/etc/x.png", 3).bytes(),
            "points outside the archive"),
        Arguments.of("undecodable image", TestZips.create().images("cats", 2).images("dogs", 2)
            .file("dogs/broken.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2}).bytes(),
            "'dogs/broken.png' is not a decodable image"),
        Arguments.of("not an image", TestZips.create().images("cats", 2).images("dogs", 2)
            .file("dogs/notes.txt", "hi".getBytes(StandardCharsets.UTF_8)).bytes(), "'dogs/notes.txt' is not an image"),
        Arguments.of("html in class name", TestZips.create().images("cats", 2).images("<b>dogs</b>", 2).bytes(),
            "is not allowed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArchives")
  void badArchivesAreRefusedAndLeaveNothingBehind(String label, byte[] zip, String expected) throws IOException {
    int datasetsBefore = Api.as().get("/api/datasets").jsonPath().getList("$").size();
    long filesBefore = fileCount();
    Api.upload(zip, label + ".zip").then().statusCode(400).contentType(ContentType.JSON)
        .body("error", containsString(expected));
    assertEquals(datasetsBefore, Api.as().get("/api/datasets").jsonPath().getList("$").size(), "no row added");
    assertEquals(filesBefore, fileCount(), "no file added");
  }

  @Test
  void missingFileFieldIsExplained() {
    Api.as().multiPart("name", "nothing").post("/api/datasets").then().statusCode(400)
        .body("error", containsString("multipart field 'file'"));
  }

  @Test
  void unknownDatasetIsA404() {
    Api.as().get("/api/datasets/987654").then().statusCode(404).body("error", equalTo("dataset 987654 does not exist"));
  }

  private long fileCount() throws IOException {
    Path root = Path.of(dataDir);
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.startsWith(root.resolve("db"))).count();
    }
  }

  @Test
  void servesOneImageOfTheCanonicalArchiveByName() {
    long id = Api.uploadValid("images");
    byte[] png = Api.as().get("/api/datasets/" + id + "/images?path=cats/0.png").then().statusCode(200)
        .contentType("image/png").extract().asByteArray();
    org.junit.jupiter.api.Assertions.assertEquals((byte) 0x89, png[0], "a PNG");
    Api.as().get("/api/datasets/" + id + "/images?path=cats/../../etc/passwd").then().statusCode(404);
    Api.as().get("/api/datasets/" + id + "/images").then().statusCode(400);
    io.restassured.RestAssured.given().get("/api/datasets/" + id + "/images?path=cats/0.png").then().statusCode(401);
  }
}
