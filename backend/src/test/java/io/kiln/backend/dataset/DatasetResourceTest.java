package io.kiln.backend.dataset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestArchives;
import io.kiln.backend.support.TestZips;
import io.kiln.fixtures.HostileImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DatasetResourceTest {
  @jakarta.inject.Inject io.kiln.backend.common.DecodeMemory decoding;

  @ConfigProperty(name = "kiln.data-dir")
  String dataDir;

  @Test
  void uploadReportsClassesSplitsStatisticsAndGallery() throws IOException {
    byte[] zip =
        TestZips.create()
            .images("cats", 20)
            .images("dogs", 10)
            .file(".DS_Store", new byte[] {1})
            .file("__MACOSX/cats/._0.png", new byte[] {2})
            .file(".git/config", new byte[] {3})
            .bytes();
    JsonPath body =
        Api.upload(zip, "pets.zip")
            .then()
            .statusCode(201)
            .body("name", equalTo("pets"))
            .body("version", equalTo(1))
            .body("classNames", equalTo(List.of("cats", "dogs")))
            .body("classCounts.cats", equalTo(20))
            .body("imageCount", equalTo(30))
            .body("splitCounts.train.cats", equalTo(16))
            .body("splitCounts.val.cats", equalTo(2))
            .body("splitCounts.test.cats", equalTo(2))
            .body("splitCounts.train.dogs", equalTo(8))
            .body("splitCounts.val.dogs", equalTo(1))
            .body("splitCounts.test.dogs", equalTo(1))
            .body("split.mode", equalTo("auto"))
            .body("split.valPercent", equalTo(10))
            .body("split.seed", equalTo(42))
            .body("statistics.imbalanceRatio", equalTo(2.0f))
            .body("statistics.sizes.'8 x 8'", equalTo(30))
            .body("statistics.channels.'1'", equalTo(30))
            .body("findings.kind", equalTo(List.of("system-files")))
            .body("findings[0].fileCount", equalTo(3))
            .body("findings[0].action", equalTo("ignored them"))
            .extract()
            .jsonPath();
    long id = body.getLong("id");
    assertEquals(body.getLong("id"), body.getLong("lineageId"));
    List<String> gallery = body.getList("gallery.cats");
    assertEquals(8, gallery.size());
    assertTrue(gallery.stream().allMatch(p -> p.startsWith("train/cats/")), gallery.toString());
    byte[] thumb =
        Api.as()
            .get("/api/datasets/" + id + "/thumbnails?path=" + gallery.get(0))
            .then()
            .statusCode(200)
            .contentType("image/png")
            .extract()
            .asByteArray();
    assertEquals((byte) 0x89, thumb[0]);
    Api.as()
        .get("/api/datasets/" + id)
        .then()
        .statusCode(200)
        .body("versions.version", equalTo(List.of(1)));
    Api.as().get("/api/datasets").then().statusCode(200).body("id", hasItem((int) id));
    try (ZipFile canonical = new ZipFile(archive(id).toFile())) {
      assertTrue(
          canonical.getEntry("kiln-dataset.json") != null,
          "the manifest tells agents about the splits");
      assertEquals(31, canonical.size());
    }
  }

  /**
   * Names are people's words and photos come as WebP, TIFF or HEIC (issue 14): ampersands, quotes,
   * angle brackets and backticks are kept as they are; WebP and TIFF are read; HEIC is named with
   * its count and how to convert.
   */
  @Test
  void peoplesNamesAndWebpAndTiffPhotosAreAcceptedAndHeicIsNamed() throws Exception {
    String salt = "salt & pepper";
    String odd = "\"odd\" <one> `x`";
    TestZips zip = TestZips.create();
    for (String name : List.of("speckled0", "speckled1", "speckled2")) {
      zip.file(salt + "/" + name + ".webp", resource(name + ".webp"));
    }
    for (int i = 0; i < 3; i++) {
      zip.file(odd + "/<img src=x onerror=alert(" + i + ")>.tiff", tiff(i));
    }
    zip.file(salt + "/IMG_0001.HEIC", new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
    zip.file(salt + "/IMG_0002.heic", new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
    JsonPath body =
        Api.upload(zip.bytes(), "people.zip")
            .then()
            .statusCode(201)
            .body("classNames", equalTo(List.of(odd, salt)))
            .body("classCounts.'" + salt + "'", equalTo(3))
            .extract()
            .jsonPath();
    Map<String, Object> heic = body.getMap("findings.find { it.kind == 'unsupported-format' }");
    assertEquals(2, heic.get("fileCount"));
    assertTrue(((String) heic.get("message")).startsWith("2 HEIC photos"), heic.toString());
    assertTrue(((String) heic.get("advice")).contains("JPEG"), heic.toString());

    // Only HEIC photos: refused, saying what they are and what to do.
    byte[] onlyHeic =
        TestZips.create()
            .file("cats/a.heic", new byte[] {1})
            .file("dogs/b.heic", new byte[] {2})
            .bytes();
    Api.upload(onlyHeic, "phone.zip")
        .then()
        .statusCode(400)
        .body("error", containsString("2 HEIC photo(s) are in a format Kiln cannot read yet"));
  }

  /**
   * Issue 30: a 64-megapixel 16-bit PNG is 512 MB decoded whole, 16 times the tests' decode budget;
   * it is checked and thumbnailed read subsampled, within the budget, and kept at its real size.
   */
  @Test
  void aHugePictureIsCheckedWithinTheDecodeBudget() throws Exception {
    byte[] huge = HostileImages.uniformPng16(8000, 8000, 40000, 20000, 10000, 65535);
    TestZips zip = TestZips.create().images("cats", 3).images("dogs", 3);
    zip.file("cats/0-huge.png", huge);
    Api.upload(zip.bytes(), "huge.zip")
        .then()
        .statusCode(201)
        .body("classCounts.cats", equalTo(4))
        .body("statistics.maxWidth", equalTo(8000))
        .body("statistics.channels.'4'", equalTo(1));
    assertEquals(decoding.budget().bytes(), decoding.budget().available(), "all given back");
  }

  private static byte[] resource(String name) throws IOException {
    try (var in = DatasetResourceTest.class.getResourceAsStream("/images/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] tiff(int seed) throws IOException {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_INT_RGB);
    image.setRGB(seed, seed, 0xffffff);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "tiff", out);
    return out.toByteArray();
  }

  @Test
  void findingsSayWhatWasSkippedAndWhy() {
    byte[] cat1 = TestZips.noise("cats".hashCode() * 7919L + 1, 8, 8);
    byte[] cat0 = TestZips.noise("cats".hashCode() * 7919L, 8, 8);
    byte[] real = TestZips.noise(99, 8, 8);
    byte[] zip =
        TestArchives.create()
            .images("cats", 12)
            .images("dogs", 12)
            .images("frogs", 3)
            .dir("birds")
            .file("dogs/broken.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2})
            .file("dogs/cut.png", Arrays.copyOf(real, real.length - 20))
            .file("dogs/notes.txt", "hi".getBytes())
            .file("cats/copy.png", cat0)
            .file("dogs/cat-again.png", cat1)
            .file("cats/color.jpg", TestZips.jpeg(5, 16, 12))
            .file(
                "cats/sideways.jpg",
                io.kiln.fixtures.Exif.withOrientation(TestZips.jpeg(6, 12, 16), 6))
            .file("loose.png", TestZips.noise(7, 8, 8))
            .zip();
    JsonPath body = Api.upload(zip, "messy.zip").then().statusCode(201).extract().jsonPath();
    Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
    for (Map<String, Object> f : body.<Map<String, Object>>getList("findings")) {
      byKind.put((String) f.get("kind"), f);
    }
    assertEquals(
        new TreeSet<>(
            Set.of(
                "not-an-image",
                "outside-class-folder",
                "truncated",
                "undecodable",
                "conflicting-labels",
                "duplicate-in-class",
                "empty-class",
                "few-images",
                "imbalance",
                "mixed-channels",
                "mixed-sizes",
                "exif-rotation")),
        new TreeSet<>(byKind.keySet()));
    assertEquals(List.of("dogs/broken.png"), byKind.get("undecodable").get("files"));
    assertEquals(List.of("dogs/cut.png"), byKind.get("truncated").get("files"));
    assertEquals(
        List.of("cats/1.png", "dogs/cat-again.png"), byKind.get("conflicting-labels").get("files"));
    assertEquals(List.of("cats/copy.png"), byKind.get("duplicate-in-class").get("files"));
    assertEquals(List.of("birds"), byKind.get("empty-class").get("files"));
    assertEquals(List.of("cats/sideways.jpg"), byKind.get("exif-rotation").get("files"));
    assertEquals(List.of("loose.png"), byKind.get("outside-class-folder").get("files"));
    assertEquals("skipped them", byKind.get("undecodable").get("action"));
    assertTrue(
        ((String) byKind.get("conflicting-labels").get("action"))
            .startsWith("left out every copy"));
    assertTrue(((String) byKind.get("imbalance").get("advice")).contains("Balance classes"));
    assertEquals(List.of("cats", "dogs", "frogs"), body.getList("classNames"));
    assertEquals(
        13,
        body.getInt("classCounts.cats"),
        "12 - cats/1 (conflict) + color + sideways; copy dropped");
    assertEquals(
        12, body.getInt("classCounts.dogs"), "the 12 good ones; broken, cut and the cat are out");
    assertEquals(3, body.getInt("classCounts.frogs"));
    assertEquals(2, body.getMap("statistics.channels").size());
    assertEquals(
        2,
        body.getInt("statistics.sizes.'16 x 12'"),
        "color.jpg, and sideways.jpg 12 x 16 shown upright");
    assertEquals("info", byKind.get("exif-rotation").get("severity"));
    assertTrue(
        ((String) byKind.get("exif-rotation").get("action")).startsWith("turned them upright"));
  }

  @Test
  void splitsAreDeterministicStratifiedAndFollowTheSeed() throws IOException {
    byte[] zip = TestZips.create().images("a", 50).images("b", 30).images("c", 20).bytes();
    long first =
        Api.upload(zip, "abc.zip").then().statusCode(201).extract().jsonPath().getLong("id");
    long again =
        Api.upload(zip, "abc.zip").then().statusCode(201).extract().jsonPath().getLong("id");
    long reseeded =
        Api.as()
            .multiPart("file", "abc.zip", zip, "application/zip")
            .multiPart("seed", "7")
            .post("/api/datasets")
            .then()
            .statusCode(201)
            .body("split.seed", equalTo(7))
            .extract()
            .jsonPath()
            .getLong("id");
    JsonPath view = Api.as().get("/api/datasets/" + first).jsonPath();
    for (String cls : List.of("a", "b", "c")) {
      int n = view.getInt("classCounts." + cls);
      for (String split : List.of("val", "test")) {
        int count = view.getInt("splitCounts." + split + "." + cls);
        assertTrue(
            Math.abs(count - n * 0.1) <= 1, split + " of " + cls + ": " + count + " of " + n);
      }
    }
    assertEquals(names(first, "test/"), names(again, "test/"), "same seed, same test split");
    assertNotEquals(names(first, "test/"), names(reseeded, "test/"), "another seed, another split");
  }

  @Test
  void theUploadersOwnSplitIsKeptLeakageRemovedAndMissingValidationCarved() {
    byte[] leaked = TestZips.noise("data/train/cats".hashCode() * 7919L, 8, 8);
    byte[] zip =
        TestArchives.create()
            .images("data/train/cats", 20)
            .images("data/train/dogs", 20)
            .images("data/test/cats", 4)
            .images("data/test/dogs", 4)
            .file("data/test/cats/leak.png", leaked)
            .tarGz();
    Api.as()
        .multiPart("file", "own.tar.gz", zip, "application/gzip")
        .post("/api/datasets")
        .then()
        .statusCode(201)
        .body("name", equalTo("own"))
        .body("split.mode", equalTo("archive"))
        .body("splitCounts.test.cats", equalTo(4))
        .body("splitCounts.test.dogs", equalTo(4))
        .body("splitCounts.val.cats", equalTo(2))
        .body("splitCounts.train.cats", equalTo(18))
        .body("findings.kind", equalTo(List.of("split-leakage", "split-carved")))
        .body("findings[0].files", equalTo(List.of("data/test/cats/leak.png")));
  }

  @Test
  void aTarGzWithAWrappingFolderIsUnderstood() {
    byte[] tar = TestArchives.create().images("photos/cats", 3).images("photos/dogs", 3).tarGz();
    Api.as()
        .multiPart("file", "photos.tgz", tar, "application/gzip")
        .post("/api/datasets")
        .then()
        .statusCode(201)
        .body("name", equalTo("photos"))
        .body("classNames", equalTo(List.of("cats", "dogs")));
  }

  @Test
  void changesCreateVersionsAndRunsRecordTheirVersion() throws IOException {
    long v1 = Api.uploadValid("versioned");
    Path v1Archive = archive(v1);
    byte[] before = Files.readAllBytes(v1Archive);
    JsonPath v2 =
        Api.as()
            .contentType(ContentType.JSON)
            .body(Map.of("valPercent", 20, "testPercent", 20, "seed", 3))
            .post("/api/datasets/" + v1 + "/versions")
            .then()
            .statusCode(201)
            .body("version", equalTo(2))
            .body("lineageId", equalTo((int) v1))
            .body("name", equalTo("versioned"))
            .body("split.valPercent", equalTo(20))
            .body("imageCount", equalTo(12))
            .extract()
            .jsonPath();
    byte[] more = TestZips.create().images("cats", 8).images("dogs", 8).images("birds", 8).bytes();
    Api.as()
        .multiPart("file", "more.zip", more, "application/zip")
        .multiPart("versionOf", String.valueOf(v1))
        .post("/api/datasets")
        .then()
        .statusCode(201)
        .body("version", equalTo(3))
        .body("name", equalTo("versioned"))
        .body("classNames", equalTo(List.of("birds", "cats", "dogs")));
    Api.as()
        .get("/api/datasets/" + v1)
        .then()
        .statusCode(200)
        .body("version", equalTo(1))
        .body("versions.version", equalTo(List.of(1, 2, 3)))
        .body("imageCount", equalTo(12));
    assertTrue(Arrays.equals(before, Files.readAllBytes(v1Archive)), "version 1 is immutable");
    long run = Api.createRun(Map.of("datasetId", v2.getLong("id"), "epochs", 1));
    Api.as().get("/api/runs/" + run).then().body("datasetVersion", equalTo(2));
    Api.cancelQueuedRuns();
    Api.as()
        .multiPart("file", "more.zip", more, "application/zip")
        .multiPart("versionOf", "987654")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("error", containsString("dataset 987654 does not exist"));
  }

  @Test
  void badSplitSettingsAreRefused() {
    byte[] zip = TestZips.create().images("a", 4).images("b", 4).bytes();
    Api.as()
        .multiPart("file", "x.zip", zip, "application/zip")
        .multiPart("valPercent", "0")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("error", containsString("validation share must be 1-50 %"));
    Api.as()
        .multiPart("file", "x.zip", zip, "application/zip")
        .multiPart("split", "archive")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("error", containsString("no train/val/test folders"))
        .body("findings[-1].kind", equalTo("no-split-folders"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("valPercent", 1.5))
        .post("/api/datasets/1/versions")
        .then()
        .statusCode(400)
        .body("error", equalTo("valPercent must be a whole number"));
  }

  @Test
  void theSampleImportsFashionMnistFromTheDebianPackage() {
    boolean available =
        Api.as().get("/api/datasets/sample").then().statusCode(200).extract().path("available");
    Assumptions.assumeTrue(available, "dataset-fashion-mnist is not installed");
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("size", "huge"))
        .post("/api/datasets/sample")
        .then()
        .statusCode(400)
        .body("error", containsString("'small'"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("size", "small"))
        .post("/api/datasets/sample")
        .then()
        .statusCode(201)
        .body("name", equalTo("Fashion-MNIST sample (2,500 images)"))
        .body("imageCount", equalTo(2500))
        .body("classNames.size()", equalTo(10))
        .body("split.mode", equalTo("archive"))
        .body("statistics.sizes.'28 x 28'", equalTo(2500));
  }

  @Test
  void missingFileFieldIsExplained() {
    Api.as()
        .multiPart("name", "nothing")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("error", containsString("multipart field 'file'"));
  }

  @Test
  void unknownDatasetIsA404() {
    Api.as()
        .get("/api/datasets/987654")
        .then()
        .statusCode(404)
        .body("error", equalTo("dataset 987654 does not exist"));
  }

  @Test
  void servesOneImageOfTheCanonicalArchiveByName() {
    long id = Api.uploadValid("images");
    String path = Api.as().get("/api/datasets/" + id).jsonPath().getString("gallery.cats[0]");
    byte[] png =
        Api.as()
            .get("/api/datasets/" + id + "/images?path=" + path)
            .then()
            .statusCode(200)
            .contentType("image/png")
            .extract()
            .asByteArray();
    assertEquals((byte) 0x89, png[0], "a PNG");
    Api.as()
        .get("/api/datasets/" + id + "/images?path=train/cats/../../etc/passwd")
        .then()
        .statusCode(404);
    Api.as().get("/api/datasets/" + id + "/images").then().statusCode(400);
    io.restassured.RestAssured.given()
        .get("/api/datasets/" + id + "/images?path=" + path)
        .then()
        .statusCode(401);
  }

  /** Where the dataset's archive is stored (its key under the data directory). */
  @Test
  void anArchiveLostFromStorageIsNamedInA410NotA500() throws IOException {
    long id =
        Api.upload(TestZips.create().images("cats", 10).images("dogs", 10).bytes(), "lost.zip")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    Path archive = archive(id);
    Files.delete(archive);
    Api.as()
        .get("/api/datasets/" + id + "/images?path=train/cats/0.png")
        .then()
        .statusCode(410)
        .body("error", containsString(archive.getFileName().toString()))
        .body("error", containsString("upload the dataset again"));
  }

  private Path archive(long id) {
    String key =
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
            .call(() -> Dataset.<Dataset>findById(id).archivePath);
    return Path.of(dataDir, key);
  }

  private Set<String> names(long id, String prefix) throws IOException {
    try (ZipFile zip = new ZipFile(archive(id).toFile())) {
      Set<String> names = new TreeSet<>();
      zip.stream()
          .map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.startsWith(prefix))
          .forEach(names::add);
      return names;
    }
  }
}
