package io.kiln.backend.pretrained;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A pretrained weights file kept in the blob store (T13): a catalogue entry's published file, or a
 * state dict an admin imported as a team's own starting point. Each file is kept once (by SHA-256).
 */
@Entity
@Table(name = "pretrained_weights")
public class PretrainedWeights extends PanacheEntityBase {
  /** How weights came: fetched from the catalogue's source, or imported by an admin. */
  public static final String FETCHED = "fetched";

  public static final String IMPORTED = "imported";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** The catalogue entry this file is, or null for weights of the team's own. */
  @Column(name = "catalogue_id")
  public String catalogueId;

  @Column(nullable = false)
  public String name;

  @Column(nullable = false)
  public String architecture;

  @Column(nullable = false)
  public String sha256;

  @Column(name = "size_bytes", nullable = false)
  public long sizeBytes;

  /** Where the blob store keeps the file. */
  @Column(name = "file_key", nullable = false)
  public String fileKey;

  /** The team that may start from them; null: every team. */
  @Column(name = "team_id")
  public Long teamId;

  @Column(nullable = false)
  public String source;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  /** The name a recipe gives them: the catalogue id, or {@code imported-<id>}. */
  public String key() {
    return catalogueId != null ? catalogueId : "imported-" + id;
  }
}
