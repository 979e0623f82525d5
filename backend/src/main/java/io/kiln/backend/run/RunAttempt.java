package io.kiln.backend.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One time an agent took a run: who, when, from which epoch, and how it ended. */
@Entity
@Table(name = "run_attempt")
public class RunAttempt extends PanacheEntityBase {
  /** How an attempt ended (the outcome column). */
  public static final String SUCCEEDED = "succeeded";

  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";
  public static final String REQUEUED = "requeued";
  public static final String RETRIED_SMALLER = "retried_smaller";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "run_id", nullable = false)
  public Long runId;

  /** 1 for the first attempt. */
  @Column(nullable = false)
  public int number;

  @Column(name = "agent_id")
  public Long agentId;

  @Column(name = "started_at", nullable = false)
  public Instant startedAt;

  @Column(name = "ended_at")
  public Instant endedAt;

  public String outcome;

  @Column(name = "failure_class")
  public String failureClass;

  @Column(length = 2000)
  public String reason;

  /** The epochs already done when this attempt started (0: from the beginning). */
  @Column(name = "resumed_from_epoch", nullable = false)
  public int resumedFromEpoch;

  static RunAttempt current(long runId, int number) {
    return RunAttempt.<RunAttempt>find("runId = ?1 and number = ?2", runId, number)
        .firstResultOptional()
        .orElse(null);
  }
}
