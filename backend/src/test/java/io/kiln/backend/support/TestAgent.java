package io.kiln.backend.support;

import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.ProtocolCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A protocol-speaking client over a real WebSocket, playing the agent's side in backend tests (the
 * real agent trains with DJL and is tested in gpu-agent and e2e-tests).
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

  private final ProtocolCodec codec = new ProtocolCodec();
  private final BlockingQueue<BackendMessage> inbox = new LinkedBlockingQueue<>();
  private final WebSocket socket;
  public final long agentId;
  public final String credential;

  public TestAgent(URI base, long agentId, String credential) {
    this.agentId = agentId;
    this.credential = credential;
    URI ws = URI.create(base.toString().replaceFirst("^http", "ws") + "ws/agent");
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + credential)
            .buildAsync(ws, new Listener())
            .join();
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

  public synchronized void send(AgentMessage message) {
    socket.sendText(codec.encode(message), true).join();
  }

  /** The next message of the given type, skipping others (e.g. a WorkAvailable nudge). */
  public <T extends BackendMessage> T expect(Class<T> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
  }

  @Override
  public void close() {
    socket
        .sendClose(WebSocket.NORMAL_CLOSURE, "bye")
        .orTimeout(2, TimeUnit.SECONDS)
        .exceptionally(e -> null)
        .join();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        inbox.add(codec.decodeBackend(text.toString()));
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  /** Enrolls a new agent through the API, connects it and completes the hello. */
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
    agent.send(
        new io.kiln.core.protocol.AgentMessage.Hello(
            io.kiln.core.protocol.Protocol.VERSION,
            "test",
            "test-host",
            java.util.List.of(
                new io.kiln.core.protocol.AgentMessage.DeviceInfo("cpu()", "cpu", "2 cores"))));
    agent.expect(io.kiln.core.protocol.BackendMessage.Welcome.class);
    return agent;
  }
}
