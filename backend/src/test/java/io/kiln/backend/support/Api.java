package io.kiln.backend.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;

/** Logs in once as the test admin and builds authenticated requests. */
public final class Api {
  public static final String ADMIN_PASSWORD = "test-admin-password";
  private static String token;

  private Api() {}

  public static synchronized String token() {
    if (token == null) {
      token =
          given()
              .contentType(ContentType.JSON)
              .body(Map.of("username", "admin", "password", ADMIN_PASSWORD))
              .post("/api/auth/login")
              .then()
              .statusCode(200)
              .extract()
              .path("token");
    }
    return token;
  }

  public static RequestSpecification as() {
    return given().header("Authorization", "Bearer " + token());
  }

  public static Response upload(byte[] zip, String fileName) {
    return as().multiPart("file", fileName, zip, "application/zip").post("/api/datasets");
  }

  public static long uploadValid(String name) {
    return uploadValid(name, 6);
  }

  /**
   * Two classes of {@code perClass} tiny images: 500 give a validation split of 100, enough for the
   * advisor to tell a 15-point gap from noise (T16).
   */
  public static long uploadValid(String name, int perClass) {
    byte[] zip = TestZips.create().images("cats", perClass).images("dogs", perClass).bytes();
    Number id = upload(zip, name + ".zip").then().statusCode(201).extract().path("id");
    return id.longValue();
  }

  public static long createRun(Map<String, Object> body) {
    Number id =
        as().contentType(ContentType.JSON)
            .body(body)
            .post("/api/runs")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return id.longValue();
  }

  /** Cancels every queued run so a protocol test's claim gets the run it created. */
  public static void cancelQueuedRuns() {
    for (Object id :
        as().get("/api/runs").jsonPath().getList("findAll { it.state == 'queued' }.id")) {
      as().post("/api/runs/" + id + "/cancel").then().statusCode(200);
    }
  }
}
