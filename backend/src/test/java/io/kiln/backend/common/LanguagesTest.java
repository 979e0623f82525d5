package io.kiln.backend.common;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestArchives;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replies follow the request's Accept-Language (the browser sends the person's pick): Simplified
 * Chinese for zh, English otherwise, with the same keys and numbers (issue 14).
 */
@QuarkusTest
class LanguagesTest {
  private static final String CHINESE = "zh-CN,zh;q=0.9,en;q=0.8";

  @Test
  void aRefusedRecipeNamesItsFieldInChineseAndInEnglishForEveryoneElse() {
    long datasetId = Api.uploadValid("languages-recipe");
    Map<String, Object> body = Map.of("datasetId", datasetId, "epochs", 3, "warmupEpochs", 3);
    Api.as()
        .header("Accept-Language", CHINESE)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields.field", equalTo(List.of("warmupEpochs")))
        .body("fields[0].message", equalTo("3 轮预热必须短于训练全部层的 3 轮"))
        .body("fields[0]", not(org.hamcrest.Matchers.hasKey("text")))
        .body("error", containsString("配方无效"));
    Api.as()
        .header("Accept-Language", "fr-FR,fr;q=0.9")
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body(
            "fields[0].message",
            equalTo("warmup of 3 epochs must be shorter than the 3 epochs that train all layers"));
  }

  @Test
  void fieldsPresetsAndGroupsAreInChinese() {
    Api.as()
        .header("Accept-Language", CHINESE)
        .get("/api/recipe/fields")
        .then()
        .statusCode(200)
        .body("find { it.name == 'learningRate' }.label", equalTo("学习率"))
        .body("find { it.name == 'learningRate' }.trickIds", equalTo(List.of("T2", "T8")))
        .body("group", hasItem("数据增强"));
    Api.as()
        .header("Accept-Language", CHINESE)
        .get("/api/presets")
        .then()
        .statusCode(200)
        .body("find { it.id == 'balanced' }.name", equalTo("均衡"))
        .body("find { it.id == 'balanced' }.fields.optimizer", equalTo("sgd"));
    Api.as().get("/api/presets/balanced").then().body("name", equalTo("Balanced"));
    // A malformed Accept-Language is read as English, not refused.
    Api.as()
        .header("Accept-Language", "zh-CN;q=not-a-number")
        .get("/api/presets/balanced")
        .then()
        .statusCode(200)
        .body("name", equalTo("Balanced"));
  }

  @Test
  void aRefusedDatasetAndItsFindingsAreInChinese() {
    Api.as()
        .header("Accept-Language", CHINESE)
        .multiPart(
            "file", "one.zip", TestArchives.create().images("cats", 5).zip(), "application/zip")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("error", equalTo("压缩包里只有一个类别（“cats”）；分类器至少需要两个类别文件夹"))
        .body("findings.find { it.kind == 'single-class' }.action", equalTo("拒绝了这个数据集"));
    Api.as()
        .header("Accept-Language", CHINESE)
        .multiPart("file", "notes.zip", "just text".getBytes(), "application/zip")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("error", containsString("不是 .zip 或 .tar.gz 压缩包"))
        .body("findings[0].kind", equalTo("not-an-archive"))
        .body("findings[0].advice", equalTo("修正压缩包后重新上传"));
    long id = Api.uploadValid("languages-findings");
    Api.as()
        .header("Accept-Language", CHINESE)
        .get("/api/datasets/" + id)
        .then()
        .statusCode(200)
        .body("findings.size()", org.hamcrest.Matchers.greaterThan(0))
        .body("findings.message", everyItem(matchesPattern("(?s).*[\\u4e00-\\u9fff].*")))
        .body("findings.advice", everyItem(matchesPattern("(?s).*[\\u4e00-\\u9fff].*")));
    Api.upload(TestArchives.create().images("cats", 5).zip(), "one.zip")
        .then()
        .statusCode(400)
        .body("error", containsString("only one class ('cats')"));
  }
}
