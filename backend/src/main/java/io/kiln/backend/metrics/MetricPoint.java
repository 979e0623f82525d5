package io.kiln.backend.metrics;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One reported point of a run's curves; (run, seq) is unique, which makes ingestion idempotent. */
@Entity
@Table(name = "metric_point")
public class MetricPoint extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "run_id", nullable = false)
  public long runId;

  @Column(nullable = false)
  public long seq;

  @Column(nullable = false)
  public String kind;

  @Column(nullable = false)
  public int epoch;

  @Column(nullable = false)
  public long step;

  /** JSON object of value name to number. */
  @Column(name = "metric_values", nullable = false, length = 4000)
  public String values;

  @Column(name = "reported_at", nullable = false)
  public Instant reportedAt;
}
