package io.kiln.backend.notify;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Arrays;

/** A person's e-mail choices: where to, which events, in which language. */
@Entity
@Table(name = "email_choice")
public class EmailChoice extends PanacheEntityBase {
  @Id public String username;

  @Column(nullable = false, length = 320)
  public String email;

  /** Event kinds, comma-separated. */
  @Column(nullable = false, length = 1000)
  public String kinds;

  /** {@code en} or {@code zh-CN}. */
  @Column(nullable = false)
  public String language;

  public boolean wants(String kind) {
    return Arrays.asList(kinds.split(",")).contains(kind);
  }
}
