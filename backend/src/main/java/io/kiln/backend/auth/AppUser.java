package io.kiln.backend.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** A person who logs in; role is "admin" or "user". */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {
  public static final String ADMIN = "admin";
  public static final String USER = "user";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, unique = true)
  public String username;

  @Column(name = "password_hash", nullable = false)
  public String passwordHash;

  @Column(nullable = false)
  public String role;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  public static Optional<AppUser> byName(String username) {
    return find("username", username).firstResultOptional();
  }
}
