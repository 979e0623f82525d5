package io.kiln.backend.agent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A secret an admin hands to new agents; each exchanges it for its own credential. One-time by
 * default; a token for several agents (a Kubernetes Deployment's pods) is used up after {@link
 * #usesLeft} enrollments.
 */
@Entity
@Table(name = "enrollment_token")
public class EnrollmentToken extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "token_hash", nullable = false, unique = true)
  public String tokenHash;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "expires_at", nullable = false)
  public Instant expiresAt;

  @Column(name = "used_at")
  public Instant usedAt;

  /** How many more agents may enroll with it (1 for a one-time token). */
  @Column(name = "uses_left", nullable = false)
  public int usesLeft = 1;

  /** The run the agent enrolled with it may take, and no other (a token made for one Job). */
  @Column(name = "run_id")
  public Long runId;

  @Column(name = "agent_id")
  public Long agentId;
}
