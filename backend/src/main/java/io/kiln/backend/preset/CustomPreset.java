package io.kiln.backend.preset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A preset a user saved; every user sees it (shared with the team). */
@Entity
@Table(name = "preset")
public class CustomPreset extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  @Column(nullable = false, length = 2000)
  public String description;

  /** JSON object of the recipe fields the preset sets. */
  @Column(nullable = false, length = 8000)
  public String recipe;

  /** The preset it was cloned from, if any. */
  @Column(name = "based_on")
  public String basedOn;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  /** The team that owns this preset. */
  @Column(name = "team_id", nullable = false)
  public Long teamId;
}
