package io.kiln.backend.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A key that calls predictions of one team's runs from a program ({@code Authorization: Bearer
 * kk_...}); it can do nothing else. Only its SHA-256 digest is stored.
 */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String name;

  @Column(name = "token_hash", nullable = false, unique = true)
  public String tokenHash;

  @Column(nullable = false)
  public String hint;

  @ManyToOne(optional = false)
  public Team team;

  @ManyToOne(optional = false)
  public AppUser owner;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "last_used_at")
  public Instant lastUsedAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;
}
