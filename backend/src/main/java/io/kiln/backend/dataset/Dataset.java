package io.kiln.backend.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One immutable version of a validated image dataset, stored as a canonical archive ({@code
 * split/class/image}). Changing a dataset creates the next version in its lineage.
 */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  /** The id of the lineage's first version (its own id for a first version). */
  @Column(name = "lineage_id")
  public Long lineageId;

  @Column(nullable = false)
  public int version;

  /** JSON object of class name to image count, in class-index order. */
  @Column(name = "class_counts", nullable = false, length = 20000)
  public String classCounts;

  @Column(name = "image_count", nullable = false)
  public int imageCount;

  /** Relative to the data directory. */
  @Column(name = "archive_path", nullable = false)
  public String archivePath;

  /** Relative to the data directory; null for datasets imported before thumbnails existed. */
  @Column(name = "thumbnails_path")
  public String thumbnailsPath;

  /**
   * JSON of the import result: splits, findings, statistics, gallery. Null for datasets imported
   * before validation and splits existed (migration V5): they train on a validation share instead.
   */
  @Column(length = 1000000)
  public String details;

  @Column(name = "size_bytes", nullable = false)
  public long sizeBytes;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  /** The team that owns this dataset (and every version of it). */
  @Column(name = "team_id", nullable = false)
  public Long teamId;

  /** SHA-256 of the archive (hex), which agents check after downloading it; null before V13. */
  @Column(name = "sha256", length = 64)
  public String sha256;
}
