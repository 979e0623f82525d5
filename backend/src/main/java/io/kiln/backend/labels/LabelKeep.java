package io.kiln.backend.labels;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A flagged image a person kept in its class: no later check of the same dataset (any version of
 * its lineage) flags it again.
 */
@Entity
@Table(name = "label_keep")
@IdClass(LabelKeep.Key.class)
public class LabelKeep extends PanacheEntityBase {
  @Id
  @Column(name = "lineage_id")
  public long lineageId;

  /** The image as {@code class/file} ({@link #keyOf}): the same in every version and split. */
  @Id
  @Column(name = "image_id", length = 1000)
  public String imageId;

  @Column(name = "kept_by", nullable = false)
  public String keptBy;

  @Column(name = "kept_at", nullable = false)
  public Instant keptAt;

  /**
   * What a keep is remembered by: the image's class and file name without its split, so a re-split
   * or a later version of the dataset still knows it.
   */
  public static String keyOf(String imageId) {
    int slash = imageId.indexOf('/');
    return slash < 0 ? imageId : imageId.substring(slash + 1);
  }

  /** The keys kept for a dataset lineage. */
  static java.util.Set<String> keptIn(long lineageId) {
    java.util.Set<String> kept = new java.util.HashSet<>();
    for (LabelKeep keep : LabelKeep.<LabelKeep>list("lineageId", lineageId)) {
      kept.add(keep.imageId);
    }
    return kept;
  }

  /** The composite key. */
  public static class Key implements Serializable {
    public long lineageId;
    public String imageId;

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.lineageId == lineageId && k.imageId.equals(imageId);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(lineageId) * 31 + imageId.hashCode();
    }
  }
}
