package io.kiln.backend.support;

import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.ProtocolClient;
import java.net.URI;

/**
 * The agent's side in backend tests: test-fixtures' {@link ProtocolClient}, enrolled through the
 * API, with helpers to queue and claim runs.
 */
public final class TestAgent implements AutoCloseable {
  /**
   * A run named {@code name} that an agent (this helper) claimed and finished with these files as
   * its model archive, as the real agent uploads it.
   */
  public static long succeededRunWithModel(
      URI base, String name, java.util.Map<String, byte[]> files) throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect(base, name)) {
      Api.cancelQueuedRuns();
      long id = Api.createRun(java.util.Map.of("datasetId", Api.uploadValid(name), "name", name));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      TestZips zip = TestZips.create();
      new java.util.TreeMap<>(files).forEach(zip::file);
      io.restassured.RestAssured.given()
          .header("Authorization", "Bearer " + agent.credential)
          .contentType("application/octet-stream")
          .body(zip.bytes())
          .put("/api/agent/runs/" + id + "/model")
          .then()
          .statusCode(204);
      agent.send(new AgentMessage.RunFinished(id, a.nextSeq(), "SUCCEEDED", null));
      agent.expect(BackendMessage.Ack.class);
      return id;
    } finally {
      SERIAL.unlock();
    }
  }

  /** Tests that claim "the oldest queued run" hold this, so they do not interleave. */
  public static final java.util.concurrent.locks.ReentrantLock SERIAL =
      new java.util.concurrent.locks.ReentrantLock();

  private final ProtocolClient client;
  public final long agentId;
  public final String credential;

  public TestAgent(URI base, long agentId, String credential) {
    this.agentId = agentId;
    this.credential = credential;
    this.client = new ProtocolClient(base, credential);
  }

  /**
   * Queues a run with these recipe fields on a fresh valid dataset named {@code name} (other queued
   * runs cancelled) and claims it as this agent. The caller holds {@link #SERIAL}.
   */
  public BackendMessage.RunAssignment claimNewRun(String name, java.util.Map<String, ?> fields)
      throws InterruptedException {
    Api.cancelQueuedRuns();
    java.util.Map<String, Object> body = new java.util.HashMap<>(fields);
    body.put("datasetId", Api.uploadValid(name));
    long id = Api.createRun(body);
    send(new AgentMessage.ClaimRun());
    BackendMessage.RunAssignment assignment = expect(BackendMessage.RunAssignment.class);
    if (assignment.runId() != id) {
      throw new AssertionError("claimed run " + assignment.runId() + ", expected " + id);
    }
    return assignment;
  }

  public void send(AgentMessage message) {
    client.send(message);
  }

  /** The next message of the given type, skipping others (e.g. a WorkAvailable nudge). */
  public <T extends BackendMessage> T expect(Class<T> type) throws InterruptedException {
    return client.expect(type);
  }

  @Override
  public void close() {
    client.close();
  }

  /** Enrolls a new agent as an admin would let it: its {@code agentId} and {@code credential}. */
  public static io.restassured.path.json.JsonPath enroll(String name) {
    String token = Api.as().post("/api/agents/enrollment-tokens").then().extract().path("token");
    return io.restassured.RestAssured.given()
        .contentType(io.restassured.http.ContentType.JSON)
        .body(java.util.Map.of("token", token, "name", name))
        .post("/api/agents/enroll")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

  public static TestAgent connect(URI base, String name) throws InterruptedException {
    return connectWith(base, enroll(name));
  }

  /** Enrolls with a given token (e.g. one made for a Kubernetes Job), connects and says hello. */
  public static TestAgent connectWithToken(URI base, String token, String name)
      throws InterruptedException {
    return connectWith(
        base,
        io.restassured.RestAssured.given()
            .contentType(io.restassured.http.ContentType.JSON)
            .body(java.util.Map.of("token", token, "name", name))
            .post("/api/agents/enroll")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath());
  }

  private static TestAgent connectWith(URI base, io.restassured.path.json.JsonPath body)
      throws InterruptedException {
    TestAgent agent = new TestAgent(base, body.getLong("agentId"), body.getString("credential"));
    agent.client.hello();
    return agent;
  }
}
