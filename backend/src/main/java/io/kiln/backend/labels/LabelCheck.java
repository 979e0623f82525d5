package io.kiln.backend.labels;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A label check of one dataset version: its fold runs (runs whose {@code labelCheckId} is this one)
 * and, once they all succeeded, what confident learning found.
 */
@Entity
@Table(name = "label_check")
public class LabelCheck extends PanacheEntityBase {
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "dataset_id", nullable = false)
  public long datasetId;

  @Column(name = "team_id")
  public Long teamId;

  @Column(nullable = false)
  public String state;

  @Column(nullable = false)
  public int folds;

  /** The fold runs' recipe (flat JSON). */
  @Column(nullable = false, length = 8000)
  public String recipe;

  /** Why it failed or was cancelled. */
  @Column(length = 2000)
  public String reason;

  /** The findings ({@link LabelFindings} as JSON) once it succeeded. */
  @Column(length = 1000000)
  public String result;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "finished_at")
  public Instant finishedAt;

  /** The dataset version the person's choices made, once applied. */
  @Column(name = "applied_dataset_id")
  public Long appliedDatasetId;

  @Version public long version;
}
