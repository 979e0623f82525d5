package io.kiln.backend.predict;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One prediction request a run's model answered: how many images, how long, who asked. */
@Entity
@Table(name = "prediction_log")
public class PredictionLog extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "run_id", nullable = false)
  public Long runId;

  @Column(nullable = false)
  public Instant at;

  @Column(nullable = false)
  public int images;

  @Column(nullable = false)
  public int failed;

  @Column(nullable = false)
  public double millis;

  public String username;

  @Column(name = "api_key_id")
  public Long apiKeyId;
}
