package io.kiln.backend.agent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registered training agent and the digest of its credential. */
@Entity
@Table(name = "agent")
public class Agent extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  @Column(name = "credential_hash", nullable = false, unique = true)
  public String credentialHash;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "last_seen_at")
  public Instant lastSeenAt;

  public String hostname;

  @Column(name = "agent_version")
  public String agentVersion;

  /** JSON list of the devices reported in the last Hello. */
  @Column(length = 4000)
  public String devices;

  @Column(name = "revoked_at")
  public Instant revokedAt;

  /** JSON: the versions the agent reported in its last Hello (djl, pytorch, java). */
  @Column(length = 1000)
  public String versions;

  /**
   * Labels (e.g. gpu=a100), comma-separated; runs that require labels go only to agents with them.
   */
  @Column(nullable = false, length = 1000)
  public String labels = "";

  /** A drained agent finishes what it runs and claims nothing new. */
  @Column(nullable = false)
  public boolean drained;

  /**
   * The one run this agent may take, for an agent started for it (a Kubernetes Job); null for an
   * agent that takes any run it matches.
   */
  @Column(name = "bound_run_id")
  public Long boundRunId;
}
