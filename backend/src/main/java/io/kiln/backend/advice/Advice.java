package io.kiln.backend.advice;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A stored tuning suggestion: one row per run and rule, updated while the rule keeps firing and
 * marked inactive when it no longer holds, so the same advice is never repeated.
 */
@Entity
@Table(name = "suggestion")
public class Advice extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "run_id", nullable = false)
  public long runId;

  @Column(name = "rule_id", nullable = false)
  public String ruleId;

  @Column(nullable = false)
  public String severity;

  @Column(nullable = false)
  public String title;

  @Column(nullable = false, length = 4000)
  public String explanation;

  /** The explanation as a message key and arguments (JSON), or null for older suggestions. */
  @Column(name = "explanation_text", length = 4000)
  public String explanationText;

  /** Comma-separated trick IDs. */
  @Column(name = "trick_ids", nullable = false)
  public String trickIds;

  /** JSON object. */
  @Column(nullable = false, length = 4000)
  public String evidence;

  /** JSON object: recipe field to new value. */
  @Column(nullable = false, length = 4000)
  public String patch;

  @Column(nullable = false)
  public boolean active;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "applied_run_id")
  public Long appliedRunId;
}
