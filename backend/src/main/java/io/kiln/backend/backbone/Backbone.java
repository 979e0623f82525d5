package io.kiln.backend.backbone;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An uploaded pretrained TorchScript network, exported without its classifier (T13). */
@Entity
@Table(name = "backbone")
public class Backbone extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  /** Relative to the data directory. */
  @Column(name = "file_path", nullable = false)
  public String filePath;

  @Column(name = "size_bytes", nullable = false)
  public long sizeBytes;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  /** The team that owns this backbone. */
  @Column(name = "team_id", nullable = false)
  public Long teamId;
}
