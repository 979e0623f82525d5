package io.kiln.backend.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A validated, immutable image dataset stored as a canonical archive ({@code class/image}). */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  /** JSON object of class name to image count, in class-index order. */
  @Column(name = "class_counts", nullable = false, length = 20000)
  public String classCounts;

  @Column(name = "image_count", nullable = false)
  public int imageCount;

  /** Relative to the data directory. */
  @Column(name = "archive_path", nullable = false)
  public String archivePath;

  @Column(name = "size_bytes", nullable = false)
  public long sizeBytes;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;
}
