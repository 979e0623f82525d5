package io.kiln.backend.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A person who logs in. Role is {@code member}, {@code lead} or {@code admin}; every person also
 * holds the identity role {@code user} that the person endpoints require. A person works in one or
 * more teams; a disabled person cannot log in and loses every session.
 */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {
  public static final String ADMIN = "admin";

  /** The identity role every person holds (the person endpoints require it). */
  public static final String USER = "user";

  public static final String LEAD = "lead";
  public static final String MEMBER = "member";

  /** The roles an account can have, least powerful first. */
  public static final java.util.List<String> ROLES = java.util.List.of(MEMBER, LEAD, ADMIN);

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

  @Column(name = "display_name")
  public String displayName;

  @Column(nullable = false)
  public boolean disabled;

  @ManyToMany(fetch = FetchType.EAGER)
  @JoinTable(
      name = "team_member",
      joinColumns = @JoinColumn(name = "user_id"),
      inverseJoinColumns = @JoinColumn(name = "team_id"))
  public Set<Team> teams = new HashSet<>();

  public static Optional<AppUser> byName(String username) {
    return find("username", username).firstResultOptional();
  }
}
