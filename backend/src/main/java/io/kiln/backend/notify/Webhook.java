package io.kiln.backend.notify;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A team's receiver of events: an address, the secret its deliveries are signed with, the body's
 * format ({@code kiln} JSON or a {@code slack}-compatible message) and the event kinds it wants.
 */
@Entity
@Table(name = "webhook")
public class Webhook extends PanacheEntityBase {
  public static final String KILN = "kiln";
  public static final String SLACK = "slack";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "team_id", nullable = false)
  public Long teamId;

  @Column(nullable = false, length = 2000)
  public String url;

  @Column(nullable = false)
  public String secret;

  @Column(nullable = false)
  public String format;

  /** Event kinds, comma-separated. */
  @Column(nullable = false, length = 1000)
  public String kinds;

  /** An admin allowed this webhook to reach a private or internal address. */
  @Column(name = "allow_private", nullable = false)
  public boolean allowPrivate;

  @Column(nullable = false)
  public boolean enabled = true;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  public boolean wants(String kind) {
    return java.util.Arrays.asList(kinds.split(",")).contains(kind);
  }
}
