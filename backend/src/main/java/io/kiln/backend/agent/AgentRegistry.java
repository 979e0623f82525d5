package io.kiln.backend.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.AgentCredentials;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.common.ShownText;
import io.kiln.backend.common.Tokens;
import io.kiln.backend.run.RunLeases;
import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import io.kiln.core.protocol.AgentMessage.Hello;
import io.kiln.core.run.Placement;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Enrollment tokens, agent credentials, revocation and the records agents keep up to date. */
@ApplicationScoped
public class AgentRegistry implements AgentCredentials {
  static final String CREDENTIAL_PREFIX = "ka_";
  static final String ENROLLMENT_PREFIX = "ke_";
  private static final TypeReference<List<DeviceInfo>> DEVICES = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> VERSIONS = new TypeReference<>() {};
  private final KilnConfig config;
  private final Json json;
  private final AgentConnections connections;
  private final RunLeases leases;

  private final Audit audit;

  private final jakarta.enterprise.event.Event<AgentRevoked> revoked;

  /** An admin revoked the agent; fired inside the revoking transaction. */
  public record AgentRevoked(long agentId, String admin) {}

  AgentRegistry(
      KilnConfig config,
      Json json,
      AgentConnections connections,
      RunLeases leases,
      Audit audit,
      jakarta.enterprise.event.Event<AgentRevoked> revoked) {
    this.revoked = revoked;
    this.audit = audit;
    this.config = config;
    this.json = json;
    this.connections = connections;
    this.leases = leases;
  }

  /** A new enrollment token (one-time unless asked otherwise); only its digest is stored. */
  @Transactional
  public AgentReplies.EnrollmentTokenView createEnrollmentToken(
      String admin, AgentReplies.TokenRequest request) {
    int uses = request.uses() == null ? 1 : request.uses();
    if (uses < 1 || uses > 10_000) {
      throw ApiException.field(400, "uses must be between 1 and 10000", "uses", "out of range");
    }
    if (request.hours() != null && (request.hours() < 1 || request.hours() > 24 * 365)) {
      throw ApiException.field(
          400, "hours must be between 1 and 8760 (a year)", "hours", "out of range");
    }
    String token = Tokens.newToken(ENROLLMENT_PREFIX);
    EnrollmentToken row = new EnrollmentToken();
    row.tokenHash = Tokens.digest(token);
    row.createdAt = Instant.now();
    row.createdBy = admin;
    row.expiresAt =
        row.createdAt.plus(
            request.hours() != null
                ? Duration.ofHours(request.hours())
                : Duration.ofMinutes(config.agents().enrollmentTokenMinutes()));
    row.usesLeft = uses;
    row.persist();
    audit.record(
        admin,
        "enrollment-token-created",
        null,
        "expires "
            + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC)
                .format(row.expiresAt)
            + (uses > 1 ? ", for " + uses + " agents" : ""));
    return new AgentReplies.EnrollmentTokenView(
        token, row.expiresAt, config.publicUrl().filter(u -> !u.isBlank()).orElse(null), uses);
  }

  /** Exchanges an unused, unexpired token for a new agent and its credential. */
  @Transactional
  public AgentReplies.Enrolled enroll(String token, String name, List<String> labels) {
    if (token == null || token.isBlank()) {
      throw ApiException.badRequest("an enrollment token is required");
    }
    // Locked: two agents enrolling with a token for several at once must each use one up.
    EnrollmentToken row =
        EnrollmentToken.<EnrollmentToken>find("tokenHash", Tokens.digest(token.trim()))
            .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
            .firstResultOptional()
            .orElseThrow(() -> new ApiException(401, "unknown enrollment token"));
    if (row.usedAt != null) {
      throw new ApiException(
          401, "this enrollment token was already used; ask an admin for a new one");
    }
    if (row.expiresAt.isBefore(Instant.now())) {
      throw new ApiException(401, "this enrollment token expired at " + row.expiresAt);
    }
    String credential = Tokens.newToken(CREDENTIAL_PREFIX);
    Agent agent = new Agent();
    agent.name = name == null || name.isBlank() ? "agent" : ShownText.name("name", name.trim());
    agent.credentialHash = Tokens.digest(credential);
    agent.labels = Placement.join(checkedLabels(labels));
    agent.createdAt = Instant.now();
    agent.boundRunId = row.runId;
    agent.persist();
    row.usesLeft = Math.max(0, row.usesLeft - 1);
    if (row.usesLeft == 0) {
      row.usedAt = agent.createdAt;
    }
    row.agentId = agent.id;
    audit.record(
        "agent:" + agent.id,
        "agent-enrolled",
        "agent " + agent.id,
        agent.name + " with a token of " + row.createdBy);
    return new AgentReplies.Enrolled(agent.id, credential);
  }

  @Override
  @Transactional
  public Optional<Long> agentIdForCredential(String credential) {
    return Agent.<Agent>find("credentialHash", Tokens.digest(credential))
        .firstResultOptional()
        .filter(a -> a.revokedAt == null)
        .map(a -> a.id);
  }

  @Transactional
  public void hello(long agentId, Hello hello) {
    Agent agent = Agent.findById(agentId);
    agent.hostname = hello.hostname();
    agent.agentVersion = hello.agentVersion();
    agent.lastSeenAt = Instant.now();
    agent.devices = json.write(hello.devices() == null ? List.of() : hello.devices());
    agent.versions = hello.versions() == null ? null : json.write(hello.versions());
  }

  Map<String, String> versions(Agent agent) {
    Map<String, String> versions =
        json.read(agent.versions, VERSIONS, "versions of agent " + agent.id);
    return versions == null ? Map.of() : versions;
  }

  /** Replaces the agent's labels. */
  @Transactional
  public void label(long agentId, List<String> labels, String admin) {
    Agent agent = find(agentId);
    agent.labels = Placement.join(checkedLabels(labels));
    audit.record(admin, "agent-labelled", "agent " + agentId, agent.labels);
  }

  private static List<String> checkedLabels(List<String> labels) {
    try {
      return Placement.labels(labels);
    } catch (IllegalArgumentException e) {
      throw ApiException.field(400, "labels: " + e.getMessage(), "labels", e.getMessage());
    }
  }

  /** Who is asking for work: the agent's labels and the memory of its best device. */
  @Transactional
  public RunLeases.Claimant claimant(long agentId) {
    Agent agent = find(agentId);
    List<DeviceInfo> devices = devices(agent);
    boolean gpu = devices.stream().anyMatch(d -> "gpu".equals(d.kind()));
    long memory =
        devices.stream()
            .filter(d -> !gpu || "gpu".equals(d.kind()))
            .map(DeviceInfo::memoryBytes)
            .filter(java.util.Objects::nonNull)
            .mapToLong(Long::longValue)
            .max()
            // an agent that does not report memory is not kept from runs that ask for some
            .orElse(Long.MAX_VALUE);
    return new RunLeases.Claimant(agentId, Placement.split(agent.labels), memory, agent.boundRunId);
  }

  /**
   * A one-time token for an agent started for one run (a Kubernetes Job): the agent it enrolls
   * takes that run and no other. Returns the token.
   */
  @Transactional
  public String createRunToken(long runId, Duration valid) {
    String token = Tokens.newToken(ENROLLMENT_PREFIX);
    EnrollmentToken row = new EnrollmentToken();
    row.tokenHash = Tokens.digest(token);
    row.createdAt = Instant.now();
    row.createdBy = "kubernetes-launcher";
    row.expiresAt = row.createdAt.plus(valid);
    row.runId = runId;
    row.persist();
    return token;
  }

  /** The agents that were started for this run (each enrolled with a token made for it). */
  @Transactional
  public List<Long> agentsBoundTo(long runId) {
    return Agent.<Agent>list("boundRunId", runId).stream().map(a -> a.id).toList();
  }

  /** Enrollment tokens that can still be used, oldest first. */
  @Transactional
  public List<AgentReplies.PendingToken> pendingTokens() {
    return EnrollmentToken.<EnrollmentToken>list(
            "usedAt is null and expiresAt > ?1", Sort.ascending("id"), Instant.now())
        .stream()
        .map(
            t ->
                new AgentReplies.PendingToken(
                    t.id, t.createdAt, t.createdBy, t.expiresAt, t.usesLeft))
        .toList();
  }

  /** Withdraws an unused enrollment token: it can no longer enroll an agent. */
  @Transactional
  public void revokeToken(long id, String admin) {
    EnrollmentToken token = EnrollmentToken.findById(id);
    if (token == null || token.usedAt != null) {
      throw ApiException.notFound("unused enrollment token", id);
    }
    token.delete();
    audit.record(admin, "enrollment-token-revoked", "token " + id, null);
  }

  @Transactional
  public Agent find(long id) {
    Agent agent = Agent.findById(id);
    if (agent == null) {
      throw ApiException.notFound("agent", id);
    }
    return agent;
  }

  @Transactional
  public void seen(long agentId) {
    Agent.update("lastSeenAt = ?1 where id = ?2", Instant.now(), agentId);
  }

  /**
   * Revokes the agent's credential, then (once that is committed) drops its connection and fails
   * the runs it held, rather than waiting for their leases to run out.
   */
  public void revokeEverywhere(long agentId, String admin) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              revoke(agentId);
              audit.record(admin, "agent-revoked", "agent " + agentId, null);
              revoked.fire(new AgentRevoked(agentId, admin));
            });
    connections.disconnect(agentId, "this agent was revoked by an admin");
    Conflicts.retry(
        () -> leases.releaseAgent(agentId, "agent " + agentId + " was revoked while training"));
  }

  /**
   * Drains the agent (it finishes its run and claims no new one) or undrains it. {@code now} also
   * stops its current run, which goes back to the queue to resume elsewhere from its last
   * checkpoint.
   */
  public void drain(long agentId, boolean drained, boolean now, String admin) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              find(agentId).drained = drained;
              audit.record(
                  admin,
                  drained ? (now ? "agent-drained-now" : "agent-drained") : "agent-undrained",
                  "agent " + agentId,
                  null);
            });
    if (drained && now) {
      Long runId = connections.currentRun(agentId);
      Conflicts.retry(
          () -> leases.releaseAgent(agentId, "agent " + agentId + " was drained by an admin"));
      if (runId != null) {
        connections.cancel(agentId, runId);
      }
    }
  }

  /** Whether the agent may claim work now. */
  @Transactional
  public boolean drained(long agentId) {
    Agent agent = Agent.findById(agentId);
    return agent == null || agent.drained;
  }

  private void revoke(long agentId) {
    Agent agent = Agent.findById(agentId);
    if (agent == null) {
      throw ApiException.notFound("agent", agentId);
    }
    if (agent.revokedAt == null) {
      agent.revokedAt = Instant.now();
    }
  }

  @Transactional
  public List<Agent> list() {
    return Agent.listAll(Sort.ascending("id"));
  }

  List<DeviceInfo> devices(Agent agent) {
    List<DeviceInfo> devices = json.read(agent.devices, DEVICES, "devices of agent " + agent.id);
    return devices == null ? List.of() : devices;
  }
}
